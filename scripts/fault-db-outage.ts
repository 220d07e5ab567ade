// Fault script: the database goes away under load. Runs the service (real app, Telegram webhook,
// conversation, outbox) on PostgreSQL behind a TCP proxy this script controls, sends a steady
// stream of first messages through the webhook as Telegram would (redelivering on any non-200),
// cuts the proxy for 10 s and for 60 s, restores it, and counts, per message:
//   lost    = acknowledged or not, never answered;
//   doubled = the same reply sent twice to a chat;
//   apology = answered with "please send again" instead of an answer.
// The machine's PostgreSQL server is never stopped: only this script's proxy is cut.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run fault:db-outage [-- --outages 10,60 --rate 10]
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import type { Update } from "grammy/types";
import postgres from "../src/db/postgres.js";
import { buildApp } from "../src/app.js";
import { ChannelHub, startOutbound } from "../src/channels/index.js";
import { createTelegramAdapter } from "../src/channels/telegram/index.js";
import { createInboundSink } from "../src/conversation/index.js";
import { openDatabase, queryRows } from "../src/db/client.js";
import { sql } from "drizzle-orm";
import { loadConfig } from "../src/config/index.js";
import { systemClock } from "../src/lib/clock.js";
import { createLogger } from "../src/lib/log.js";
import { createRuntime } from "../src/runtime.js";
import { BotApiStandIn, TEST_TOKEN } from "../test/channels/telegram/bot-api-stand-in.js";
import { TcpProxy, throughProxy } from "../test/helpers/tcp-proxy.js";
import { flag, postgresUrlOrExit, sleep } from "./cli.js";

const SECRET = "fault_script_secret";
const url = postgresUrlOrExit();
const outages = flag("outages", "10,60").split(",").map(Number);
const rate = Number(flag("rate", "10")); // messages a second

interface Result {
  outageS: number;
  messages: number;
  redeliveries: number;
  answered: number;
  lost: number;
  doubled: number;
  apologies: number;
  status5xx: Record<string, number>;
  lastAnswerAfterRestoreS: number;
}

async function scenario(outageS: number, run: number): Promise<Result> {
  const name = `balanting_fault_${process.pid}_${randomBytes(3).toString("hex")}`;
  const admin = postgres(url as string, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const target = new URL(url as string);
  const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
  const dbUrl = new URL(throughProxy(url as string, await proxy.listen()));
  dbUrl.pathname = `/${name}`;
  const api = new BotApiStandIn();
  const apiRoot = await api.listen();
  const log = createLogger(process.env.LOG_LEVEL ?? "silent");
  const config = loadConfig({ LOG_LEVEL: "silent", DATABASE_URL: dbUrl.toString(), WEB_CHAT: "off" });
  const rt = await createRuntime(config, {
    log,
    clock: systemClock,
    database: await openDatabase({ engine: "postgres", url: dbUrl.toString(), max: 10 }),
  });
  const hub = new ChannelHub();
  const sink = createInboundSink(rt, hub);
  hub.onStopped(() => sink.idle());
  hub.register(createTelegramAdapter({ token: TEST_TOKEN, apiRoot, mode: "webhook", webhookSecret: SECRET, log, sink }));
  const app = await buildApp(rt, { hub });
  const address = await app.listen({ port: 0, host: "127.0.0.1" });

  // The outbound engine as main.ts runs it (drains continuously, retries what failed).
  const outbound = await startOutbound(rt, hub);

  const status5xx: Record<string, number> = {};
  let redeliveries = 0;
  // Telegram's side: deliver, and deliver again after a pause on anything but 200.
  const deliver = async (update: Update) => {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${address}/webhooks/telegram`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
        body: JSON.stringify(update),
      }).catch(() => null);
      if (res?.status === 200) return;
      const key = String(res?.status ?? "network");
      status5xx[key] = (status5xx[key] ?? 0) + 1;
      redeliveries++;
      await sleep(Math.min(1_000 * 2 ** attempt, 10_000));
    }
  };

  const loadS = outageS + 20;
  const cutAtMs = 5_000;
  const started = Date.now();
  const deliveries: Promise<void>[] = [];
  let restoredAt = 0;
  const cut = (async () => {
    await sleep(cutAtMs);
    proxy.down();
    console.error(`  [${outageS}s] database cut`);
    await sleep(outageS * 1000);
    proxy.up();
    restoredAt = Date.now();
    console.error(`  [${outageS}s] database back`);
  })();
  const chatBase = 7_000_000 + run * 100_000;
  let n = 0;
  while (Date.now() - started < loadS * 1000) {
    const chat = chatBase + n;
    const text = n % 3 === 0 ? "halo" : n % 3 === 1 ? "apa itu stunting" : "brp kali bumil hrs periksa";
    const person = { id: chat, is_bot: false, first_name: "Ibu" };
    const update = {
      update_id: chat,
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chat, type: "private", first_name: "Ibu" },
        from: person,
        text,
      },
    } as Update;
    deliveries.push(deliver(update));
    n++;
    await sleep(1000 / rate);
  }
  await cut;
  await Promise.all(deliveries);
  console.error(`  [${outageS}s] ${n} messages acknowledged; waiting for the outbox to drain`);
  // Until nothing is left to send (queued or sending), at most 6 minutes.
  for (let i = 0; i < 72; i++) {
    const [left] = await queryRows<{ n: number }>(rt.db, sql`select count(*)::int as n from outbox where status in ('queued', 'sending')`);
    if ((left?.n ?? 0) === 0) break;
    await sleep(5_000);
  }
  await hub.idle();

  const apology = new Set([rt.i18n.t("id", "conversation:error"), rt.i18n.t("bjn", "conversation:error")]);
  const byChat = new Map<string, string[]>();
  let lastSendAt = 0;
  for (const call of api.callsTo("sendMessage")) {
    const chat = String(call.payload.chat_id);
    byChat.set(chat, [...(byChat.get(chat) ?? []), String(call.payload.text)]);
  }
  lastSendAt = api.lastCallAt("sendMessage");
  let lost = 0;
  let doubled = 0;
  let apologies = 0;
  let answered = 0;
  for (let i = 0; i < n; i++) {
    const texts = byChat.get(String(chatBase + i)) ?? [];
    if (texts.length === 0) lost++;
    else answered++;
    if (new Set(texts).size !== texts.length) doubled++;
    if (texts.some((t) => apology.has(t))) apologies++;
  }

  await outbound.stop();
  await app.close();
  await rt.close();
  await proxy.close();
  await api.close();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
  return {
    outageS,
    messages: n,
    redeliveries,
    answered,
    lost,
    doubled,
    apologies,
    status5xx,
    lastAnswerAfterRestoreS: Math.round((lastSendAt - restoredAt) / 100) / 10,
  };
}

const results: Result[] = [];
for (const [i, outage] of outages.entries()) {
  console.error(`outage of ${outage} s at ${rate} messages/s…`);
  results.push(await scenario(outage, i));
}
console.log(JSON.stringify({ machine: { cpus: cpus().length, load: loadavg().map((l) => l.toFixed(2)) }, rate, results }, null, 2));
process.exit(results.every((r) => r.lost === 0 && r.doubled === 0 && r.apologies === 0) ? 0 : 1);
