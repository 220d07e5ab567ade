// The outbound engine through real grammY against the Bot API stand-in enforcing Telegram's
// limits (30/s overall, 1/s per chat, 429 with retry_after). Rates are small here to stay fast;
// every wait is on an event (a message reaching the stand-in, a send's outcome recorded).
import type { EventEmitter } from "node:events";
import { performance } from "node:perf_hooks";
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { outbox } from "../../../src/channels/channels.sql.js";
import { engineFor, type EngineSettings, type OutboundEngine } from "../../../src/channels/engine.js";
import { MAX_GUARD_AHEAD, registerSendGuard } from "../../../src/channels/engine/guards.js";
import { ChannelHub } from "../../../src/channels/hub.js";
import { deliverOutbox, enqueue, type Enqueue } from "../../../src/channels/outbox.js";
import type { ChannelPacing } from "../../../src/channels/pacing.js";
import { createTelegramAdapter } from "../../../src/channels/telegram/index.js";
import { queryRows } from "../../../src/db/client.js";
import { createLogger } from "../../../src/lib/log.js";
import { createTestRuntime, type TestRuntime } from "../../helpers/runtime.js";
import { eventually } from "../../helpers/wait.js";
import { BotApiStandIn, TEST_TOKEN } from "./bot-api-stand-in.js";
import type { MessageKind } from "../../../src/channels/channel.js";

const log = createLogger("silent");

let rt: TestRuntime;
let api: BotApiStandIn;
let apiRoot: string;
const engines: OutboundEngine[] = [];

beforeAll(async () => {
  rt = await createTestRuntime();
  api = new BotApiStandIn();
  apiRoot = await api.listen();
});
afterAll(async () => {
  await api?.close();
  await rt?.close();
});
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
  api.calls.length = 0;
  api.override = undefined;
  api.resetSending();
  await rt.db.delete(outbox);
});

/**
 * How long a claim stays an engine's without renewal. Renewed every third of it; an engine
 * paused for longer (a busy machine) loses its rows to the other, and a send it had started then
 * goes out twice, which is the at-least-once the outbox promises, not what these tests count.
 * Generous so a loaded machine never gets there; the takeover after a crash waits this long.
 */
const LEASE_MS = 6_000;

/** A hub with a Telegram adapter on the stand-in, and its engine with these settings (not started). */
function telegramEngine(telegram: ChannelPacing, over: Partial<EngineSettings> = {}): { hub: ChannelHub; engine: OutboundEngine } {
  const hub = new ChannelHub().register(
    createTelegramAdapter({ token: TEST_TOKEN, apiRoot, mode: "webhook", webhookSecret: "s3cret", log, sink: async () => {} }),
  );
  const engine = engineFor(rt, hub, {
    pacing: { telegram },
    pollMs: 50,
    leaseMs: LEASE_MS,
    retryBaseMs: 0,
    retryMaxMs: 0,
    maxAttempts: 12,
    ...over,
  });
  engines.push(engine);
  return { hub, engine };
}

const messages = (prefix: string, count: number, chats: number, kind: MessageKind = "reminder"): Enqueue[] =>
  Array.from({ length: count }, (_, i) => ({
    contactId: null,
    channel: "telegram",
    address: String(700_000 + (i % chats)),
    kind,
    message: { text: `${prefix}-${i}` },
  }));

/** Waits until `check` holds, re-checking after each outcome an engine records (none is missed while checking). */
async function until(check: () => Promise<boolean> | boolean, emitters: EventEmitter[]): Promise<void> {
  for (;;) {
    let fired = false;
    let wake = () => {};
    const listener = () => {
      fired = true;
      wake();
    };
    for (const e of emitters) e.on("outcome", listener);
    try {
      if (await check()) return;
      if (!fired) await new Promise<void>((resolve) => (wake = resolve));
    } finally {
      for (const e of emitters) e.off("outcome", listener);
    }
  }
}

const statusCount = async (ids: number[], status: "sent" | "failed" | "queued") =>
  (
    await rt.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(inArray(outbox.id, ids), eq(outbox.status, status)))
  ).length;

/** Texts the stand-in accepted, each with how often. */
function deliveredCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of api.delivered) counts.set(d.text, (counts.get(d.text) ?? 0) + 1);
  return counts;
}

