// Benchmark of the reminder queue on PostgreSQL: 1,000,000 enrolled — half pregnancies
// (HPHT spread over 40 weeks), half children (0–24 months) — all with a posyandu day. Measures one
// day's work: planning the plans due that day into fires, then claiming, merging and queueing the
// day's messages (outbox rows), and an idle tick. Targets: plan + claim ≤ 30 s, ≤ 300 MB RSS,
// idle tick ≤ 50 ms.
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:reminders
// Creates and drops its own database. BENCH_PEOPLE changes the size, BENCH_WORKERS the transactions
// run side by side, BENCH_BATCH the people per claim transaction. BENCH_TEMPLATE=name keeps the
// seeded database under that name and copies it on later runs (for trying changes quickly).
//
// --deliver (npm run bench:reminders:deliver): the enrolled are on Telegram, and the morning's
// queued messages are then delivered by the outbound engine (the one the service runs) through
// grammY to the Bot API stand-in in a process of its own, which enforces BENCH_RATE messages per
// second overall and 1 per second per chat; the engine is configured with
// OUTBOUND_TELEGRAM_PER_SECOND = BENCH_RATE (default 200: Telegram's own 30/s would take 80
// minutes for one morning, the engine's pacing is the same code at either rate). Reports planned,
// queued, delivered, lost, doubled, the rate at the stand-in and the sending process's peak RSS.
// A BENCH_TEMPLATE seeded without --deliver has web chats, not Telegram: use another name.
import { spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { DateTime } from "luxon";
import postgres from "../src/db/postgres.js";
import { loadConfig } from "../src/config/index.js";
import { openDatabase, queryRows } from "../src/db/client.js";
import { ManualClock } from "../src/lib/clock.js";
import { createLogger } from "../src/lib/log.js";
import { addDays } from "../src/reminders/dates.js";
import { engineFor } from "../src/channels/engine.js";
import { ChannelHub } from "../src/channels/hub.js";
import { createTelegramAdapter } from "../src/channels/telegram/index.js";
import { TEST_TOKEN } from "../test/channels/telegram/bot-api-stand-in.js";
import { StandInProcess, type StandInProgress } from "../test/campaigns/stand-in-process.js";
import { dispatchDue, reminderTick } from "../src/reminders/dispatch.js";
import { planDue } from "../src/reminders/planning.js";
import { dueSlice } from "../src/reminders/programme.js";
import { createRuntime, type Runtime } from "../src/runtime.js";
import { startNodeFlags } from "./start-args.js";

const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 1_000_000);
if (process.argv.includes("--deliver")) process.env.BENCH_DELIVER = "1"; // the --day child inherits it
const DELIVER = process.env.BENCH_DELIVER === "1";
const RATE = Number(process.env.BENCH_RATE ?? 200);
const DAY = "2027-03-10"; // the simulated day (a Wednesday; no vitamin A month)
const base = process.env.DATABASE_URL;
if (!base) {
  console.error("bench:reminders needs DATABASE_URL (PostgreSQL), e.g. postgres://postgres@127.0.0.1:5432/postgres");
  process.exit(2);
}

if (process.argv[2] === "--day") {
  await measureDay(process.argv[3]!);
  process.exit(0);
}

const wita = (local: string) => DateTime.fromISO(local, { zone: "Asia/Makassar" }).toJSDate();

const name = `balanting_bench_${process.pid}`;
const admin = postgres(base, { max: 1, onnotice: () => {} });
const template = process.env.BENCH_TEMPLATE;
const reuse = template !== undefined && (await admin`select 1 from pg_database where datname = ${template}`).length > 0;
if (reuse) await admin.unsafe(`create database ${name} template ${template}`);
else await admin.unsafe(`create database ${name}`);
const url = new URL(base);
url.pathname = `/${name}`;
try {
  if (reuse) console.log(`copied the seeded database ${template}`);
  else {
    const clock = new ManualClock(wita(`${addDays(DAY, -1)}T23:00`));
    const rt = await createRuntime(loadConfig({ DATABASE_URL: url.toString(), LOG_LEVEL: "silent" }), {
      log: createLogger("silent"),
      clock,
      database: await openDatabase({ engine: "postgres", url: url.toString(), max: 4 }),
    });
    try {
      await seed(rt);
    } finally {
      await rt.close();
    }
    if (template) await admin.unsafe(`create database ${template} template ${name}`);
  }

  // The day runs in a fresh process, as after a restart: cold caches, and its RSS is its own.
  // With the node flags of npm start (its heap ceiling decides how much garbage RSS may hold).
  const child = spawnSync(process.execPath, [...startNodeFlags(), fileURLToPath(import.meta.url), "--day", url.toString()], {
    stdio: "inherit",
  });
  if (child.status !== 0) process.exitCode = 1;
} finally {
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}

