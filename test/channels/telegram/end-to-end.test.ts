// Telegram → conversation core → outbox → Telegram, on a real database: the real sink, hub and app,
// grammY against the local Bot API stand-in. Wording of replies is the conversation's business;
// here: a reply goes out, exactly once per update.
import type { FastifyInstance } from "fastify";
import { and, eq } from "drizzle-orm";
import type { Update } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../../src/app.js";
import { inboundMessages, outbox } from "../../../src/channels/channels.sql.js";
import { ChannelHub } from "../../../src/channels/hub.js";
import { createTelegramAdapter } from "../../../src/channels/telegram/index.js";
import { createInboundSink } from "../../../src/conversation/index.js";
import { systemClock } from "../../../src/lib/clock.js";
import type { Runtime } from "../../../src/runtime.js";
import { createTestRuntime } from "../../helpers/runtime.js";
import { BotApiStandIn, TEST_TOKEN } from "./bot-api-stand-in.js";

const SECRET = "e2e_secret";

function textUpdate(updateId: number, chatId: number, messageId: number, text: string): Update {
  const person = { id: chatId, is_bot: false, first_name: "Ibu" };
  return {
    update_id: updateId,
    message: {
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: "private", first_name: "Ibu" },
      from: person,
      text,
    },
  } as Update;
}

let rt: Runtime;
let api: BotApiStandIn;
let apiRoot: string;

beforeAll(async () => {
  // Real time, as in production: the outbox stamps new rows with the database's now() and sends
  // those due by rt.clock, so a manual clock standing still would never find them due.
  rt = { ...(await createTestRuntime()), clock: systemClock };
  api = new BotApiStandIn();
  apiRoot = await api.listen();
});
afterAll(async () => {
  await api.close();
  await rt.close();
});

