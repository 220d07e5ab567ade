// Benchmark of campaigns at regency scale. BENCH_PEOPLE (default 100,000) people are seeded over
// Balangan's desa with children and measurements by a separate process (as a production service
// finds its data already there: the seeding's memory is not the service's), then this process
// opens the same database — on PGlite a data folder, as `npm start` does — and measures:
//   - segment counts (all, a kecamatan, parents of under-twos in Lampihong, stunted children) — target ≤ 1 s each;
//   - freezing the recipient list (one statement) and queueing it into the outbox — target ≤ 5 s;
//   - its resident memory in each phase (the kernel's high-water mark, reset per phase) — target ≤ 300 MB;
//   - the drain of the first BENCH_DRAIN messages (default 1,500) through grammY to the Bot API
//     stand-in (its own process) enforcing 30/s and 1/s per chat: rate and 429s.
// With BENCH_FULL_DRAIN=N (e.g. 5000): N people, nobody opted out, one campaign to all of them
// drained to the end at the default pacing: rate, 429s, each person exactly once, the report.
//   npm run bench:campaign                               (PGlite in a temporary data folder)
//   DATABASE_URL=postgres://… npm run bench:campaign     (a database of its own, dropped afterwards)
//   BENCH_FULL_DRAIN=5000 npm run bench:campaign
import { fork } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { DateTime } from "luxon";
import { staffAccounts } from "../src/admin/accounts.sql.js";
import type { StaffAccount } from "../src/admin/auth.js";
import { principalOf } from "../src/admin/accounts.js";
import { createCampaign, sentTexts, startRun, submitCampaign } from "../src/campaigns/manage.js";
import { campaignReport } from "../src/campaigns/report.js";
import { countAudience, type Segment } from "../src/campaigns/segment.js";
import { finishRuns, freezeRun, queueBatch, queueRun } from "../src/campaigns/send.js";
import { engineFor } from "../src/channels/engine.js";
import { ChannelHub } from "../src/channels/hub.js";
import { createTelegramAdapter } from "../src/channels/telegram/index.js";
import { loadConfig } from "../src/config/index.js";
import { openDatabase, queryRows, type Database } from "../src/db/client.js";
import { ManualClock } from "../src/lib/clock.js";
import { createLogger } from "../src/lib/log.js";
import { createRuntime, type Runtime } from "../src/runtime.js";
import { TEST_TOKEN } from "../test/channels/telegram/bot-api-stand-in.js";
import { StandInProcess } from "../test/campaigns/stand-in-process.js";
import { openBenchDatabase } from "./bench-db.js";

