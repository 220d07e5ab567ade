// Inbound throughput, end to end: the service (real app, Telegram webhook, conversation, outbox)
// runs in this process on PostgreSQL (DATABASE_URL; a database is created and dropped) or on
// PGlite (a temporary data folder). A child process plays Telegram: it posts FAQ questions from
// distinct senders to POST /webhooks/telegram at increasing concurrency and runs the Bot API
// stand-in that receives the replies. Beside it, in the same run, a ceiling: a bare Fastify route
// doing one INSERT on the same database, driven by the same client.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:inbound [-- --levels 4,16,64 --seconds 8]
//   npm run bench:inbound                 # PGlite
//   ... -- --no-ceiling --profile /tmp/prof  # the service's CPU profile of each measured run
//
// Reported per level: messages/s end to end (every reply at the stand-in), webhook p50/p99, CPU
// ms per message of this process (service only: the client is the child) and of the PostgreSQL
// backends serving it (/proc), then an open-loop run at 70% of the best rate for p99. Every
// accepted update must be answered exactly once; the script exits 1 otherwise.
import { fork, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { request, Agent } from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Fastify from "fastify";
import type { Update } from "grammy/types";
import type { Sql } from "postgres";
import postgres from "../src/db/postgres.js";
import { sql } from "drizzle-orm";

const SECRET = "bench_inbound_secret";
const QUESTIONS = [
  "apa itu stunting",
  "brp kali bumil hrs periksa",
  "kapan bayi mulai mpasi",
  "berapa lama asi eksklusif",
  "imunisasi apa saja untuk bayi",
];

type ToChild =
  | { type: "run"; url: string; path: string; concurrency: number; seconds: number; rate?: number; chatBase: number; maxMessages: number }
  | { type: "replies"; chatBase: number; n: number }
  | { type: "exit" };
interface RunResult {
  sent: number;
  accepted: number;
  statuses: Record<string, number>;
  p50: number;
  p99: number;
  startedAt: number;
  endedAt: number;
}
interface ReplyResult {
  answered: number;
  unanswered: number;
  doubled: number;
  replies: number;
  lastReplyAt: number;
}

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0) : 0;

// ---------------------------------------------------------------------------------------------
// The child: Telegram's side (the webhook client) and the Bot API stand-in.
async function child(): Promise<void> {
  const { BotApiStandIn } = await import("../test/channels/telegram/bot-api-stand-in.js");
  const api = new BotApiStandIn();
  const apiRoot = await api.listen();
  // Only replies are kept (by chat), not every call: the stand-in's call log grows without bound.
  const byChat = new Map<number, string[]>();
  let lastReplyAt = 0;
  api.override = (call) => {
    if (call.method !== "sendMessage") return undefined;
    const chat = Number(call.payload.chat_id);
    const list = byChat.get(chat) ?? [];
    list.push(String(call.payload.text));
    byChat.set(chat, list);
    lastReplyAt = Date.now();
    api.calls.length = 0;
    return {
      status: 200,
      body: {
        ok: true,
        result: { message_id: list.length, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: "private" }, text: "" },
      },
    };
  };

  const post = (agent: Agent, url: URL, body: string) =>
    new Promise<number>((resolve) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          agent,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            "x-telegram-bot-api-secret-token": SECRET,
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", () => resolve(0));
      req.end(body);
    });

  const update = (chat: number, i: number): string => {
    const from = { id: chat, is_bot: false, first_name: "Ibu" };
    const text = QUESTIONS[i % QUESTIONS.length] as string;
    return JSON.stringify({
      update_id: chat,
      message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: "private", first_name: "Ibu" }, from, text },
    } satisfies Update);
  };

  const run = async (m: Extract<ToChild, { type: "run" }>): Promise<RunResult> => {
    const url = new URL(m.path, m.url);
    const agent = new Agent({ keepAlive: true, maxSockets: m.rate ? 512 : m.concurrency });
    const latencies: number[] = [];
    const statuses: Record<string, number> = {};
    let next = 0;
    let accepted = 0;
    const startedAt = Date.now();
    const until = startedAt + m.seconds * 1000;
    const one = async () => {
      const i = next++;
      const t0 = performance.now();
      const status = await post(agent, url, update(m.chatBase + i, i));
      latencies.push(performance.now() - t0);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 200) accepted++;
    };
    if (m.rate) {
      // Open loop: a fixed rate whatever the answers take (a slow answer does not slow the sender).
      const pending: Promise<void>[] = [];
      const gap = 1000 / m.rate;
      for (let k = 0; Date.now() < until && k < m.maxMessages; k++) {
        const due = startedAt + k * gap;
        if (due > Date.now()) await sleep(due - Date.now());
        pending.push(one());
      }
      await Promise.all(pending);
    } else {
      await Promise.all(
        Array.from({ length: m.concurrency }, async () => {
          while (Date.now() < until && next < m.maxMessages) await one();
        }),
      );
    }
    agent.destroy();
    latencies.sort((a, b) => a - b);
    return { sent: next, accepted, statuses, p50: pct(latencies, 0.5), p99: pct(latencies, 0.99), startedAt, endedAt: Date.now() };
  };

  const replies = (m: Extract<ToChild, { type: "replies" }>): ReplyResult => {
    let answered = 0;
    let unanswered = 0;
    let doubled = 0;
    let count = 0;
    for (let i = 0; i < m.n; i++) {
      const texts = byChat.get(m.chatBase + i) ?? [];
      count += texts.length;
      if (texts.length === 0) unanswered++;
      else answered++;
      if (new Set(texts).size !== texts.length) doubled++;
    }
    return { answered, unanswered, doubled, replies: count, lastReplyAt };
  };

  process.on("message", (m: ToChild) => {
    if (m.type === "exit") return void api.close().then(() => process.exit(0));
    if (m.type === "run") return void run(m).then((r) => process.send?.({ type: "ran", ...r }));
    if (m.type === "replies") return void process.send?.({ type: "replied", ...replies(m) });
  });
  process.send?.({ type: "ready", apiRoot });
}

