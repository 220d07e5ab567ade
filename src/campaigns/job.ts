// The campaigns' minute job (node-cron, in WITA): starts scheduled sends and the days of repeating
// campaigns, queues what a crash or a resume left pending, holds campaign messages during quiet
// hours, and brings delivery outcomes into the frozen lists. Safe on several instances: a run is
// unique per occurrence, and queueing takes rows with SKIP LOCKED.
import { DateTime } from "luxon";
import { and, eq, inArray, isNotNull, isNull, lte, sql } from "drizzle-orm";
import type { Job } from "../jobs/index.js";
import type { Runtime } from "../runtime.js";
import { campaignRuns, campaigns } from "./campaigns.sql.js";
import { startRun } from "./manage.js";
import { dueOccurrence } from "./schedule.js";
import { finishRuns, holdForQuietHours, queueRun } from "./send.js";

export interface CampaignTick {
  started: number;
  queued: number;
  held: number;
  finished: number;
}

export async function campaignTick(rt: Runtime): Promise<CampaignTick> {
  const now = rt.clock.now();
  let started = 0;
  // One-off sends whose time has come.
  const due = await rt.db
    .select()
    .from(campaigns)
    .where(and(eq(campaigns.status, "scheduled"), isNull(campaigns.repeat), lte(campaigns.sendAt, now)));
  for (const c of due) if (await startRun(rt, c, (c.sendAt ?? now).toISOString())) started++;
  // Repeating campaigns: today's occurrence once its time has come (unique per day).
  const repeating = await rt.db
    .select()
    .from(campaigns)
    .where(and(inArray(campaigns.status, ["scheduled", "running"]), isNotNull(campaigns.repeat)));
  const today = DateTime.fromJSDate(now, { zone: rt.config.TIMEZONE }).toISODate() as string;
  for (const c of repeating) {
    const occurrence = c.repeat ? dueOccurrence(c.repeat, now, rt.config.TIMEZONE) : null;
    if (occurrence && (await startRun(rt, c, occurrence))) started++;
    // Past its last day and nothing running: done.
    if (c.repeat && today > c.repeat.until) {
      await rt.db.execute(sql`update campaigns set status = 'done', updated_at = ${now.toISOString()}::timestamptz
        where id = ${c.id} and not exists (select 1 from campaign_runs r where r.campaign_id = ${c.id} and r.status in ('running', 'paused'))`);
    }
  }
  // Outcomes in, finished runs closed; then running runs topped up (the next part of a large
  // list, a crash between batches, recipients the guard put back).
  const finished = await finishRuns(rt);
  let queued = 0;
  const running = await rt.db.select().from(campaignRuns).where(eq(campaignRuns.status, "running"));
  for (const run of running) queued += await queueRun(rt, run.id, run.sent);
  const held = await holdForQuietHours(rt);
  // Repeating campaigns between runs wait as "scheduled".
  await rt.db.execute(sql`update campaigns c set status = 'scheduled' where c.status = 'running' and c.repeat is not null
    and not exists (select 1 from campaign_runs r where r.campaign_id = c.id and r.status in ('running', 'paused'))`);
  return { started, queued, held, finished };
}

export const campaignJob: Job = {
  name: "campaigns",
  schedule: "* * * * *",
  run: async (rt) => ({ ...(await campaignTick(rt)) }),
};