describe("webhook", () => {
  let app: FastifyInstance;
  let hub: ChannelHub;
  beforeAll(async () => {
    hub = new ChannelHub();
    const telegram = createTelegramAdapter({
      token: TEST_TOKEN,
      apiRoot,
      mode: "webhook",
      webhookSecret: SECRET,
      log: rt.log,
      sink: (() => {
        const sink = createInboundSink(rt, hub);
        hub.onStopped(() => sink.idle());
        return sink;
      })(),
    });
    hub.register(telegram);
    app = await buildApp(rt, { hub });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  // The webhook is acknowledged before replies are sent; wait for the sending to settle.
  const post = async (update: Update) => {
    const res = await app.inject({
      method: "POST",
      url: "/webhooks/telegram",
      headers: { "x-telegram-bot-api-secret-token": SECRET },
      payload: update,
    });
    await hub.idle();
    return res;
  };

  it("replies to a stranger's 'halo', and only once when Telegram delivers it twice", async () => {
    const update = textUpdate(7001, 880001, 11, "halo");
    expect((await post(update)).statusCode).toBe(200);
    const replies = api.callsTo("sendMessage").filter((c) => c.payload.chat_id === "880001");
    expect(replies.length).toBeGreaterThan(0);
    expect(String(replies[0]?.payload.text).length).toBeGreaterThan(0);

    expect((await post(update)).statusCode).toBe(200);
    expect(api.callsTo("sendMessage").filter((c) => c.payload.chat_id === "880001")).toHaveLength(replies.length);

    const ledger = await rt.db
      .select()
      .from(inboundMessages)
      .where(and(eq(inboundMessages.channel, "telegram"), eq(inboundMessages.externalId, "msg:880001:11")));
    expect(ledger).toHaveLength(1);
    const sent = await rt.db.select().from(outbox).where(eq(outbox.address, "880001"));
    expect(sent).toHaveLength(replies.length);
    expect(sent.every((r) => r.status === "sent" && /^\d+$/.test(r.externalId ?? ""))).toBe(true);
  });

  it("handles an update delivered twice at the same moment once", async () => {
    const update = textUpdate(7003, 880004, 12, "halo");
    const answers = await Promise.all([post(update), post(update)]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
    const sent = await rt.db.select().from(outbox).where(eq(outbox.address, "880004"));
    expect(sent.length).toBeGreaterThan(0);
    expect(api.callsTo("sendMessage").filter((c) => c.payload.chat_id === "880004")).toHaveLength(sent.length);
  });

  it("refuses a call without the secret on the app's route", async () => {
    const res = await app.inject({ method: "POST", url: "/webhooks/telegram", payload: textUpdate(7004, 880005, 1, "halo") });
    expect(res.statusCode).toBe(401);
    expect(await rt.db.select().from(inboundMessages).where(eq(inboundMessages.externalId, "msg:880005:1"))).toHaveLength(0);
  });

  it("answers a button press and hands its payload to the conversation", async () => {
    const chat = { id: 880002, type: "private" as const, first_name: "Ibu" };
    const press = {
      update_id: 7002,
      callback_query: {
        id: "e2e-cb-1",
        chat_instance: "-1",
        from: { id: 880002, is_bot: false, first_name: "Ibu" },
        data: "menu",
        message: { message_id: 5, date: 1795744700, chat, text: "Menu" },
      },
    } as Update;
    expect((await post(press)).statusCode).toBe(200);
    expect(api.callsTo("answerCallbackQuery").map((c) => c.payload.callback_query_id)).toContain("e2e-cb-1");
    const ledger = await rt.db.select().from(inboundMessages).where(eq(inboundMessages.externalId, "cb:e2e-cb-1"));
    expect(ledger).toHaveLength(1);
  });
});

describe("polling", () => {
  it("takes an update from getUpdates, replies, and stops", async () => {
    const hub = new ChannelHub();
    const telegram = createTelegramAdapter({ token: TEST_TOKEN, apiRoot, mode: "polling", log: rt.log, sink: createInboundSink(rt, hub) });
    hub.register(telegram);
    api.pendingUpdates.push([textUpdate(7101, 880003, 1, "halo")]);
    await hub.startAll();
    await api.waitFor("sendMessage", api.callsTo("sendMessage").length + 1);
    await hub.stopAll();
    expect(api.callsTo("sendMessage").filter((c) => c.payload.chat_id === "880003").length).toBeGreaterThan(0);
    expect(api.callsTo("getUpdates").at(-1)?.payload).toMatchObject({ offset: 7102 });
  });
});

describe("bounded work", () => {
  it("answers 503 while INBOUND_MAX_CONCURRENCY messages are in progress, and takes the update when Telegram delivers it again", async () => {
    const hub = new ChannelHub();
    const sink = createInboundSink(rt, hub, { maxConcurrency: 1 });
    hub.onStopped(() => sink.idle());
    hub.register(createTelegramAdapter({ token: TEST_TOKEN, apiRoot, mode: "webhook", webhookSecret: SECRET, log: rt.log, sink }));
    const app = await buildApp(rt, { hub });
    try {
      // Hold one message in progress: another transaction holds its ledger key (on PGlite, the
      // one connection), so it cannot finish until released.
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let holding!: () => void;
      const held = new Promise<void>((resolve) => (holding = resolve));
      const holder = rt.db
        .transaction(async (tx) => {
          await tx.insert(inboundMessages).values({ channel: "telegram", externalId: "held:1", receivedAt: new Date() });
          holding();
          await gate;
          tx.rollback();
        })
        .catch(() => {});
      await held;
      const first = sink({ channel: "telegram", externalId: "held:1", address: "880010", text: "halo", receivedAt: new Date() });

      const update = textUpdate(7201, 880011, 1, "apa itu stunting");
      const post = () =>
        app.inject({ method: "POST", url: "/webhooks/telegram", headers: { "x-telegram-bot-api-secret-token": SECRET }, payload: update });
      const refused = await post();
      expect(refused.statusCode).toBe(503);

      release();
      await holder;
      await first;
      // Nothing of the refused update was kept (on PGlite the held transaction blocks any read until here).
      expect(await rt.db.select().from(inboundMessages).where(eq(inboundMessages.externalId, "msg:880011:1"))).toHaveLength(0);
      expect((await post()).statusCode).toBe(200);
      await hub.idle();
      expect(api.callsTo("sendMessage").filter((c) => c.payload.chat_id === "880011").length).toBeGreaterThan(0);
      expect(api.callsTo("sendMessage").filter((c) => c.payload.chat_id === "880010").length).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});
