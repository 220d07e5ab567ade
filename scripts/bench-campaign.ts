// Benchmark of campaigns at regency scale, in three processes as in production:
//   1. seeding (tsx, its own process): BENCH_PEOPLE (default 100,000) people over Balangan's desa
//      with children and measurements — a service finds its data already there;
//   2. the service (scripts/bench-campaign-service.mjs: compiled dist/, the service's node flags)
//      opens the same database — on PGlite a data folder, as `npm start` does — and measures
//      segment counts (target ≤ 1 s each), freezing and queueing the list (≤ 5 s), the drain of
//      the first BENCH_DRAIN messages (default 1,500), and its resident memory per phase (the
//      kernel's high-water mark, reset at each phase; target ≤ 300 MB);
//   3. the Bot API stand-in (its own process) enforcing 30/s and 1/s per chat: rate, 429s.
// With BENCH_FULL_DRAIN=N (e.g. 5000): N people, nobody opted out, one campaign to all of them
// drained to the end at the default pacing: rate, 429s, each person exactly once, the report.
//   npm run bench:campaign                               (PGlite in a temporary data folder)
//   DATABASE_URL=postgres://… npm run bench:campaign     (a database of its own, dropped afterwards)
//   BENCH_FULL_DRAIN=5000 npm run bench:campaign
import { execFileSync, fork } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { DateTime } from "luxon";
import { staffAccounts } from "../src/admin/accounts.sql.js";
import { loadConfig } from "../src/config/index.js";
import { openDatabase, type Database } from "../src/db/client.js";
import { ManualClock } from "../src/lib/clock.js";
import { createLogger } from "../src/lib/log.js";
import { createRuntime, type Runtime } from "../src/runtime.js";
import { TEST_TOKEN } from "../test/channels/telegram/bot-api-stand-in.js";
import { StandInProcess } from "../test/campaigns/stand-in-process.js";
import { openBenchDatabase } from "./bench-db.js";

