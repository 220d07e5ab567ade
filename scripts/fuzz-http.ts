// Attack script: N fuzzed HTTP requests (default 10,000) at a running service, over real HTTP, to
// every route it serves (with and without a staff session; webhooks with their right secret or
// signature half the time, so malformed bodies get past the door). Counts answers by status and
// fails when any is a 5xx. The requests come from the property-test generator of
// test/app-fuzz.test.ts (test/helpers/http-fuzz.ts); the service is the whole app with Telegram
// and WhatsApp Cloud webhooks, the web chat and the admin API, on PGlite or, with DATABASE_URL,
// a fresh PostgreSQL database, listening on a local port.
// Then impersonation: a web chat user holds a session and an answer waiting in her mailbox; an
// attacker who knows her chat address tries, request after request, to read it or to act as her
// (her address as `from`, as the cookie, forged and truncated cookies, her cookie's neighbours …),
// with the web chat's rate limits lifted so every attempt reaches the handler. Counted as an
// impersonation: any answer carrying her waiting text, any message stored under her contact, or
// her mailbox not holding the text for her afterwards.
//
//   npm run fuzz:http [-- --requests 10000 --concurrency 8 --seed 1 --impersonations 2000]
import { cpus, loadavg } from "node:os";
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { WEB_CHAT_COOKIE, webChatAddress } from "../src/channels/web/routes.js";
import { queryRows } from "../src/db/client.js";
import { TEST_WEB_CHAT_LIMITS } from "../test/helpers/web-chat.js";
import { requestArbitrary, startFuzzWorld } from "../test/helpers/http-fuzz.js";
import { flag } from "./cli.js";

const total = Number(flag("requests", "10000"));
const concurrency = Number(flag("concurrency", "8"));
const seed = Number(flag("seed", "1"));
const attempts = Number(flag("impersonations", "2000"));

const world = await startFuzzWorld();
const base = await world.app.listen({ port: 0, host: "127.0.0.1" });
const requests = fc.sample(requestArbitrary(world), { numRuns: total, seed });

const byStatus = new Map<number, number>();
const serverErrors: string[] = [];
const started = performance.now();
let next = 0;
const worker = async () => {
  for (let i = next++; i < requests.length; i = next++) {
    const r = requests[i]!;
    const res = await fetch(`${base}${r.url as string}`, {
      method: r.method ?? "GET",
      headers: r.headers as Record<string, string>,
      redirect: "manual",
      ...(r.payload !== undefined ? { body: r.payload as string } : {}),
    }).catch(() => null);
    if (!res) {
      // No answer at all (the connection dropped): as bad as a 5xx.
      serverErrors.push(`no answer ${r.method} ${String(r.url).split("?")[0]}`);
      continue;
    }
    await res.arrayBuffer();
    byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
    if (res.status >= 500) serverErrors.push(`${res.status} ${r.method} ${String(r.url).split("?")[0]}`);
  }
};
await Promise.all(Array.from({ length: concurrency }, worker));
const seconds = (performance.now() - started) / 1000;
await world.hub.idle();
await world.close();

