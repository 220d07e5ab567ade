// The service half of bench:campaign, run as the service runs: plain JavaScript from dist/ (what
// `npm start` runs), with the service's node flags, in a fresh process over a database another
// process seeded — so its memory is what a campaign costs the service. bench-campaign.ts starts
// it and reads its results over IPC; the Bot API stand-in runs in a third process.
//   env: BENCH_DATA_DIR (PGlite data folder) or BENCH_DB_URL (PostgreSQL), BENCH_NOW, BENCH_MODE
//   (regency | full), BENCH_DRAIN, BENCH_API_ROOT, BENCH_TOKEN
import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { principalOf } from "../dist/admin/accounts.js";
import { staffAccounts } from "../dist/admin/accounts.sql.js";
import { createCampaign, sentTexts, startRun, submitCampaign } from "../dist/campaigns/manage.js";
import { campaignReport } from "../dist/campaigns/report.js";
import { countAudience } from "../dist/campaigns/segment.js";
import { finishRuns, freezeRun, queueBatch, queueRun } from "../dist/campaigns/send.js";
import { engineFor } from "../dist/channels/engine.js";
import { ChannelHub } from "../dist/channels/hub.js";
import { createTelegramAdapter } from "../dist/channels/telegram/index.js";
import { loadConfig } from "../dist/config/index.js";
import { openDatabase, queryRows } from "../dist/db/client.js";
import { createLogger } from "../dist/lib/log.js";
import { createRuntime } from "../dist/runtime.js";

const env = process.env;
const log = createLogger("silent");
const results = { phases: [], lines: [] };
const say = (line) => results.lines.push(line);
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;

/** The kernel's peak resident set of this process (VmHWM), and its reset (Linux ≥ 4.0). */
const peakRss = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? 0) * 1024;
const resetPeak = () => {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
  } catch {
    // Not Linux: the peak then covers everything since start.
  }
};
async function phase(name, what) {
  resetPeak();
  const t = performance.now();
  const cpu = process.cpuUsage();
  const result = await what();
  const used = process.cpuUsage(cpu);
  // CPU time of this process (PGlite's work included): on a shared machine, wall time is mostly the wait for a core.
  results.phases.push({ name, peakRss: peakRss(), ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000 });
  return result;
}

// 10:00 WITA when the service starts, then running: a retry's backoff comes due as in production.
const startedAt = performance.now();
const clock = { now: () => new Date(new Date(env.BENCH_NOW).getTime() + (performance.now() - startedAt)) };
const config = loadConfig({
  LOG_LEVEL: "silent",
  WEB_CHAT: "off",
  CAMPAIGN_APPROVAL: "off",
  ...(env.BENCH_DB_URL ? { DATABASE_URL: env.BENCH_DB_URL } : {}),
});
const rt = await phase("start: open the database, migrations checked", async () => {
  const database = env.BENCH_DATA_DIR
    ? await openDatabase({ engine: "pglite", dataDir: env.BENCH_DATA_DIR })
    : await openDatabase({ engine: "postgres", url: env.BENCH_DB_URL, max: config.DB_POOL_MAX });
  return createRuntime(config, { log, clock, database });
});

/** Starts the engine on the stand-in and resolves when `done` holds (checked after outcomes). */
async function drain(done) {
  const hub = new ChannelHub().register(
    createTelegramAdapter({
      token: env.BENCH_TOKEN,
      apiRoot: env.BENCH_API_ROOT,
      mode: "webhook",
      webhookSecret: "bench",
      log,
      sink: async () => {},
    }),
  );
  const engine = engineFor(rt, hub);
  await engine.start();
  // Looked at again after the next outcome, or half a second (a check racing an outcome).
  const next = () =>
    new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        engine.events.off("outcome", wake);
        resolve();
      };
      const timer = setTimeout(wake, 500);
      engine.events.on("outcome", wake);
    });
  while (!(await done(engine))) await next();
  await engine.stop();
  return engine.counters;
}