// ---------------------------------------------------------------------------------------------
// The service side.
function ask<T>(proc: ChildProcess, message: ToChild, answer: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: { type: string }) => {
      if (m.type !== answer) return;
      proc.off("message", on);
      resolve(m as T);
    };
    proc.on("message", on);
    proc.send(message);
  });
}

/** CPU ticks (user+system) of the PostgreSQL backends serving one database, read from /proc. */
async function backendTicks(admin: Sql | null, dbName: string): Promise<Map<number, number>> {
  const ticks = new Map<number, number>();
  if (!admin) return ticks;
  const rows = await admin<
    { pid: number }[]
  >`select pid from pg_stat_activity where datname = ${dbName} and application_name = 'balanting'`;
  for (const { pid } of rows) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks.set(pid, Number(fields[11]) + Number(fields[12])); // utime, stime (fields 14, 15)
    } catch {
      // a backend on another host, or gone
    }
  }
  return ticks;
}
const CLK_TCK = 100;
function ticksBetween(before: Map<number, number>, after: Map<number, number>): number | null {
  if (after.size === 0) return null;
  let sum = 0;
  for (const [pid, t] of after) sum += t - (before.get(pid) ?? 0);
  return (sum * 1000) / CLK_TCK;
}

async function service(): Promise<void> {
  const url = process.env.DATABASE_URL;
  const engine = url ? "postgres" : "pglite";
  const levels = arg("levels", "1,4,16,64").split(",").map(Number);
  const seconds = Number(arg("seconds", "8"));
  const maxMessages = Number(arg("max", "20000"));
  const poolMax = Number(process.env.DB_POOL_MAX ?? 10);

  const { buildApp } = await import("../src/app.js");
  const { ChannelHub } = await import("../src/channels/index.js");
  const { createTelegramAdapter } = await import("../src/channels/telegram/index.js");
  const { createInboundSink } = await import("../src/conversation/index.js");
  const { openDatabase, queryRows } = await import("../src/db/client.js");
  const { loadConfig } = await import("../src/config/index.js");
  const { systemClock } = await import("../src/lib/clock.js");
  const { createLogger } = await import("../src/lib/log.js");
  const { createRuntime } = await import("../src/runtime.js");
  const { refreshKnowledge } = await import("../src/knowledge/index.js");
  const { TEST_TOKEN } = await import("../test/channels/telegram/bot-api-stand-in.js");

  const client = fork(fileURLToPath(import.meta.url), ["--client"], { execArgv: ["--import", "tsx"], stdio: "inherit" });
  const { apiRoot } = await new Promise<{ apiRoot: string }>((resolve) => client.once("message", (m) => resolve(m as { apiRoot: string })));

  let dbName = "";
  let dbUrl = "";
  let admin: Sql | null = null;
  let dataDir = "";
  if (url) {
    dbName = `balanting_bench_${process.pid}_${randomBytes(3).toString("hex")}`;
    admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${dbName}`);
    const u = new URL(url);
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();
  } else {
    dataDir = mkdtempSync(join(tmpdir(), "balanting-bench-"));
  }
  const log = createLogger(process.env.LOG_LEVEL ?? "silent");
  let statements = 0; // every statement the service sends (PostgreSQL only: postgres.js debug hook)
  // Telegram's own limits (30/s overall, 1/s per chat) are lifted here: with them the benchmark
  // measured the outbound pacing (≈ 29/s), not the inbound path. bench:outbound measures pacing.
  const config = loadConfig({
    LOG_LEVEL: "silent",
    WEB_CHAT: "off",
    OUTBOUND_TELEGRAM_PER_SECOND: process.env.OUTBOUND_TELEGRAM_PER_SECOND ?? "100000",
    OUTBOUND_TELEGRAM_PER_CHAT_PER_SECOND: process.env.OUTBOUND_TELEGRAM_PER_CHAT_PER_SECOND ?? "1000",
    ...(url ? { DATABASE_URL: dbUrl } : { DATA_DIR: dataDir }),
    ...(process.env.DB_POOL_MAX ? { DB_POOL_MAX: process.env.DB_POOL_MAX } : {}),
  });
  const database = url
    ? await openDatabase({ engine: "postgres", url: dbUrl, max: poolMax, onQuery: () => void statements++ })
    : await openDatabase({ engine: "pglite", dataDir });
  const rt = await createRuntime(config, { log, clock: systemClock, database });
  await refreshKnowledge(rt, rt.db, true);
  const hub = new ChannelHub();
  const sink = createInboundSink(rt, hub);
  hub.onStopped(() => sink.idle());
  hub.register(createTelegramAdapter({ token: TEST_TOKEN, apiRoot, mode: "webhook", webhookSecret: SECRET, log, sink }));
  const app = await buildApp(rt, { hub });
  const address = await app.listen({ port: 0, host: "127.0.0.1" });

  // The ceiling: a bare route doing one INSERT on the same database (its own pool of the same size).
  await rt.db.execute(
    sql`create table if not exists bench_bare (id bigserial primary key, body jsonb not null, at timestamptz not null default now())`,
  );
  const bareSql = url ? postgres(dbUrl, { max: poolMax, onnotice: () => {}, connection: { application_name: "balanting" } }) : null;
  const bare = Fastify({ logger: false });
  bare.post("/bare", async (request) => {
    if (bareSql) await bareSql`insert into bench_bare (body) values (${JSON.stringify(request.body)}::jsonb)`;
    else await rt.db.execute(sql`insert into bench_bare (body) values (${JSON.stringify(request.body)}::jsonb)`);
    return {};
  });
  const bareAddress = await bare.listen({ port: 0, host: "127.0.0.1" });

  // --profile DIR: a V8 CPU profile of the service during each measured run (not the warm-up),
  // for Chrome DevTools or speedscope; the client is another process and not in it.
  const profileDir = process.argv.includes("--profile") ? arg("profile", "") : "";
  const inspector = profileDir ? new Session() : null;
  if (inspector) {
    mkdirSync(profileDir, { recursive: true });
    inspector.connect();
    await inspector.post("Profiler.enable");
  }
  let warm = false;

  let chatBase = 100_000_000;
  const measure = async (target: "service" | "bare", concurrency: number, rate?: number, secs = seconds) => {
    const base = chatBase;
    chatBase += 1_000_000;
    const profiling = inspector && warm && target === "service";
    if (profiling) await inspector.post("Profiler.start");
    const ticks0 = await backendTicks(admin, dbName);
    const cpu0 = process.cpuUsage();
    const statements0 = statements;
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const run = await ask<RunResult>(
      client,
      {
        type: "run",
        url: target === "service" ? address : bareAddress,
        path: target === "service" ? "/webhooks/telegram" : "/bare",
        concurrency,
        seconds: secs,
        rate,
        chatBase: base,
        maxMessages,
      },
      "ran",
    );
    let end = run.endedAt;
    let check: ReplyResult | undefined;
    if (target === "service") {
      await hub.idle();
      check = await ask<ReplyResult>(client, { type: "replies", chatBase: base, n: run.sent }, "replied");
      end = Math.max(end, check.lastReplyAt);
    }
    const cpu = process.cpuUsage(cpu0);
    loop.disable();
    if (profiling) {
      const { profile } = await inspector.post("Profiler.stop");
      writeFileSync(join(profileDir, `service-${rate ? `open${rate}` : `c${concurrency}`}.cpuprofile`), JSON.stringify(profile));
    }
    const pgMs = ticksBetween(ticks0, await backendTicks(admin, dbName));
    const n = run.accepted;
    const row = {
      target,
      concurrency: rate ? `open ${rate}/s` : concurrency,
      sent: run.sent,
      accepted: n,
      statuses: run.statuses,
      perSecond: Math.round((n / ((end - run.startedAt) / 1000)) * 10) / 10,
      p50ms: Math.round(run.p50 * 10) / 10,
      p99ms: Math.round(run.p99 * 10) / 10,
      // The longest the service's event loop was blocked (PGlite runs PostgreSQL on it).
      loopMaxMs: Math.round(loop.max / 1e6),
      nodeCpuMsPerMsg: n ? Math.round(((cpu.user + cpu.system) / 1000 / n) * 100) / 100 : null,
      pgCpuMsPerMsg: pgMs === null || !n ? null : Math.round((pgMs / n) * 100) / 100,
      ...(target === "service" && url && n ? { statementsPerMsg: Math.round(((statements - statements0) / n) * 10) / 10 } : {}),
      ...(check ? { answered: check.answered, unanswered: check.unanswered, doubled: check.doubled, replies: check.replies } : {}),
    };
    console.error(JSON.stringify(row));
    return row;
  };

  // Warm-up (JIT, FAQ index, plans), not reported.
  await measure("service", 4, undefined, 2);
  if (!process.argv.includes("--no-ceiling")) await measure("bare", 4, undefined, 1);
  warm = true;
  const rows = [];
  const withCeiling = !process.argv.includes("--no-ceiling"); // --no-ceiling: profiling the service alone
  for (const c of levels) {
    if (withCeiling) rows.push(await measure("bare", c));
    rows.push(await measure("service", c));
  }
  const best = Math.max(...rows.filter((r) => r.target === "service").map((r) => r.perSecond));
  const ceiling = withCeiling ? Math.max(...rows.filter((r) => r.target === "bare").map((r) => r.perSecond)) : NaN;
  const at70 = Math.max(1, Math.floor(best * 0.7));
  rows.push(await measure("service", 0, at70));

  const [counts] = await queryRows<{ inbound: number; outbox: number; unsent: number }>(
    rt.db,
    sql`select (select count(*)::int from inbound_messages) as inbound, (select count(*)::int from outbox) as outbox,
          (select count(*)::int from outbox where status <> 'sent') as unsent`,
  );
  const unsentRows = await queryRows(
    rt.db,
    sql`select id, status, attempts, last_error, next_attempt_at, created_at from outbox where status <> 'sent' limit 10`,
  );
  if (unsentRows.length > 0) console.error("unsent:", JSON.stringify(unsentRows));
  const serviceRows = rows.filter((r) => r.target === "service");
  const ok = serviceRows.every((r) => r.unanswered === 0 && r.doubled === 0) && counts?.unsent === 0;
  const summary = {
    engine,
    machine: { cpus: cpus().length, load: loadavg().map((l) => l.toFixed(2)), node: process.version },
    poolMax: url ? poolMax : undefined,
    bestServicePerSecond: best,
    ceilingPerSecond: ceiling,
    shareOfCeiling: `${((best / ceiling) * 100).toFixed(1)}%`,
    at70: serviceRows.at(-1),
    database: counts,
    exactlyOnce: ok,
    rows,
  };
  console.log(JSON.stringify(summary, null, 2));

  client.send({ type: "exit" });
  await app.close();
  await bare.close();
  await hub.stopAll();
  await bareSql?.end();
  await rt.close();
  if (admin) {
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  process.exit(ok ? 0 : 1);
}

if (process.argv.includes("--client")) await child();
else await service();