const FULL = Number(process.env.BENCH_FULL_DRAIN ?? 0);
const PEOPLE = FULL || Number(process.env.BENCH_PEOPLE ?? 100_000);
const DRAIN = Number(process.env.BENCH_DRAIN ?? 1_500);
const base = process.env.DATABASE_URL;
const log = createLogger("silent");
const mb = (b: number) => `${Math.round(b / 1048576)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const load = () => loadavg().map((l) => l.toFixed(1)).join(" ");

/** The kernel's peak resident set of this process (VmHWM), and its reset (Linux ≥ 4.0). */
function peakRss(): number {
  const kb = /VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
  return Number(kb ?? 0) * 1024;
}
function resetPeak(): void {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
  } catch {
    // Not Linux: the peak then covers everything since start.
  }
}

async function timed<T>(what: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const result = await what();
  return [result, performance.now() - t];
}

/** The configuration both processes use (a clock at 10:00 WITA: outside quiet hours). */
const config = () => loadConfig({ LOG_LEVEL: "silent", WEB_CHAT: "off", CAMPAIGN_APPROVAL: "off", ...(base ? { DATABASE_URL: base } : {}) });
const clockAtTen = (iso?: string) => new ManualClock(iso ?? DateTime.now().setZone("Asia/Makassar").set({ hour: 10, minute: 0, second: 0 }).toJSDate());

/** Seeding, in its own process: people over every desa, a posyandu each, children and one measurement each. */
async function seed(rt: Runtime): Promise<void> {
  // 2% opted out in the regency run; nobody in a full drain (every person must get it once).
  const optedOut = FULL ? sql`null::timestamptz` : sql`case when g % 50 = 0 then now() end`;
  await rt.db.execute(sql`insert into posyandu (name, desa_code, day_of_month) select 'Posyandu ' || name, code, 1 + (row_number() over ()) % 28 from areas where level = 'desa'`);
  await rt.db.execute(sql`
    with desa as (select code, row_number() over (order by code) - 1 as i, count(*) over () as n from areas where level = 'desa')
    insert into contacts (role, lang, desa_code, posyandu_id, consent_version, consent_at, registered_at, last_inbound_at, opted_out_at)
    select (array['parent','parent','parent','pregnant','kader'])[1 + g % 5], (array['id','bjn','bjn'])[1 + g % 3], d.code,
           (select p.id from posyandu p where p.desa_code = d.code limit 1),
           '2026-12-v2', now(), now() - (g % 400) * interval '1 day', now() - (g % 90) * interval '1 day', ${optedOut}
    from generate_series(0, ${PEOPLE - 1}) g join desa d on d.i = g % d.n`);
  await rt.db.execute(sql`
    insert into contact_channels (contact_id, channel, address, last_inbound_at)
    select id, 'telegram', (10000000 + row_number() over (order by id))::text, last_inbound_at from contacts`);
  await rt.db.execute(sql`
    insert into children (code, name, sex, birth_date, parent_contact_id, desa_code, posyandu_id)
    select 'B' || lpad(row_number() over ()::text, 7, '0'), 'Anak', 'L', current_date - (hashtext(id::text) & 2047) % 1800, id, desa_code, posyandu_id
    from contacts where role = 'parent'`);
  await rt.db.execute(sql`
    insert into measurements (child_id, measured_on, zlen, zwfl, zwei, growth_code)
    select id, current_date - (hashtext(code) & 511) % 300, ((hashtext(code) & 1023) / 170.0) - 4, ((hashtext(name || code) & 1023) / 170.0) - 3, 0, 'N'
    from children`);
  await rt.db.execute(sql`analyze`);
  await rt.db.insert(staffAccounts).values({ username: "bench", name: "bench", role: "pokja_admin", passwordHash: "x", createdAt: new Date() });
}

/** The database of a phase: the PGlite data folder or the PostgreSQL database the parent made. */
async function openTarget(): Promise<Database> {
  const dataDir = process.env.BENCH_DATA_DIR;
  if (dataDir) return openDatabase({ engine: "pglite", dataDir });
  return openDatabase({ engine: "postgres", url: process.env.BENCH_DB_URL as string, max: 10 });
}

if (process.env.BENCH_PHASE === "seed") {
  const [, ms] = await timed(async () => {
    const rt = await createRuntime(config(), { log, clock: clockAtTen(process.env.BENCH_NOW), database: await openTarget() });
    await seed(rt);
    await rt.close();
  });
  process.send?.({ seedMs: ms, peakRss: peakRss() });
  process.exit(0);
}

// ---- the service process ---------------------------------------------------------------------

const now = clockAtTen();
let dataDir: string | undefined;
let dbUrl: string | undefined;
let dropDb = async () => {};
if (base) {
  const made = await openBenchDatabase("campaign", 1);
  await made.database.close();
  dbUrl = made.url;
  dropDb = made.drop;
} else {
  dataDir = mkdtempSync(join(tmpdir(), "balanting-bench-campaign-"));
}

console.log(`bench:campaign — ${PEOPLE.toLocaleString("en")} people${FULL ? ` (full drain of everyone)` : ""}, ${base ? "PostgreSQL" : "PGlite (data folder)"}, load ${load()}`);
const child = fork(new URL(import.meta.url), [], {
  execArgv: ["--import", "tsx"],
  env: { ...process.env, BENCH_PHASE: "seed", BENCH_NOW: now.now().toISOString(), ...(dataDir ? { BENCH_DATA_DIR: dataDir } : { BENCH_DB_URL: dbUrl }) },
});
const [seeded] = (await once(child, "message")) as [{ seedMs: number; peakRss: number }];
await once(child, "exit");
console.log(`  seeded by a separate process in ${seconds(seeded.seedMs)} (its peak RSS ${mb(seeded.peakRss)}; load ${load()})`);

const phases: [string, number][] = [];
const phase = async <T>(name: string, what: () => Promise<T>): Promise<T> => {
  resetPeak();
  const result = await what();
  phases.push([name, peakRss()]);
  return result;
};

const database = await phase("open the database (migrations checked)", () =>
  dataDir ? openDatabase({ engine: "pglite", dataDir }) : openDatabase({ engine: "postgres", url: dbUrl as string, max: 10 }),
);
const rt = await createRuntime(config(), { log, clock: now, database });
try {
  const [staffRow] = await rt.db.select().from(staffAccounts);
  const staff = staffRow as StaffAccount;
  if (FULL) await fullDrain(rt, staff);
  else await regency(rt, staff);
  console.log(`  peak RSS of the service process by phase (kernel high-water mark, reset at each phase; load ${load()}):`);
  for (const [name, bytes] of phases) console.log(`    ${name}: ${mb(bytes)} ${bytes <= 300 * 1048576 ? "(≤ 300 MB: met)" : "(> 300 MB: NOT met)"}`);
} finally {
  await rt.close();
  await dropDb();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

async function regency(rt: Runtime, staff: StaffAccount): Promise<void> {
  const segments: [string, Segment][] = [
    ["everyone", {}],
    ["kecamatan Lampihong", { kecamatanCodes: ["63.11.05"] }],
    ["parents of under-twos in Lampihong", { kecamatanCodes: ["63.11.05"], roles: ["parent"], childAgeMonths: { max: 23 } }],
    ["stunted children (last measurement)", { childGrowth: ["pendek"] }],
    ["not seen 30 days, Banjar", { notSeenDays: 30, langs: ["bjn"] }],
  ];
  await phase("segment counts", async () => {
    for (const [name, segment] of segments) {
      const [count, ms] = await timed(() => countAudience(rt.db, principalOf(staff), segment, { now: now.now(), zone: rt.config.TIMEZONE }));
      console.log(`  segment count "${name}": ${count.total.toLocaleString("en")} in ${seconds(ms)} ${ms <= 1000 ? "(≤ 1 s: met)" : "(> 1 s: NOT met)"}`);
    }
  });

  const campaign = await createCampaign(rt, staff, { name: "bench", textId: "Halo warga {nama_desa}: posyandu {nama_posyandu} buka {posyandu_hari}.", sameForBoth: true });
  await submitCampaign(rt, staff, campaign.id);
  const { run, queued, freezeMs, queueMs } = await phase("freeze + queue the first window", async () => {
    const [run, freezeMs] = await timed(() => rt.db.transaction((tx) => freezeRun(rt, tx, campaign, now.now().toISOString(), sentTexts(campaign))));
    const [queued, queueMs] = await timed(() => queueRun(rt, run!.runId, sentTexts(campaign)));
    return { run: run!, queued, freezeMs, queueMs };
  });
  const total = freezeMs + queueMs;
  console.log(`  freeze ${run.recipients.toLocaleString("en")} recipients: ${seconds(freezeMs)}; queue the first ${queued.toLocaleString("en")} (CAMPAIGN_QUEUE_AHEAD) into the outbox: ${seconds(queueMs)}; together ${seconds(total)} ${total <= 5000 ? "(≤ 5 s: met)" : "(> 5 s: NOT met)"}`);
  // The whole list at once, for comparison (what the minute job otherwise spreads over the drain).
  const [rest, restMs] = await phase("queue the rest as well", () =>
    timed(async () => {
      let n = 0;
      for (let more = 1; more > 0; n += more) more = await queueBatch(rt, run.runId, sentTexts(campaign), rt.config.CAMPAIGN_QUEUE_BATCH);
      return n;
    }),
  );
  console.log(`  queueing the other ${rest.toLocaleString("en")} as well: ${seconds(restMs)} (${Math.round(((queued + rest) / (queueMs + restMs)) * 1000).toLocaleString("en")} recipients/s)`);

  if (DRAIN > 0) {
    await phase(`drain of ${DRAIN.toLocaleString("en")}`, async () => {
      const { rate, stats, delivered } = await drain(rt, DRAIN);
      console.log(`  drain: ${DRAIN.toLocaleString("en")} messages at ${rate.toFixed(2)}/s (target 30/s ±5%: ${Math.abs(rate - 30) <= 1.5 ? "met" : "NOT met"}), ${stats.tooManyRequests} × 429, ${new Set(delivered.map((x) => x.chatId)).size === delivered.length ? "no chat twice" : "A CHAT TWICE"} (load ${load()})`);
    });
  }
}

/** Drains through the stand-in at the default pacing until `count` messages arrived (and, with `until`, until that holds). */
async function drain(rt: Runtime, count: number, until?: () => Promise<boolean>) {
  const api = new StandInProcess({ perSecond: 30, perChatPerSecond: 1, retryAfterS: 1 });
  const apiRoot = await api.start();
  const hub = new ChannelHub().register(createTelegramAdapter({ token: TEST_TOKEN, apiRoot, mode: "webhook", webhookSecret: "bench", log, sink: async () => {} }));
  const engine = engineFor(rt, hub);
  await engine.start();
  try {
    await api.waitForDelivered(count);
    // Then until nothing is left on its way (a message sent twice would show up meanwhile).
    if (until) while (!(await until())) await Promise.race([once(engine.events, "outcome"), new Promise((resolve) => setTimeout(resolve, 500))]);
    const d = api.delivered.slice(0, count);
    // Steady state: from the 31st message on (the first second fills the pipeline).
    const rate = (count - 31) / ((d[count - 1]!.at - d[30]!.at) / 1000);
    const stats = await api.stats();
    return { rate, stats, delivered: api.delivered.slice(), rateLimited: engine.counters.rateLimited };
  } finally {
    await engine.stop();
    await api.close();
  }
}

async function fullDrain(rt: Runtime, staff: StaffAccount): Promise<void> {
  const campaign = await createCampaign(rt, staff, { name: "bench", textId: "Halo warga {nama_desa}: posyandu {nama_posyandu} buka {posyandu_hari}.", sameForBoth: true });
  await submitCampaign(rt, staff, campaign.id);
  const [run, startMs] = await timed(() => startRun(rt, { ...campaign, status: "approved" }, now.now().toISOString(), staff));
  const recipients = run!.recipients;
  console.log(`  campaign to ${recipients.toLocaleString("en")} started (frozen and queued) in ${seconds(startMs)}`);
  const left = async () => {
    const [r] = await queryRows<{ n: number }>(rt.db, sql`select count(*)::int as n from outbox where kind = 'campaign' and status in ('queued', 'sending')`);
    return Number(r?.n ?? 0) === 0;
  };
  const { rate, stats, delivered, rateLimited } = await phase(`full drain of ${recipients.toLocaleString("en")}`, () => drain(rt, recipients, left));
  const perChat = new Map<string, number>();
  for (const d of delivered) perChat.set(d.chatId, (perChat.get(d.chatId) ?? 0) + 1);
  const twice = [...perChat.values()].filter((n) => n > 1).length;
  await finishRuns(rt);
  const report = await campaignReport(rt.db, campaign.id);
  const seconds429 = stats.tooManyAt.length ? ` (at ${stats.tooManyAt.map((t) => `${((t - delivered[0]!.at) / 1000).toFixed(1)} s`).join(", ")})` : "";
  console.log(
    `  full drain: ${delivered.length.toLocaleString("en")} messages to ${perChat.size.toLocaleString("en")} chats at ${rate.toFixed(2)}/s from the 31st ` +
      `(target 30/s ±5%: ${Math.abs(rate - 30) <= 1.5 ? "met" : "NOT met"}), ${stats.tooManyRequests} × 429${seconds429} (engine saw ${rateLimited}), ` +
      `${twice === 0 && perChat.size === recipients ? "each person exactly once" : `${twice} twice, ${recipients - perChat.size} missed`}; ` +
      `report: sent ${report.totals.sent}, failed ${report.totals.failed}, pending ${report.totals.pending}, queued ${report.totals.queued} (load ${load()})`,
  );
}
