// Telegram webhook → real sink → real database, when things go wrong: a new person's messages
// racing for the first contact, the database going away (PostgreSQL, through a proxy we cut),
// and malformed updates with the right secret. Nothing acknowledged may be lost, nothing doubled,
// and bad input never gets a 5xx.
import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import fc from "fast-check";
import { and, eq, isNotNull } from "drizzle-orm";
import type { Update } from "grammy/types";
import postgres from "../../../src/db/postgres.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../../src/app.js";
import { inboundMessages, outbox } from "../../../src/channels/channels.sql.js";
import { ChannelHub } from "../../../src/channels/hub.js";
import { createTelegramAdapter } from "../../../src/channels/telegram/index.js";
import { contactChannels } from "../../../src/contacts/index.js";
import { createInboundSink } from "../../../src/conversation/index.js";
import { openDatabase } from "../../../src/db/client.js";
import { systemClock } from "../../../src/lib/clock.js";
import { createLogger } from "../../../src/lib/log.js";
import { createRuntime, type Runtime } from "../../../src/runtime.js";
import { createTestRuntime, onPostgres, testConfig } from "../../helpers/runtime.js";
import { TcpProxy, throughProxy } from "../../helpers/tcp-proxy.js";
import { BotApiStandIn, TEST_TOKEN } from "./bot-api-stand-in.js";

const SECRET = "resilience_secret";

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

interface World {
  rt: Runtime;
  app: FastifyInstance;
  hub: ChannelHub;
  post(body: unknown): Promise<number>;
  close(): Promise<void>;
}

async function webhookWorld(rt: Runtime, apiRoot: string): Promise<World> {
  const hub = new ChannelHub();
  const sink = createInboundSink(rt, hub);
  hub.onStopped(() => sink.idle());
  hub.register(createTelegramAdapter({ token: TEST_TOKEN, apiRoot, mode: "webhook", webhookSecret: SECRET, log: rt.log, sink }));
  const app = await buildApp(rt, { hub });
  await app.ready();
  return {
    rt,
    app,
    hub,
    post: async (body) => {
      const res = await app.inject({
        method: "POST",
        url: "/webhooks/telegram",
        headers: { "x-telegram-bot-api-secret-token": SECRET, "content-type": "application/json" },
        payload: JSON.stringify(body),
      });
      return res.statusCode;
    },
    close: async () => {
      await hub.idle();
      await app.close();
      await rt.close();
    },
  };
}

let api: BotApiStandIn;
let apiRoot: string;
beforeAll(async () => {
  api = new BotApiStandIn();
  apiRoot = await api.listen();
});
afterAll(async () => {
  await api.close();
});

const sentTo = (chat: number) => api.callsTo("sendMessage").filter((c) => c.payload.chat_id === String(chat));

describe("a new person's first messages at the same moment", () => {
  let world: World;
  beforeAll(async () => {
    world = await webhookWorld({ ...(await createTestRuntime()), clock: systemClock }, apiRoot);
  });
  afterAll(async () => {
    await world.close();
  });

  it("answers every one of 2 to 10 concurrent first messages; one contact, no apology", async () => {
    const apology = world.rt.i18n.t("id", "conversation:error");
    let chat = 891000;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 10 }), async (n) => {
        chat++;
        const updates = Array.from({ length: n }, (_, i) => textUpdate(chat * 100 + i, chat, i + 1, i % 2 ? "halo" : "apa itu stunting"));
        const statuses = await Promise.all(updates.map((u) => world.post(u)));
        await world.hub.idle();
        expect(statuses).toEqual(updates.map(() => 200));
        const address = String(chat);
        const handled = await world.rt.db
          .select()
          .from(inboundMessages)
          .where(and(eq(inboundMessages.channel, "telegram"), isNotNull(inboundMessages.contactId)));
        expect(handled.filter((r) => r.externalId.startsWith(`msg:${chat}:`))).toHaveLength(n);
        expect(await world.rt.db.select().from(contactChannels).where(eq(contactChannels.address, address))).toHaveLength(1);
        const queued = await world.rt.db.select().from(outbox).where(eq(outbox.address, address));
        expect(queued.length).toBeGreaterThanOrEqual(n);
        expect(queued.filter((r) => r.message.text === apology)).toHaveLength(0);
        expect(sentTo(chat).length, JSON.stringify(queued.map((r) => [r.status, r.lastError]))).toBe(queued.length);
      }),
      { numRuns: 8 },
    );
  }, 240_000);
});

