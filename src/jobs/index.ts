// Periodic work on node-cron. Each job reports stats, never overlaps itself, and shutdown waits
// for a running job to finish before the database closes.
import cron, { type ScheduledTask } from "node-cron";
import * as metrics from "../metrics/index.js";
import type { Runtime } from "../runtime.js";
import { withRequestId } from "../lib/request-context.js";

export interface Job {
  name: string;
  /** Cron expression (node-cron, with seconds optional). */
  schedule: string;
  run(rt: Runtime): Promise<Record<string, number>>;
}

export interface JobRunner {
  /** Runs a job now (tests, and the first pass at start). */
  runNow(name: string): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export function startJobs(rt: Runtime, jobs: Job[]): JobRunner {
  const running = new Map<string, Promise<Record<string, number>>>();
  const tasks: ScheduledTask[] = [];

  const runOnce = (job: Job): Promise<Record<string, number>> => {
    const current = running.get(job.name);
    if (current) return current; // still busy from the last tick: skip, do not pile up
    const started = Date.now();
    // One id for every log line of this run, its own "job ran" or "job failed" included.
    const promise = withRequestId(() =>
      job
        .run(rt)
        .then((stats) => {
          for (const [item, n] of Object.entries(stats)) if (n > 0) metrics.jobItems.inc({ job: job.name, item }, n);
          if (Object.values(stats).some((v) => v > 0)) rt.log.info({ job: job.name, ms: Date.now() - started, ...stats }, "job ran");
          return stats;
        })
        .catch((err: unknown): Record<string, number> => {
          rt.log.error({ err, job: job.name }, "job failed");
          metrics.errors.inc({ place: `job:${job.name}` });
          return {};
        }),
    ).finally(() => running.delete(job.name));
    running.set(job.name, promise);
    return promise;
  };

  for (const job of jobs) {
    tasks.push(cron.schedule(job.schedule, () => void runOnce(job), { name: job.name, timezone: rt.config.TIMEZONE }));
  }

  return {
    runNow: (name) => {
      const job = jobs.find((j) => j.name === name);
      if (!job) throw new Error(`no job ${name}`);
      return runOnce(job);
    },
    async stop() {
      for (const task of tasks) await task.stop();
      await Promise.allSettled(running.values());
    },
  };
}