const FULL = Number(process.env.BENCH_FULL_DRAIN ?? 0);
const PEOPLE = FULL || Number(process.env.BENCH_PEOPLE ?? 100_000);
const DRAIN = FULL ? 0 : Number(process.env.BENCH_DRAIN ?? 1_500);
const base = process.env.DATABASE_URL;
const log = createLogger("silent");
const mb = (b: number) => `${Math.round(b / 1048576)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
const peakRss = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? 0) * 1024;

async function timed<T>(what: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const result = await what();
  return [result, performance.now() - t];
}

/** The seeding process's configuration. */
const config = () =>
  loadConfig({ LOG_LEVEL: "silent", WEB_CHAT: "off", CAMPAIGN_APPROVAL: "off", ...(base ? { DATABASE_URL: base } : {}) });

/** Seeding, in its own process: people over every desa, a posyandu each, children and one measurement each. */
async function seed(rt: Runtime): Promise<void> {
  // 2% opted out in the regency run; nobody in a full drain (every person must get it once).
  const optedOut = FULL ? sql`null::timestamptz` : sql`case when g % 50 = 0 then now() end`;
  await rt.db.execute(
    sql`insert into posyandu (name, desa_code, day_of_month) select 'Posyandu ' || name, code, 1 + (row_number() over ()) % 28 from areas where level = 'desa'`,
  );
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
  await rt.db
    .insert(staffAccounts)
    .values({ username: "bench", name: "bench", role: "pokja_admin", passwordHash: "x", createdAt: new Date() });
}

/** The database of the seeding process: the PGlite data folder or the PostgreSQL database made for the run. */
async function openTarget(): Promise<Database> {
  const dataDir = process.env.BENCH_DATA_DIR;
  if (dataDir) return openDatabase({ engine: "pglite", dataDir });
  return openDatabase({ engine: "postgres", url: process.env.BENCH_DB_URL as string, max: 10 });
}

if (process.env.BENCH_PHASE === "seed") {
  const [, ms] = await timed(async () => {
    const rt = await createRuntime(config(), { log, clock: new ManualClock(process.env.BENCH_NOW), database: await openTarget() });
    await seed(rt);
    await rt.close();
  });
  process.send?.({ seedMs: ms, peakRss: peakRss() });
  process.exit(0);
}

// A clock standing at 10:00 WITA today: campaigns wait out quiet hours (21:00–06:00), and the
// benchmark must not depend on when it runs. Pacing runs on the real monotonic clock regardless.
const now = DateTime.now().setZone("Asia/Makassar").set({ hour: 10, minute: 0, second: 0, millisecond: 0 }).toJSDate().toISOString();
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
const where = dataDir ? { BENCH_DATA_DIR: dataDir } : { BENCH_DB_URL: dbUrl as string };
let api: StandInProcess | undefined;
try {
  console.log(
    `bench:campaign — ${PEOPLE.toLocaleString("en")} people${FULL ? " (full drain of everyone)" : ""}, ${base ? "PostgreSQL" : "PGlite (data folder)"}, load ${load()}`,
  );
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" }); // dist/, as `npm start` does (before seeding: two runs started apart do not rebuild under each other)
  const seeder = fork(new URL(import.meta.url), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, BENCH_PHASE: "seed", BENCH_NOW: now, ...where },
  });
  const [seeded] = (await once(seeder, "message")) as [{ seedMs: number; peakRss: number }];
  await once(seeder, "exit");
  console.log(`  seeded by a process of its own in ${seconds(seeded.seedMs)} (its peak RSS ${mb(seeded.peakRss)}; load ${load()})`);

  api = new StandInProcess({ perSecond: 30, perChatPerSecond: 1, retryAfterS: 1 });
  const apiRoot = await api.start();
  const service = fork(new URL(process.env.BENCH_SERVICE ?? "./bench-campaign-service.mjs", import.meta.url), [], {
    execArgv: ["--max-semi-space-size=8", "--max-old-space-size=1024"], // as `npm start`
    env: {
      ...process.env,
      ...where,
      BENCH_NOW: now,
      BENCH_MODE: FULL ? "full" : "regency",
      BENCH_DRAIN: String(DRAIN),
      BENCH_API_ROOT: apiRoot,
      BENCH_TOKEN: TEST_TOKEN,
    },
  });
  const exited = once(service, "exit");
  const [result] = (await Promise.race([
    once(service, "message"),
    exited.then(() => {
      throw new Error("the service process ended without results");
    }),
  ])) as [ServiceResult];
  await exited;
  for (const line of result.lines) console.log(`  ${line}`);
  const delivered = api.delivered;
  const stats = await api.stats();
  if (delivered.length > 31) {
    const count = delivered.length;
    // Steady state: from the 31st message on (the first second fills the pipeline).
    const rate = (count - 31) / ((delivered[count - 1]!.at - delivered[30]!.at) / 1000);
    const perChat = new Map<string, number>();
    for (const d of delivered) perChat.set(d.chatId, (perChat.get(d.chatId) ?? 0) + 1);
    const twice = [...perChat.values()].filter((n) => n > 1).length;
    const expected = result.recipients ?? count;
    const when429 = stats.tooManyAt.length
      ? ` (at ${stats.tooManyAt.map((t) => `${((t - delivered[0]!.at) / 1000).toFixed(1)} s`).join(", ")} after the first)`
      : "";
    console.log(
      `  ${FULL ? "full drain" : "drain"}: ${count.toLocaleString("en")} messages to ${perChat.size.toLocaleString("en")} chats at ${rate.toFixed(2)}/s from the 31st ` +
        `(target 30/s ± 5%: ${Math.abs(rate - 30) <= 1.5 ? "met" : "NOT met"}), ${stats.tooManyRequests} × 429${when429}, ignored retry_after ${stats.ignoredRetryAfter}; ` +
        `${twice === 0 && perChat.size === expected ? (FULL ? "each person exactly once" : "no chat twice") : `${twice} twice, ${expected - perChat.size} missed`} (load ${load()})`,
    );
    // The spacing of arrivals from the 31st on: an even pace shows one gap (1/rate); a send that
    // waits for its guard's round trip shows as a second, longer group.
    const gaps = delivered
      .slice(30)
      .map((d, i, all) => (i === 0 ? 0 : d.at - all[i - 1]!.at))
      .slice(1)
      .sort((a, b) => a - b);
    const q = (p: number) => `${gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))]!.toFixed(0)}`;
    console.log(`  gaps between arrivals (ms): p25 ${q(0.25)}, p50 ${q(0.5)}, p75 ${q(0.75)}, p90 ${q(0.9)}, p99 ${q(0.99)}, max ${q(1)}`);
    if (result.report) console.log(`  report: ${JSON.stringify(result.report)}`);
  }
  console.log(`  peak RSS of the service process (compiled, the flags of npm start) by phase (load ${load()}):`);
  for (const p of result.phases)
    console.log(
      `    ${p.name}: ${mb(p.peakRss)} ${p.peakRss <= 300 * 1048576 ? "(≤ 300 MB: met)" : "(> 300 MB: NOT met)"}, ${seconds(p.ms)} (CPU of the service ${seconds(p.cpuMs)})`,
    );
} finally {
  await api?.close();
  await dropDb();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

interface ServiceResult {
  phases: { name: string; peakRss: number; ms: number; cpuMs: number }[];
  lines: string[];
  recipients?: number;
  report?: Record<string, number>;
}