/** 1M enrolled in steady state (not timed). */
async function seed(rt: Runtime): Promise<void> {
  // --- seed (not timed): contacts, web channels, plans ------------------------------------------
  const t = performance.now();
  const half = Math.floor(PEOPLE / 2);
  await rt.db.execute(sql`
    insert into contacts (id, lang, role, registered_at)
    select md5('c' || i)::uuid, case when i % 3 = 0 then 'bjn' else 'id' end,
           case when i <= ${half} then 'pregnant' else 'parent' end, now()
    from generate_series(1, ${PEOPLE}) i`);
  // Web chats (nothing is sent), or Telegram chats when the morning is delivered (--deliver).
  if (DELIVER) {
    await rt.db.execute(sql`
      insert into contact_channels (contact_id, channel, address)
      select md5('c' || i)::uuid, 'telegram', (10000000 + i)::text from generate_series(1, ${PEOPLE}) i`);
  } else {
    await rt.db.execute(sql`
      insert into contact_channels (contact_id, channel, address)
      select md5('c' || i)::uuid, 'web', 'bench-' || i from generate_series(1, ${PEOPLE}) i`);
  }
  // Pregnancies: HPHT 4–43 weeks before the day; children: born 0–729 days before it.
  await rt.db.execute(sql`
    insert into reminder_plans (contact_id, programme, anchor, posyandu_day, planned_through)
    select md5('c' || i)::uuid,
           case when i <= ${half} then 'pregnancy' else 'child' end,
           case when i <= ${half} then ${DAY}::date - (28 + i % 280) else ${DAY}::date - (i % 730) end,
           1 + i % 28, ${DAY}::date - 1
    from generate_series(1, ${PEOPLE}) i`);
  // Steady state: yesterday's planning done, next_due set as the planner would have set it.
  const keys = await queryRows<{ programme: "pregnancy" | "child"; anchor: string; posyandu_day: number }>(
    rt.db,
    sql`select distinct programme, anchor::text as anchor, posyandu_day from reminder_plans`,
  );
  const yesterday = addDays(DAY, -1);
  const rows = keys.map((k) => ({
    ...k,
    next: dueSlice({ programme: k.programme, anchor: k.anchor }, k.posyandu_day, addDays(yesterday, -1), yesterday, yesterday).nextDue,
  }));
  for (let i = 0; i < rows.length; i += 2000) {
    const values = sql.join(
      rows.slice(i, i + 2000).map((r) => sql`(${r.programme}, ${r.anchor}::date, ${r.posyandu_day}::int, ${r.next}::date)`),
      sql`, `,
    );
    await rt.db.execute(sql`
      update reminder_plans p set next_due = v.next from (values ${values}) as v(programme, anchor, posyandu_day, next)
      where p.programme = v.programme and p.anchor = v.anchor and p.posyandu_day = v.posyandu_day`);
  }
  // Steady state also means vacuumed: hint bits set and visibility maps current, as autovacuum
  // leaves long-lived tables.
  for (const table of ["contacts", "contact_channels", "reminder_plans"]) await rt.db.execute(sql.raw(`vacuum (freeze, analyze) ${table}`));
  console.log(
    `seeded ${PEOPLE.toLocaleString("en")} enrolled (${keys.length} distinct plan keys) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
}

/** One day on a seeded database, timed; run in its own process. */
async function measureDay(dbUrl: string): Promise<void> {
  const wita = (local: string) => DateTime.fromISO(local, { zone: "Asia/Makassar" }).toJSDate();
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const clock = new ManualClock(wita(`${DAY}T00:00`));
  const rt = await createRuntime(loadConfig({ DATABASE_URL: dbUrl, LOG_LEVEL: "silent", OUTBOUND_TELEGRAM_PER_SECOND: String(RATE) }), {
    log: createLogger("silent"),
    clock,
    database: await openDatabase({ engine: "postgres", url: dbUrl, max: 4 }),
  });
  try {
    // --- the day (timed) -------------------------------------------------------------------------
    const rssBefore = process.memoryUsage().rss;
    clock.set(wita(`${DAY}T00:01`));
    let t = performance.now();
    const workers = process.env.BENCH_WORKERS ? Number(process.env.BENCH_WORKERS) : undefined; // default: 2 on PostgreSQL
    const planned = await planDue(rt, { workers });
    const planMs = performance.now() - t;

    clock.set(wita(`${DAY}T12:00`)); // every send time of the day (08:00 + ≤ 30 min jitter) has come
    t = performance.now();
    const batchSize = process.env.BENCH_BATCH ? Number(process.env.BENCH_BATCH) : undefined; // people per claim transaction
    const sent = await dispatchDue(rt, undefined, { workers, batchSize });
    const claimMs = performance.now() - t;

    const [outboxRows] = await queryRows<{ n: number }>(rt.db, sql`select count(*)::int as n from outbox where kind = 'reminder'`);
    // Due but not claimed: a person whose lock another transaction held is left for the next tick.
    const [left] = await queryRows<{ n: number }>(
      rt.db,
      sql`select count(*)::int as n from reminder_fires where status = 'pending' and send_at <= ${clock.now().toISOString()}::timestamptz`,
    );

    // --- idle ticks: right after the burst, and once autovacuum has cleared the dead index
    // entries the day left (it runs within a minute or two of that many changed rows) -----------
    const idleTicks = async (minute: number): Promise<{ median: number; p95: number }> => {
      const times: number[] = [];
      for (let i = 0; i < 30; i++) {
        clock.set(wita(`${DAY}T${String(13 + minute).padStart(2, "0")}:${String(i + 1).padStart(2, "0")}`));
        const s = performance.now();
        await reminderTick(rt);
        times.push(performance.now() - s);
      }
      times.sort((a, b) => a - b);
      return { median: times[15] ?? 0, p95: times[28] ?? 0 };
    };
    const idleHot = await idleTicks(0);
    await rt.db.execute(sql`vacuum analyze reminder_fires`);
    await rt.db.execute(sql`vacuum analyze reminder_plans`);
    const idle = await idleTicks(1);
    clearInterval(sampler);

    const total = (planMs + claimMs) / 1000;
    console.log(
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
    );
    console.log(
      `plan:   ${planned.plans.toLocaleString("en")} plans due → ${planned.fires.toLocaleString("en")} fires in ${(planMs / 1000).toFixed(1)} s`,
    );
    console.log(
      `claim:  ${sent.sent.toLocaleString("en")} fires → ${sent.messages.toLocaleString("en")} messages queued (${outboxRows?.n ?? 0} outbox rows), ${sent.skipped} skipped, ${left?.n ?? 0} left for the next tick, in ${(claimMs / 1000).toFixed(1)} s`,
    );
    console.log(`day:    ${total.toFixed(1)} s (target ≤ 30 s) ${total <= 30 ? "OK" : "OVER"}`);
    console.log(
      `rss:    peak ${mb(peakRss)} MB (after start-up ${mb(rssBefore)} MB; target ≤ 300 MB) ${peakRss <= 300 * 1024 * 1024 ? "OK" : "OVER"}`,
    );
    if (DELIVER) await deliverMorning(rt, clock, outboxRows?.n ?? 0, () => peakRss);
    console.log(
      `idle:   tick median ${idle.median.toFixed(1)} ms, p95 ${idle.p95.toFixed(1)} ms after vacuum (target ≤ 50 ms) ${idle.p95 <= 50 ? "OK" : "OVER"}; right after the burst median ${idleHot.median.toFixed(1)} ms, p95 ${idleHot.p95.toFixed(1)} ms`,
    );
  } finally {
    clearInterval(sampler);
    await rt.close();
  }
}

/**
 * The morning's outbox, delivered by the outbound engine through grammY to the Bot API stand-in
 * (its own process, enforcing BENCH_RATE/s overall and 1/s per chat); waits until every queued row
 * has an outcome or nothing has moved for a minute.
 */
async function deliverMorning(rt: Runtime, clock: ManualClock, queued: number, peak: () => number): Promise<void> {
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  // The simulated morning's clock runs on in real time from here: a retry after a transient
  // failure is due at clock + backoff, which a stopped clock would never reach.
  const clockFrom = clock.now().getTime();
  const clockStarted = performance.now();
  const ticker = setInterval(() => clock.set(new Date(clockFrom + performance.now() - clockStarted)), 100);
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const api = new StandInProcess({ perSecond: RATE, perChatPerSecond: 1, retryAfterS: 1 }, { summary: true });
  const apiRoot = await api.start();
  let progress: StandInProgress = { delivered: 0, chats: 0, doubled: 0, firstAt: null, lastAt: null };
  api.on("progress", (p: StandInProgress) => (progress = p));
  const log = createLogger("silent");
  const hub = new ChannelHub().register(
    createTelegramAdapter({ token: TEST_TOKEN, apiRoot, mode: "webhook", webhookSecret: "bench", log, sink: async () => {} }),
  );
  const engine = engineFor(rt, hub);
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
  const started = performance.now();
  try {
    await engine.start();
    let last = -1;
    let still = performance.now();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const [open] = await queryRows<{ n: number }>(
        rt.db,
        sql`select count(*)::int as n from outbox where status in ('queued', 'sending')`,
      );
      if ((open?.n ?? 0) === 0 && progress.delivered >= engine.counters.sent) break;
      if (progress.delivered !== last) {
        last = progress.delivered;
        still = performance.now();
      } else if (performance.now() - still > 15 * 60_000) {
        // Longer than a few retries' backoff (OUTBOUND_RETRY_BASE_MS doubling): something is stuck.
        console.log(`deliver: nothing moved for 15 minutes with ${open?.n} rows open; stopping`);
        break;
      }
    }
    await engine.stop();
    await new Promise((resolve) => setTimeout(resolve, 1200)); // the stand-in's last progress report
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    const stats = await api.stats();
    const [db] = await queryRows<{ sent: number; failed: number; open: number }>(
      rt.db,
      sql`select count(*) filter (where status = 'sent')::int as sent, count(*) filter (where status = 'failed')::int as failed,
                 count(*) filter (where status in ('queued', 'sending'))::int as open
          from outbox where kind = 'reminder'`,
    );
    const span = progress.firstAt !== null && progress.lastAt !== null ? (progress.lastAt - progress.firstAt) / 1000 : 0;
    const rate = span > 0 ? (progress.delivered - 1) / span : 0;
    const configured = RATE * (1 - rt.config.OUTBOUND_HEADROOM);
    console.log(
      `deliver: load at start ${load}; stand-in limit ${RATE}/s overall, 1/s per chat; engine OUTBOUND_TELEGRAM_PER_SECOND=${RATE} (paced at ${configured.toFixed(1)}/s after ${rt.config.OUTBOUND_HEADROOM * 100}% headroom)`,
    );
    // Lost: queued, not delivered, and not waiting for a retry either.
    const lost = queued - progress.chats - (db?.open ?? 0);
    console.log(
      `deliver: queued ${queued.toLocaleString("en")} → delivered ${progress.delivered.toLocaleString("en")} to ${progress.chats.toLocaleString("en")} chats in ${seconds.toFixed(1)} s; lost ${lost}, doubled ${progress.doubled}; outbox sent ${db?.sent}, failed ${db?.failed}, still open ${db?.open}`,
    );
    console.log(
      `deliver: rate at the stand-in ${rate.toFixed(1)}/s (${((rate / configured) * 100).toFixed(1)}% of the paced rate); 429 answers ${stats.tooManyRequests}; engine ${JSON.stringify(engine.counters)}`,
    );
    console.log(
      `deliver: rss peak ${mb(peakRss)} MB while delivering (${mb(rssBefore)} MB before; ${mb(peak())} MB peak over planning and claiming) ${peakRss <= 300 * 1024 * 1024 ? "OK" : "OVER"} (≤ 300 MB)`,
    );
  } finally {
    clearInterval(sampler);
    clearInterval(ticker);
    await api.close();
  }
}
