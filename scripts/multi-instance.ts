// Three instances on one PostgreSQL (scripts/multi-instance-node.ts, separate processes, as behind
// a load balancer) with the Telegram Bot API stand-in enforcing Telegram's limits (30/s, 1/s per
// chat, 429 otherwise). Telegram's webhook calls are spread over the three like a load balancer
// would, and a share is delivered again to another instance. Then the instance owning the linked
// WhatsApp account (Baileys; stand-in socket) is killed with SIGKILL and the takeover timed.
// Shows: every message answered once, pacing shared (the rate at the stand-in stays at Telegram's
// limit, not three times it), one WhatsApp owner at a time, takeover time.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run multi-instance [-- --messages 600 --rate 60]
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { createInterface } from "node:readline";
import postgres from "../src/db/postgres.js";
import { BotApiStandIn, TEST_TOKEN } from "../test/channels/telegram/bot-api-stand-in.js";
import { flag, postgresUrlOrExit, sleep } from "./cli.js";

const url = postgresUrlOrExit();
const messages = Number(flag("messages", "600"));
const rate = Number(flag("rate", "60")); // webhook calls a second, all instances together
const SECRET = "multi_instance_secret";

const dbName = `balanting_multi_${process.pid}_${randomBytes(3).toString("hex")}`;
const admin = postgres(url, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${dbName}`);
const dbUrl = new URL(url);
dbUrl.pathname = `/${dbName}`;

const api = new BotApiStandIn();
api.limits = { perSecond: 30, perChatPerSecond: 1, retryAfterS: 1, toleranceMs: 25 };
const apiRoot = await api.listen();

interface Instance {
  name: string;
  port: number;
  child: ChildProcess;
  events: { event: string; at: number }[];
}
const events: { instance: string; event: string; at: number }[] = [];
const waitFor = async (test: () => boolean, what: string, timeoutMs = 180_000) => {
  const until = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
};

function start(name: string, port: number): Instance {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/multi-instance-node.ts"], {
    env: {
      ...process.env,
      INSTANCE: name,
      PORT: String(port),
      DATABASE_URL: dbUrl.toString(),
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
      WEB_CHAT: "off",
      NIK_KEY: "0".repeat(64),
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_MODE: "webhook",
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: apiRoot,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const instance: Instance = { name, port, child, events: [] };
  createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      const e = JSON.parse(line) as { instance: string; event: string; at: number };
      if (!e.event) return;
      instance.events.push(e);
      events.push(e);
    } catch {
      // a log line
    }
  });
  return instance;
}

// The first instance migrates the new database; the others start once it is up.
const instances = [start("A", 3101)];
await waitFor(() => instances[0]!.events.some((e) => e.event === "ready"), "instance A");
instances.push(start("B", 3102), start("C", 3103));
await waitFor(() => instances.every((i) => i.events.some((e) => e.event === "ready")), "instances B and C");
await sleep(2_000); // let the standbys try the WhatsApp lock once
const ownersAtStart = instances.filter((i) => i.events.some((e) => e.event === "whatsapp-socket-opened")).map((i) => i.name);
console.error(`instances up; WhatsApp socket opened by: ${ownersAtStart.join(", ") || "none"}`);

// Telegram's side: each update to one instance (round robin); 10% delivered again to the next one.
let redelivered = 0;
const post = async (port: number, update: unknown) => {
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/webhooks/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body: JSON.stringify(update),
    }).catch(() => null);
    if (res?.status === 200) return;
    await sleep(1_000);
  }
};
const chatBase = 5_000_000;
const deliveries: Promise<void>[] = [];
const loadStarted = Date.now();
for (let n = 0; n < messages; n++) {
  const chat = chatBase + n;
  const update = {
    update_id: chat,
    message: {
      message_id: 1,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chat, type: "private", first_name: "Ibu" },
      from: { id: chat, is_bot: false, first_name: "Ibu" },
      text: n % 2 ? "halo" : "apa itu stunting",
    },
  };
  deliveries.push(post(instances[n % 3]!.port, update));
  if (n % 10 === 0) {
    redelivered++;
    deliveries.push(post(instances[(n + 1) % 3]!.port, update));
  }
  await sleep(1000 / rate);
}
await Promise.all(deliveries);
const acknowledgedS = (Date.now() - loadStarted) / 1000;

// Until every chat has its answer and nothing more arrives for 5 s.
await waitFor(() => new Set(api.delivered.map((d) => d.chatId)).size >= messages, "every chat answered", 600_000);
let last = api.delivered.length;
for (;;) {
  await sleep(5_000);
  if (api.delivered.length === last) break;
  last = api.delivered.length;
}

const sql = postgres(dbUrl.toString(), { max: 1, onnotice: () => {} });
const rows = await sql<
  { address: string; n: number }[]
>`select address, count(*)::int as n from outbox where channel = 'telegram' group by address`;
const queuedPerChat = new Map(rows.map((r) => [r.address, r.n]));
const sentPerChat = new Map<string, string[]>();
for (const d of api.delivered) sentPerChat.set(d.chatId, [...(sentPerChat.get(d.chatId) ?? []), d.text]);
let unanswered = 0;
let doubled = 0;
for (let n = 0; n < messages; n++) {
  const chat = String(chatBase + n);
  const texts = sentPerChat.get(chat) ?? [];
  if (texts.length === 0) unanswered++;
  // Doubled: a text sent twice to one chat, or more sends than replies queued for it.
  if (new Set(texts).size !== texts.length || texts.length !== (queuedPerChat.get(chat) ?? 0)) doubled++;
}
const times = api.delivered.map((d) => d.at).sort((a, b) => a - b);
let maxInSecond = 0;
for (let i = 0, j = 0; i < times.length; i++) {
  while (times[i]! - times[j]! >= 1_000) j++;
  maxInSecond = Math.max(maxInSecond, i - j + 1);
}
const spanS = ((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000;
const senders = await sql<{ holder: string }[]>`select holder from outbox_leases where name = 'channel:telegram'`;

// WhatsApp owner: SIGKILL it, time the takeover by another instance.
const owner = instances.find((i) => i.name === ownersAtStart[0]);
let takeoverS: number | null = null;
let newOwner: string | null = null;
if (owner) {
  const killedAt = Date.now();
  owner.child.kill("SIGKILL");
  await waitFor(
    () => events.some((e) => e.event === "whatsapp-socket-opened" && e.instance !== owner.name && e.at > killedAt),
    "a new WhatsApp owner",
    120_000,
  ).catch(() => {});
  const taken = events.find((e) => e.event === "whatsapp-socket-opened" && e.instance !== owner.name && e.at > killedAt);
  if (taken) {
    takeoverS = Math.round((taken.at - killedAt) / 100) / 10;
    newOwner = taken.instance;
  }
}
const socketOpens = events.filter((e) => e.event === "whatsapp-socket-opened").map((e) => e.instance);

for (const i of instances) if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill("SIGTERM");
await Promise.all(
  instances.map((i) => (i.child.exitCode !== null || i.child.signalCode !== null ? null : new Promise((r) => i.child.once("exit", r)))),
);
await sql.end();
await api.close();
await admin.unsafe(`drop database if exists ${dbName} with (force)`);
await admin.end();

const result = {
  machine: { cpus: cpus().length, load: loadavg().map((l) => l.toFixed(2)) },
  instances: 3,
  messages,
  redeliveredToAnotherInstance: redelivered,
  webhookLoadS: Math.round(acknowledgedS),
  unanswered,
  doubled,
  repliesSent: api.delivered.length,
  sendRatePerS: Math.round((api.delivered.length / spanS) * 10) / 10,
  maxSendsInAnySecond: maxInSecond,
  telegramLimitPerS: 30,
  tooManyRequests: api.tooManyRequests,
  telegramSenderLeases: senders.length,
  whatsapp: { ownersAtStart, killed: owner?.name ?? null, newOwner, takeoverS, socketOpens },
};
console.log(JSON.stringify(result, null, 2));
const ok = unanswered === 0 && doubled === 0 && maxInSecond <= 31 && ownersAtStart.length === 1 && takeoverS !== null && takeoverS <= 30;
process.exit(ok ? 0 : 1);