try {
  const [staff] = await rt.db.select().from(staffAccounts);
  const campaign = await createCampaign(rt, staff, {
    name: "bench",
    textId: "Halo warga {nama_desa}: posyandu {nama_posyandu} buka {posyandu_hari}.",
    sameForBoth: true,
  });
  await submitCampaign(rt, staff, campaign.id);
  if (env.BENCH_MODE === "full") {
    const t = performance.now();
    const run = await phase("start the campaign (freeze + queue)", () =>
      startRun(rt, { ...campaign, status: "approved" }, clock.now().toISOString(), staff),
    );
    say(`campaign to ${run.recipients.toLocaleString("en")} started (frozen and queued) in ${seconds(performance.now() - t)}`);
    const left = async () => {
      const [r] = await queryRows(
        rt.db,
        sql`select count(*)::int as n from outbox where kind = 'campaign' and status in ('queued', 'sending')`,
      );
      return Number(r?.n ?? 0) === 0;
    };
    results.counters = await phase(`full drain of ${run.recipients.toLocaleString("en")}`, () => drain(left));
    await finishRuns(rt);
    results.recipients = run.recipients;
    results.report = (await campaignReport(rt.db, campaign.id)).totals;
  } else {
    const segments = [
      ["everyone", {}],
      ["kecamatan Lampihong", { kecamatanCodes: ["63.11.05"] }],
      ["parents of under-twos in Lampihong", { kecamatanCodes: ["63.11.05"], roles: ["parent"], childAgeMonths: { max: 23 } }],
      ["stunted children (last measurement)", { childGrowth: ["pendek"] }],
      ["not seen 30 days, Banjar", { notSeenDays: 30, langs: ["bjn"] }],
    ];
    await phase("segment counts", async () => {
      for (const [name, segment] of segments) {
        const t = performance.now();
        const count = await countAudience(rt.db, principalOf(staff), segment, { now: clock.now(), zone: config.TIMEZONE });
        const ms = performance.now() - t;
        say(
          `segment count "${name}": ${count.total.toLocaleString("en")} in ${seconds(ms)} ${ms <= 1000 ? "(≤ 1 s: met)" : "(> 1 s: NOT met)"}`,
        );
      }
    });
    const { run, queued, freezeMs, queueMs } = await phase("freeze + queue the first window", async () => {
      let t = performance.now();
      const run = await rt.db.transaction((tx) => freezeRun(rt, tx, campaign, clock.now().toISOString(), sentTexts(campaign)));
      const freezeMs = performance.now() - t;
      t = performance.now();
      const queued = await queueRun(rt, run.runId, sentTexts(campaign));
      return { run, queued, freezeMs, queueMs: performance.now() - t };
    });
    const total = freezeMs + queueMs;
    say(
      `freeze ${run.recipients.toLocaleString("en")} recipients: ${seconds(freezeMs)}; queue the first ${queued.toLocaleString("en")} (CAMPAIGN_QUEUE_AHEAD) into the outbox: ${seconds(queueMs)}; together ${seconds(total)} ${total <= 5000 ? "(≤ 5 s: met)" : "(> 5 s: NOT met)"}`,
    );
    const drainCount = Number(env.BENCH_DRAIN ?? 0);
    if (drainCount > 0)
      results.counters = await phase(`drain of the first ${drainCount.toLocaleString("en")}`, () =>
        drain((engine) => engine.counters.sent >= drainCount),
      );
    // The rest of the list at once, for comparison (what the minute job otherwise spreads over the drain).
    const t = performance.now();
    const rest = await phase("queue the rest of the list as well", async () => {
      let n = 0;
      for (let more = 1; more > 0; n += more) more = await queueBatch(rt, run.runId, sentTexts(campaign), config.CAMPAIGN_QUEUE_BATCH);
      return n;
    });
    const restMs = performance.now() - t;
    say(
      `queueing the other ${rest.toLocaleString("en")} as well: ${seconds(restMs)} (${Math.round((rest / restMs) * 1000).toLocaleString("en")} recipients/s)`,
    );
  }
} finally {
  await rt.close();
}
process.send?.(results);
