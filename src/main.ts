// Process entry: configuration → runtime → HTTP app → channels and jobs; orderly shutdown.
import { ConfigError, loadConfig, type Config } from "./config/index.js";
import { DataDirLockedError } from "./db/data-dir-lock.js";
import { buildApp } from "./app.js";
import { createChannels, startOutbound } from "./channels/index.js";
import { faqRefreshJob, refreshKnowledge } from "./knowledge/index.js";
import { faqTopicCountsJob, flushTopicCounts } from "./knowledge/backlog.js";
import { referralReminderJob } from "./growth/referrals.js";
import { vacuumJob } from "./db/maintenance.js";
import { startJobs } from "./jobs/index.js";
import { retentionJob } from "./privacy/retention.js";
import { reminderJob } from "./reminders/job.js";
import { campaignJob } from "./campaigns/index.js";
import { createLogger } from "./lib/log.js";
import { seedPuskesmas } from "./health-units/seed.js";
import { createRuntime } from "./runtime.js";

const SHUTDOWN_BUDGET_MS = 9_000;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL);

  let rt;
  try {
    rt = await createRuntime(config, { log });
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      console.error(err.message);
      process.exit(1);
    }
    log.fatal({ err }, "could not start");
    process.exit(1);
  }

  // A new installation is usable at once: Balangan's puskesmas and their desa (staff correct them
  // in the admin API). Not in createRuntime: tests build their own small world.
  const seededPuskesmas = await seedPuskesmas(rt.db);
  if (seededPuskesmas) rt.log.info({ puskesmas: seededPuskesmas }, "seeded Balangan's puskesmas");
  const hub = await createChannels(rt);
  await refreshKnowledge(rt, rt.db, true); // build the FAQ index now, not on the first question
  const app = await buildApp(rt, { hub });
  await app.listen({ port: config.PORT, host: config.HOST });
  await hub.startAll();
  const outbound = await startOutbound(rt, hub);
  const jobs = startJobs(rt, [
    faqRefreshJob,
    faqTopicCountsJob,
    referralReminderJob,
    reminderJob(hub),
    vacuumJob,
    retentionJob,
    campaignJob,
  ]);
  log.info({ url: `http://${config.HOST === "0.0.0.0" ? "localhost" : config.HOST}:${config.PORT}/` }, "Balanting is up");

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      log.error("shutdown took too long; exiting");
      process.exit(1);
    }, SHUTDOWN_BUDGET_MS);
    force.unref();
    try {
      await hub.stopAll(); // stop taking messages from channels
      await outbound.stop(); // finish sends in flight, hand held rows back to the queue
      await app.close(); // stop accepting requests, finish the ones in flight
      await jobs.stop(); // let a running job finish
      await flushTopicCounts(rt).catch((err: unknown) => log.error({ err }, "FAQ topic counts not written"));
      await rt.close();
      log.info("stopped");
      process.exit(0);
    } catch (err) {
      log.error({ err }, "error during shutdown");
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((err: unknown) => {
  console.error("Balanting could not start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