describe("outbound engine against Telegram's limits", () => {
  it("loses nothing and doubles nothing in a 429 storm, waits every retry_after, and counts no attempt for it", async () => {
    api.limits = { perSecond: 10, perChatPerSecond: 1, retryAfterS: 1 };
    // The engine is set faster than the provider allows, and without a per-chat limit: a storm.
    const { engine } = telegramEngine({ perSecond: 30 });
    const ids = await enqueue(rt.db, messages("storm", 24, 8), rt.clock.now());
    await engine.start();
    await until(async () => (await statusCount(ids, "sent")) === ids.length, [engine.events]);

    expect(api.tooManyRequests).toBeGreaterThan(0);
    expect(engine.counters.rateLimited).toBe(api.tooManyRequests);
    expect(api.ignoredRetryAfter).toBe(0);
    const counts = deliveredCounts();
    expect(counts.size).toBe(24);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    // Each chat got its messages in order.
    for (let chat = 0; chat < 8; chat++) {
      const texts = api.delivered.filter((d) => d.chatId === String(700_000 + chat)).map((d) => Number(d.text.split("-")[1]));
      expect(texts).toEqual([...texts].sort((a, b) => a - b));
    }
    const rows = await rt.db.select().from(outbox).where(inArray(outbox.id, ids));
    expect(rows.every((r) => r.attempts === 1 && r.status === "sent")).toBe(true);
  });

  it("paced just under the provider's limits, gets no 429 at all", async () => {
    api.limits = { perSecond: 20, perChatPerSecond: 1 };
    // With headroom (OUTBOUND_HEADROOM) under the limit, as the settings give by default.
    const { engine } = telegramEngine({ perSecond: 18, perRecipientPerSecond: 1 });
    const ids = await enqueue(rt.db, messages("paced", 40, 10), rt.clock.now());
    await engine.start();
    await until(async () => (await statusCount(ids, "sent")) === ids.length, [engine.events]);
    expect(api.tooManyWhy).toEqual([]);
    expect(deliveredCounts().size).toBe(40);
  });

  it("keeps guarded rows checked ahead of the sending slots: a new check starts as soon as a checked row goes", async () => {
    // Bulk rows are checked by their guard (campaigns: opted out? paused? quiet hours?) a few
    // rows ahead. Here the first checks all answer together, so the first rows are all cleared
    // when the first is sent; the next check must start then, not once every cleared row is gone
    // (that made every fourth paced send wait a database round trip).
    const asked: number[] = [];
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    registerSendGuard("broadcast", async (_rt, row) => {
      asked.push(row.id);
      if (asked.length === MAX_GUARD_AHEAD) open();
      await gate;
      return "send";
    });
    try {
      const { engine } = telegramEngine({ perSecond: 2, perRecipientPerSecond: 1 });
      const ids = await enqueue(rt.db, messages("ahead", 10, 10, "broadcast"), rt.clock.now());
      await engine.start();
      await api.waitForDelivered(1);
      expect(asked.length).toBeGreaterThan(MAX_GUARD_AHEAD);
      await until(async () => (await statusCount(ids, "sent")) === ids.length, [engine.events]);
      expect(deliveredCounts().size).toBe(10);
      expect(new Set(asked).size).toBe(10);
    } finally {
      registerSendGuard("broadcast", () => Promise.resolve("send"));
    }
  });

  it("retries a burst of 5xx answers until each message is sent once", async () => {
    let failures = 6;
    api.override = (call) => {
      if (call.method !== "sendMessage" || failures <= 0) return undefined;
      failures--;
      const status = failures % 2 ? 502 : 500;
      return { status, body: { ok: false, error_code: status, description: status === 502 ? "Bad Gateway" : "Internal Server Error" } };
    };
    const { engine } = telegramEngine({ perSecond: 50, perRecipientPerSecond: 1 });
    const ids = await enqueue(rt.db, messages("burst", 10, 10, "alert"), rt.clock.now());
    await engine.start();
    await until(async () => (await statusCount(ids, "sent")) === ids.length, [engine.events]);
    // Six 5xx answers, plus any kept-alive socket the stand-in closed just as it was reused.
    expect(failures).toBe(0);
    expect(engine.counters.transient).toBeGreaterThanOrEqual(6);
    expect(engine.counters.failed).toBe(0);
    const counts = deliveredCounts();
    expect(counts.size).toBe(10);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const rows = await rt.db.select().from(outbox).where(inArray(outbox.id, ids));
    expect(rows.reduce((sum, r) => sum + r.attempts, 0)).toBe(10 + engine.counters.transient);
  });

  it("fails only the message to a chat that blocked the bot, with the reason", async () => {
    api.override = (call) =>
      call.method === "sendMessage" && call.payload.chat_id === "700003"
        ? { status: 403, body: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" } }
        : undefined;
    const { engine } = telegramEngine({ perSecond: 50, perRecipientPerSecond: 1 });
    const ids = await enqueue(rt.db, messages("blocked", 6, 6), rt.clock.now());
    await engine.start();
    await until(async () => (await statusCount(ids, "sent")) + (await statusCount(ids, "failed")) === ids.length, [engine.events]);
    const rows = await rt.db.select().from(outbox).where(inArray(outbox.id, ids));
    const failed = rows.filter((r) => r.status === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      address: "700003",
      attempts: 1,
      lastError: "telegram sendMessage 403: Forbidden: bot was blocked by the user",
    });
    expect(rows.filter((r) => r.status === "sent")).toHaveLength(5);
  });

  it("sends a reply before 1,000 queued reminders", async () => {
    api.limits = { perSecond: 40, perChatPerSecond: 1 };
    const { hub, engine } = telegramEngine({ perSecond: 40, perRecipientPerSecond: 1 });
    // Reminders to 20 chats: the next one to a chat is sent only after the previous one's answer.
    // Their answers are held, so once one to every chat is waiting nothing moves, however long
    // anything takes on a busy machine: the order below is the engine's choice, not a race.
    const CHATS = 20;
    api.holdIf = (call) => call.method === "sendMessage" && String(call.payload.text).startsWith("reminder-");
    const reminders = await enqueue(rt.db, messages("reminder", 1000, CHATS), rt.clock.now());
    await engine.start();
    await api.waitForHeld(CHATS);
    // As the inbound path does: queue the reply, then hand its id to the engine. Its chat is one
    // the reminders are waiting for, so the reply waits too, beside that chat's next reminders.
    const chat = "700000";
    const [reply] = await enqueue(
      rt.db,
      [{ contactId: null, channel: "telegram", address: chat, message: { text: "balasan" } }],
      rt.clock.now(),
    );
    const sent = deliverOutbox(rt, hub, { ids: [reply!] });
    await eventually(async () => expect(await statusCount([reply!], "queued")).toBe(0)); // the engine holds it
    // The chat's reminder is answered: of what waits for that chat, the reply goes first.
    api.releaseHeld((call) => String(call.payload.chat_id) === chat);
    await api.waitForText("balasan");
    expect(api.delivered.map((d) => [d.chatId, d.text.startsWith("reminder-") ? "reminder" : d.text])).toEqual([
      [chat, "reminder"],
      [chat, "balasan"],
    ]);
    api.releaseHeld();
    await sent;
    expect(await statusCount([reply!], "sent")).toBe(1);
    await engine.stop();
    // Stopping hands the reminders it held back to the queue: none lost.
    const [counts] = await rt.db
      .select({
        sent: sql<number>`count(*) filter (where status = 'sent')::int`,
        queued: sql<number>`count(*) filter (where status = 'queued')::int`,
      })
      .from(outbox)
      .where(inArray(outbox.id, reminders));
    expect(counts!.sent + counts!.queued).toBe(1000);
    expect(counts!.sent).toBe(api.delivered.length - 1);
  });

  it("two engines on one database send each message once, sharing the pacing, and one takes over when the other dies", async () => {
    api.limits = { perSecond: 40, perChatPerSecond: 1 };
    const a = telegramEngine({ perSecond: 36, perRecipientPerSecond: 1 });
    const b = telegramEngine({ perSecond: 36, perRecipientPerSecond: 1 });
    const ids = await enqueue(rt.db, messages("pair", 120, 120), rt.clock.now());
    await Promise.all([a.engine.start(), b.engine.start()]);
    await api.waitForDelivered(40);
    // One engine holds Telegram's sender lease; the other has sent nothing.
    const [leader, other] = a.engine.counters.sent > 0 ? [a.engine, b.engine] : [b.engine, a.engine];
    expect(other.counters.sent).toBe(0);
    leader.crash();
    await until(async () => (await statusCount(ids, "sent")) === ids.length, [a.engine.events, b.engine.events]);
    expect(other.counters.sent).toBeGreaterThan(0);
    const counts = deliveredCounts();
    expect(counts.size).toBe(120);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(api.tooManyWhy).toEqual([]);
  }, 120_000);

  it("an engine whose event loop stalled to the edge of its lease sends nothing it held; the instance that took over sends each row once", async () => {
    // A's clock is the test's: standing still, A sends its first row and holds the rest (no token
    // comes); moved on, it is A's event loop waking up after a stall.
    let aNow = performance.now();
    const leaseMs = 60_000;
    const a = telegramEngine({ perSecond: 20, perRecipientPerSecond: 1 }, { leaseMs, monotonic: () => aNow });
    let released = 0;
    a.engine.events.on("outcome", (_id: number, outcome: string) => {
      if (outcome === "released") released++;
    });
    const ids = await enqueue(rt.db, messages("stall", 30, 30), rt.clock.now());
    await a.engine.start();
    await until(async () => (await statusCount(ids, "sent")) === 1, [a.engine.events]);
    const b = telegramEngine({ perSecond: 36, perRecipientPerSecond: 1 });
    await b.engine.start();
    // During the stall the database's time runs on past A's leases ...
    const [{ holder }] = (await queryRows<{ holder: string }>(
      rt.db,
      sql`select holder from outbox_leases where name = 'channel:telegram'`,
    )) as [{ holder: string }];
    await rt.db.execute(sql`update outbox_leases set expires_at = now() - interval '1 second' where holder = ${holder}`);
    // ... so B takes Telegram over, puts A's rows back in the queue and sends them.
    await until(async () => (await statusCount(ids, "sent")) === ids.length, [a.engine.events, b.engine.events]);
    // A wakes up: by its own clock an eighth of its lease is left, less than a send's margin (a
    // quarter). It hands its rows back rather than send them a second time.
    aNow += (leaseMs * 7) / 8;
    await until(() => released >= ids.length - 1, [a.engine.events]);
    expect(a.engine.counters.sent).toBe(1);
    const counts = deliveredCounts();
    expect(counts.size).toBe(ids.length);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });
});