// ---- impersonation -----------------------------------------------------------------------------
const chatWorld = await startFuzzWorld({ webChatLimits: TEST_WEB_CHAT_LIMITS });
const chatBase = await chatWorld.app.listen({ port: 0, host: "127.0.0.1" });
const chatCall = async (method: string, path: string, cookie: string | null, body?: unknown) => {
  const res = await fetch(`${chatBase}${path}`, {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, text: await res.text(), setCookie: res.headers.get("set-cookie") ?? "" };
};
const newSession = async () => {
  const res = await chatCall("POST", "/api/v1/chat/session", null);
  const token = new RegExp(`${WEB_CHAT_COOKIE}=([^;]+)`).exec(res.setCookie)?.[1];
  if (!token) throw new Error("no web chat session issued");
  return token;
};
const victimToken = await newSession();
const victim = webChatAddress(victimToken);
await chatCall("POST", "/api/v1/chat/messages", `${WEB_CHAT_COOKIE}=${victimToken}`, { text: "halo" });
await chatCall("GET", "/api/v1/chat/messages", `${WEB_CHAT_COOKIE}=${victimToken}`);
const secret = `Jawaban bidan ${randomBytes(6).toString("hex")}`;
const web = chatWorld.hub.adapters().find((a) => a.name === "web");
await web?.send(victim, { text: secret }, { kind: "handoff", lang: "id", lastInboundAt: null });
const [victimContact] = await queryRows<{ contact_id: string; n: number }>(
  chatWorld.rt.db,
  sql`select cc.contact_id, (select count(*)::int from inbound_messages i where i.contact_id = cc.contact_id) as n
      from contact_channels cc where cc.channel = 'web' and cc.address = ${victim}`,
);
const attackerToken = await newSession();
const mine = `${WEB_CHAT_COOKIE}=${attackerToken}`;
const forgeries = [
  () => ({ cookie: mine, body: { from: victim, text: "DATAKU" } }),
  () => ({ cookie: mine, body: { text: "DATAKU", address: victim } }),
  () => ({ cookie: `${WEB_CHAT_COOKIE}=${victim}`, body: { text: "DATAKU" } }),
  () => ({ cookie: `${WEB_CHAT_COOKIE}=${victimToken.slice(0, 42)}`, body: { text: "HAPUS DATA" } }),
  () => ({ cookie: `${WEB_CHAT_COOKIE}=${victimToken.slice(0, 42)}${victimToken.at(-1) === "A" ? "B" : "A"}`, body: { text: "DATAKU" } }),
  () => ({ cookie: `${WEB_CHAT_COOKIE}=${randomBytes(32).toString("base64url")}`, body: { text: "DATAKU" } }),
  () => ({ cookie: `${mine}; ${WEB_CHAT_COOKIE}=${victim}`, body: { text: "DATAKU" } }),
  () => ({ cookie: `${WEB_CHAT_COOKIE}=${encodeURIComponent(victim)}%00`, body: { text: "DATAKU" } }),
  () => ({ cookie: null, body: { from: victim, text: "DATAKU" } }),
];
const attackStatuses = new Map<number, number>();
let impersonations = 0;
for (let i = 0; i < attempts; i++) {
  const forged = forgeries[i % forgeries.length]!();
  const res =
    i % 2 === 0
      ? await chatCall("POST", "/api/v1/chat/messages", forged.cookie, forged.body)
      : await chatCall("GET", "/api/v1/chat/messages", forged.cookie);
  attackStatuses.set(res.status, (attackStatuses.get(res.status) ?? 0) + 1);
  if (res.text.includes(secret) || res.text.includes("Peran:")) impersonations++;
}
await chatWorld.hub.idle();
const [after] = await queryRows<{ n: number }>(
  chatWorld.rt.db,
  sql`select count(*)::int as n from inbound_messages where contact_id = ${victimContact?.contact_id ?? null}`,
);
if ((after?.n ?? 0) !== (victimContact?.n ?? -1)) impersonations++; // someone spoke as her
const hers = await chatCall("GET", "/api/v1/chat/messages", `${WEB_CHAT_COOKIE}=${victimToken}`);
const mailboxKept = hers.text.includes(secret);
if (!mailboxKept) impersonations++;
await chatWorld.close();

const statuses = Object.fromEntries([...byStatus.entries()].sort(([a], [b]) => a - b));
console.log(
  JSON.stringify(
    {
      machine: { cpus: cpus().length, load: loadavg().map((l) => l.toFixed(2)) },
      database: process.env.DATABASE_URL ? "postgres" : "pglite",
      requests: total,
      routes: world.routes.length,
      seconds: Math.round(seconds),
      statuses,
      serverErrors: serverErrors.length,
      firstServerErrors: serverErrors.slice(0, 10),
      impersonation: {
        attempts,
        statuses: Object.fromEntries([...attackStatuses.entries()].sort(([a], [b]) => a - b)),
        victimStillGetsHerAnswer: mailboxKept,
        impersonations,
      },
    },
    null,
    2,
  ),
);
process.exit(serverErrors.length === 0 && impersonations === 0 ? 0 : 1);
