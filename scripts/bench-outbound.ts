// Benchmark of the outbound engine: N reminders queued to N Telegram chats, drained through grammY
// against the Bot API stand-in enforcing Telegram's limits (30/s overall, 1/s per chat, 429 with
// retry_after), while conversation replies arrive during the drain. Targets: send rate within ±5%
// of 30/s, no 429 in steady state, nothing lost or doubled, replies out within 1 s.
//   npm run bench:outbound                      (PGlite in memory, 100,000 messages: ~56 minutes)
//   BENCH_MESSAGES=3000 npm run bench:outbound  (about 100 s)
// DATABASE_URL runs it on PostgreSQL (a database of its own, dropped afterwards). BENCH_REPLIES
// sets how many replies arrive during the drain (default 20).
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { engineFor } from "../src/channels/engine.js";
import { ChannelHub } from "../src/channels/hub.js";
import { deliverOutbox, enqueue, type Enqueue } from "../src/channels/outbox.js";
import { createTelegramAdapter } from "../src/channels/telegram/index.js";
import { loadConfig } from "../src/config/index.js";
import { queryRows } from "../src/db/client.js";
import { systemClock } from "../src/lib/clock.js";
import { createLogger } from "../src/lib/log.js";
import { createRuntime } from "../src/runtime.js";
import { TEST_TOKEN } from "../test/channels/telegram/bot-api-stand-in.js";
import { StandInProcess } from "../test/campaigns/stand-in-process.js";
import { openBenchDatabase } from "./bench-db.js";

const N = Number(process.env.BENCH_MESSAGES ?? 100_000);
const REPLIES = Number(process.env.BENCH_REPLIES ?? 20);
const RATE = 30;
const base = process.env.DATABASE_URL;

const { database, drop } = await openBenchDatabase("outbound");

const log = createLogger("silent");
const config = loadConfig({ LOG_LEVEL: "silent", WEB_CHAT: "off", ...(base ? { DATABASE_URL: base } : {}) });
const rt = await createRuntime(config, { log, clock: systemClock, database });
const now = () => performance.timeOrigin + performance.now();

const api = new StandInProcess({ perSecond: RATE, perChatPerSecond: 1, retryAfterS: 1 });
const apiRoot = await api.start();
const hub = new ChannelHub().register(
  createTelegramAdapter({ token: TEST_TOKEN, apiRoot, mode: "webhook", webhookSecret: "bench", log, sink: async () => {} }),
);
const engine = engineFor(rt, hub);

try {
  console.log(`bench:outbound — ${N} reminders to ${N} chats, ${REPLIES} replies during the drain, ${base ? "PostgreSQL" : "PGlite"}`);
  const queueStarted = performance.now();
  for (let i = 0; i < N; i += 5000) {
    const items: Enqueue[] = [];
    for (let j = i; j < Math.min(N, i + 5000); j++) {
      items.push({
        contactId: null,
        channel: "telegram",
        address: String(10_000_000 + j),
        kind: "reminder",
        message: { text: `reminder ${j}` },
      });
    }
    await enqueue(rt.db, items, rt.clock.now());
  }
  console.log(`  queued in ${((performance.now() - queueStarted) / 1000).toFixed(1)} s`);

  const started = now();
  await engine.start();
  const drainS = N / RATE;
  const latencies: number[] = [];
  const replies = (async () => {
    for (let r = 0; r < REPLIES; r++) {
      const at = started + ((r + 1) * drainS * 1000) / (REPLIES + 1);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - now())));
      const t0 = now();
      // As the inbound path does: queue the reply in a transaction, then hand its ids to the engine.
      const ids = await rt.db.transaction((tx) =>
        enqueue(
          tx,
          [{ contactId: null, channel: "telegram", address: String(9_000_000 + r), message: { text: `reply ${r}` } }],
          rt.clock.now(),
        ),
      );
      void deliverOutbox(rt, hub, { ids });
      const got = await api.waitForText(`reply ${r}`);
      latencies.push(got.at - t0);
    }
  })();

  await api.waitForDelivered(N + REPLIES);
  const drained = now();
  await replies;
  await engine.stop();

  const reminders = api.delivered.filter((d) => d.text.startsWith("reminder "));
  const first = reminders[0]!.at;
  const last = reminders[reminders.length - 1]!.at;
  const rate = (api.delivered.length - 1) / ((api.delivered[api.delivered.length - 1]!.at - api.delivered[0]!.at) / 1000);
  const texts = new Map<string, number>();
  for (const d of api.delivered) texts.set(d.text, (texts.get(d.text) ?? 0) + 1);
  const duplicated = [...texts.values()].reduce((sum, n) => sum + n - 1, 0);
  const [db] = await queryRows<{ sent: number; other: number }>(
    rt.db,
    sql`select count(*) filter (where status = 'sent')::int as sent, count(*) filter (where status <> 'sent')::int as other from outbox`,
  );
  const lost = N + REPLIES - texts.size;
  // Steady state: after the first 5 seconds, until the queue ran dry.
  const standIn = await api.stats();
  const steady429 = standIn.tooManyAt.filter((t) => t > first + 5_000 && t < last).length;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;

  console.log(`  drained in ${((drained - started) / 1000).toFixed(1)} s (load average ${loadavg()[0]!.toFixed(1)})`);
  console.log(`  send rate (all messages, first to last at the stand-in): ${rate.toFixed(2)}/s (target ${RATE}/s ±5%)`);
  console.log(
    `  429 answers: ${standIn.tooManyRequests} in all, ${steady429} in steady state (target 0); retry_after ignored: ${standIn.ignoredRetryAfter}`,
  );
  console.log(`  lost: ${lost}, duplicated: ${duplicated}; outbox rows sent ${db?.sent}, other ${db?.other}`);
  console.log(
    `  reply latency (queued → at the stand-in), ${latencies.length} replies: p50 ${pct(50).toFixed(0)} ms, p95 ${pct(95).toFixed(0)} ms, max ${latencies[latencies.length - 1]?.toFixed(0)} ms (target ≤ 1000 ms)`,
  );
  console.log(`  engine: ${JSON.stringify(engine.counters)}`);
  if (process.env.BENCH_DEBUG)
    console.log(
      standIn.tooManyWhy,
      standIn.tooManyAt.map((t) => (t - first).toFixed(0)),
    );
} finally {
  await api.close();
  await rt.close();
  await drop();
}