describe("malformed updates with the right secret", () => {
  let world: World;
  beforeAll(async () => {
    world = await webhookWorld({ ...(await createTestRuntime()), clock: systemClock }, apiRoot);
  });
  afterAll(async () => {
    await world.close();
  });

  it("acknowledges them with 200 (never 5xx) and hands nothing to the conversation", async () => {
    const chat = { id: 892001, type: "private", first_name: "Ibu" };
    const from = { id: 892001, is_bot: false, first_name: "Ibu" };
    const bad: unknown[] = [
      { update_id: 1, message: { message_id: 1, date: 1795744700, chat, from, text: 12345 } },
      { update_id: 2, message: { message_id: 2, date: 1795744700, from, text: "halo" } },
      { update_id: 3, message: { message_id: 3, date: "kemarin", chat, from, text: "halo" } },
      { update_id: 4, callback_query: { id: 7, from, data: "menu", message: { message_id: 1, chat } } },
      { update_id: 5, message: { message_id: 5, date: 1795744700, chat, from, contact: { phone_number: 628 } } },
      { message: { message_id: 6, date: 1795744700, chat, from, text: "halo" } },
      [],
      "halo",
      null,
      {},
    ];
    for (const body of bad) expect(await world.post(body)).toBe(200);
    await world.hub.idle();
    expect(sentTo(892001)).toHaveLength(0);
  });

  it("never answers 5xx, whatever JSON arrives (fast-check)", async () => {
    const chat = fc.record({ id: fc.oneof(fc.integer(), fc.string(), fc.constant(null)), type: fc.constantFrom("private", "group", 3) });
    const message = fc.record(
      {
        message_id: fc.oneof(fc.integer({ min: 1, max: 1e6 }), fc.string()),
        date: fc.oneof(fc.integer({ min: 0, max: 2e9 }), fc.string()),
        chat,
        from: fc.record({ id: fc.oneof(fc.integer(), fc.string()), is_bot: fc.oneof(fc.boolean(), fc.string()) }),
        text: fc.oneof(fc.string({ maxLength: 50 }), fc.integer(), fc.constant("a\u0000b"), fc.constant(null)),
        caption: fc.string({ maxLength: 20 }),
      },
      { requiredKeys: [] },
    );
    const update = fc.record(
      {
        update_id: fc.oneof(fc.integer({ min: 0, max: 2 ** 31 }), fc.string(), fc.double()),
        message,
        callback_query: fc.anything(),
        edited_message: fc.anything(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(update, fc.jsonValue()), async (body) => {
        const status = await world.post(body);
        expect(status).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
    await world.hub.idle();
  }, 240_000);

  it("strips a NUL character instead of failing on it", async () => {
    expect(await world.post(textUpdate(892100, 892002, 1, "apa itu\u0000 stunting"))).toBe(200);
    await world.hub.idle();
    const replies = sentTo(892002);
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.map((r) => String(r.payload.text)).join("\n")).not.toContain(world.rt.i18n.t("id", "conversation:error"));
  });
});

describe.skipIf(!onPostgres)("the database going away (PostgreSQL through a proxy)", () => {
  let world: World;
  let proxy: TcpProxy;
  let dropDatabase: () => Promise<void>;
  beforeAll(async () => {
    const url = process.env.DATABASE_URL as string;
    const name = `balanting_test_${process.pid}_${randomBytes(4).toString("hex")}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const target = new URL(url);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    const port = await proxy.listen();
    const dbUrl = new URL(throughProxy(url, port));
    dbUrl.pathname = `/${name}`;
    const database = await openDatabase({ engine: "postgres", url: dbUrl.toString(), max: 4 });
    const rt = await createRuntime(testConfig(), { log: createLogger("silent"), clock: systemClock, database });
    world = await webhookWorld(rt, apiRoot);
    dropDatabase = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  });
  afterAll(async () => {
    await world?.close();
    await proxy?.close();
    await dropDatabase?.();
  });

  it("answers 503 while the database is away, sends nothing, and handles Telegram's redelivery once it is back", async () => {
    const update = textUpdate(893001, 893001, 1, "apa itu stunting");
    proxy.down();
    expect(await world.post(update)).toBe(503);
    expect(await world.post(update)).toBe(503);
    proxy.up();
    expect(await world.post(update)).toBe(200);
    await world.hub.idle();
    const replies = sentTo(893001);
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.map((r) => String(r.payload.text)).join("\n")).not.toContain(world.rt.i18n.t("id", "conversation:error"));
    // Telegram delivering it yet again changes nothing.
    expect(await world.post(update)).toBe(200);
    await world.hub.idle();
    expect(sentTo(893001)).toHaveLength(replies.length);
  });
});
