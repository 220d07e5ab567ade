// The adapter through real grammY against a local Bot API stand-in, with a sink that records.
import { readFileSync } from "node:fs";
import Fastify, { type FastifyInstance } from "fastify";
import type { Update } from "grammy/types";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SendError, type ChannelAdapter, type InboundMessage, type SendContext } from "../../../src/channels/channel.js";
import { createTelegramAdapter, telegramAdapterFromConfig } from "../../../src/channels/telegram/index.js";
import { loadConfig } from "../../../src/config/index.js";
import { createLogger } from "../../../src/lib/log.js";
import { BotApiStandIn, TEST_TOKEN } from "./bot-api-stand-in.js";

const SECRET = "s3cret_for-tests";
const log = createLogger("silent");
const context: SendContext = { kind: "reply", lang: "id", lastInboundAt: null };

function fixture(name: string): Update {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), "utf8")) as Update;
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
afterEach(() => {
  api.calls.length = 0;
  api.pendingUpdates.length = 0;
  api.override = undefined;
});

describe("send", () => {
  let telegram: ChannelAdapter;
  beforeAll(() => {
    telegram = createTelegramAdapter({ token: TEST_TOKEN, apiRoot, mode: "polling", log, sink: async () => {} });
  });

  it("sends text with an inline keyboard and returns Telegram's message id", async () => {
    const result = await telegram.send(
      "555001",
      {
        text: "Pilih menu",
        buttons: [
          { label: "Jadwal", payload: "menu:jadwal" },
          { label: "Tanya", payload: "menu:tanya" },
        ],
      },
      context,
    );
    expect(result.externalId).toMatch(/^\d+$/);
    const [call] = api.callsTo("sendMessage");
    expect(call?.payload).toMatchObject({
      chat_id: "555001",
      text: "Pilih menu",
      reply_markup: {
        inline_keyboard: [
          [
            { text: "Jadwal", callback_data: "menu:jadwal" },
            { text: "Tanya", callback_data: "menu:tanya" },
          ],
        ],
      },
    });
  });

  it("sends a text over 4096 characters as several messages, buttons on the last", async () => {
    const paragraph = "Makanan bergizi untuk anak. ".repeat(100).trim(); // ~2800 chars
    await telegram.send("555001", { text: `${paragraph}\n\n${paragraph}`, buttons: [{ label: "Ok", payload: "ok" }] }, context);
    const calls = api.callsTo("sendMessage");
    expect(calls).toHaveLength(2);
    expect(calls[0]?.payload.reply_markup).toBeUndefined();
    expect(calls[1]?.payload.reply_markup).toBeDefined();
  });

  it("turns 429 into a retryable SendError with retryAfterMs", async () => {
    api.override = (c) =>
      c.method === "sendMessage"
        ? {
            status: 429,
            body: { ok: false, error_code: 429, description: "Too Many Requests: retry after 3", parameters: { retry_after: 3 } },
          }
        : undefined;
    const err = await telegram.send("555001", { text: "halo" }, context).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendError);
    expect(err).toMatchObject({ retryable: true, retryAfterMs: 3000 });
  });

  it("turns 403 (blocked by the user) into a SendError that is not retried", async () => {
    api.override = () => ({ status: 403, body: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" } });
    const err = await telegram.send("555001", { text: "halo" }, context).catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable: false });
  });

  it("treats an unreachable API server as retryable", async () => {
    const offline = createTelegramAdapter({ token: TEST_TOKEN, apiRoot: "http://127.0.0.1:9", mode: "polling", log, sink: async () => {} });
    const err = await offline.send("555001", { text: "halo" }, context).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "SendError", retryable: true });
  });
});

describe("webhook mode", () => {
  // Everything logged, at debug level, to check no chat id, name or text reaches the log.
  const logLines: string[] = [];
  const webhookLog = createLogger("debug", { write: (line: string) => void logLines.push(line) });
  let app: FastifyInstance;
  const received: InboundMessage[] = [];
  let failNext = false;
  let telegram: ChannelAdapter;

  beforeAll(async () => {
    // The sink stands in for the conversation: it records, and replies once per new message.
    const seen = new Set<string>();
    telegram = createTelegramAdapter({
      token: TEST_TOKEN,
      apiRoot,
      mode: "webhook",
      webhookSecret: SECRET,
      publicUrl: "https://bot.balangankab.example/balanting/",
      log: webhookLog,
      sink: async (m) => {
        if (failNext) {
          failNext = false;
          // A driver's error quotes the query's parameters; the log must not.
          throw Object.assign(new Error("Failed query: insert into contacts values ($1, $2)\nparams: 555001,Siti"), { code: "08006" });
        }
        received.push(m);
        if (seen.has(m.externalId)) return;
        seen.add(m.externalId);
        await telegram.send(m.address, { text: "Halo! Pilih menu." }, context);
      },
    });
    app = Fastify();
    await app.register(telegram.routes as NonNullable<ChannelAdapter["routes"]>);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  const post = (update: Update, secret?: string) =>
    app.inject({
      method: "POST",
      url: "/webhooks/telegram",
      headers: secret === undefined ? {} : { "x-telegram-bot-api-secret-token": secret },
      payload: update,
    });

  it("start() registers the webhook at PUBLIC_URL with the secret", async () => {
    await telegram.start?.();
    const [call] = api.callsTo("setWebhook");
    expect(call?.payload).toMatchObject({
      url: "https://bot.balangankab.example/balanting/webhooks/telegram",
      secret_token: SECRET,
      allowed_updates: ["message", "callback_query"],
    });
    await telegram.stop?.();
  });

  it("takes an update in and sends the reply out", async () => {
    const res = await post(fixture("text"), SECRET);
    expect(res.statusCode).toBe(200);
    expect(received.at(-1)).toMatchObject({ externalId: "msg:555001:41", text: "halo, pian bisa bantu?" });
    expect(api.callsTo("sendMessage").map((c) => c.payload.chat_id)).toEqual(["555001"]);
  });

  it("answers a button press so it stops spinning", async () => {
    const res = await post(fixture("callback"), SECRET);
    expect(res.statusCode).toBe(200);
    expect(received.at(-1)).toMatchObject({ payload: "menu:jadwal" });
    expect(api.callsTo("answerCallbackQuery").map((c) => c.payload.callback_query_id)).toEqual(["4382bfdwdsb323b2d9"]);
  });

  it("answers 200 and passes nothing on for updates the bot ignores", async () => {
    const before = received.length;
    for (const name of ["group", "edited", "photo-no-caption"]) {
      expect((await post(fixture(name), SECRET)).statusCode).toBe(200);
    }
    expect(received.length).toBe(before);
    expect(api.callsTo("sendMessage")).toHaveLength(0);
  });

  it.each([
    ["wrong", "not-the-secret"],
    ["missing", undefined],
  ])("refuses a %s secret with 401 and passes nothing on", async (_what, secret) => {
    const before = received.length;
    const res = await post(fixture("start-command"), secret);
    expect(res.statusCode).toBe(401);
    expect(received.length).toBe(before);
  });

  it("answers 503 when the sink fails, so Telegram delivers the update again", async () => {
    failNext = true;
    expect((await post(fixture("start-command"), SECRET)).statusCode).toBe(503);
    expect((await post(fixture("start-command"), SECRET)).statusCode).toBe(200);
    expect(received.at(-1)).toMatchObject({ externalId: "msg:555001:42" });
  });

  it("logs update ids, never chat ids, names or text", () => {
    const logged = logLines.join("\n");
    expect(logged).toContain("telegram webhook update failed");
    expect(logged).toContain("9002");
    expect(logged).not.toMatch(/555001|Siti|halo|\/start|params/);
    expect(logged).toContain("08006");
  });

  it("refuses to run a webhook without a secret", () => {
    expect(() => createTelegramAdapter({ token: TEST_TOKEN, apiRoot, mode: "webhook", log, sink: async () => {} })).toThrow(/secret/);
  });
});

describe("polling mode", () => {
  it("deletes the webhook, takes updates, replies, and stops cleanly", async () => {
    const received: InboundMessage[] = [];
    let failures = 1; // the first attempt fails: polling retries the sink
    const telegram: ChannelAdapter = createTelegramAdapter({
      token: TEST_TOKEN,
      apiRoot,
      mode: "polling",
      log,
      sinkRetryDelaysMs: [5],
      sink: async (m) => {
        if (failures-- > 0) throw new Error("database blip");
        received.push(m);
        await telegram.send(m.address, { text: "Halo!" }, context);
      },
    });
    api.pendingUpdates.push([fixture("text"), fixture("group")]);
    await telegram.start?.();
    await api.waitFor("sendMessage");
    // stop() may come at any point of the batch in hand (here: while the reply is on its way);
    // it lets the batch finish, aborts the long poll it is in, and ends the loop.
    await telegram.stop?.();
    await api.settled("getUpdates"); // the aborted long poll, if the stand-in saw it, is closed

    expect(api.callsTo("deleteWebhook")).toHaveLength(1);
    expect(received.map((m) => m.externalId)).toEqual(["msg:555001:41"]);
    expect(api.callsTo("sendMessage")).toHaveLength(1);
    // The first poll fetched the batch; every later one, and stop()'s confirming call, is past
    // its last update (9005), so nothing handled is fetched again. (An aborted long poll may reach
    // the stand-in after the confirming call: the order of the two is not asserted.)
    const [first, ...later] = api.callsTo("getUpdates").map((c) => c.payload);
    expect(first?.offset).toBeUndefined();
    expect(later.filter((p) => p.timeout === 0)).toEqual([expect.objectContaining({ offset: 9006, limit: 1 })]);
    for (const p of later) expect(p).toMatchObject({ offset: 9006 });
    // Stopped for good: the loop has ended, no poll is open, and the channel says it is not running.
    expect(api.inFlight("getUpdates")).toBe(0);
    expect(telegram.health?.()).toMatchObject({ ok: false, reason: expect.stringMatching(/not running/) });
  });

  it("start() fails with a wrong token", async () => {
    const telegram = createTelegramAdapter({ token: "1:wrong", apiRoot, mode: "polling", log, sink: async () => {} });
    await expect(telegram.start?.()).rejects.toThrow();
    await telegram.stop?.();
  });
});

describe("telegramAdapterFromConfig", () => {
  const sink = async () => {};
  it("is off without a token", () => {
    expect(telegramAdapterFromConfig(loadConfig({}), { log, sink })).toBeNull();
  });

  it("builds a webhook adapter with routes, or a polling one without", () => {
    const webhook = telegramAdapterFromConfig(
      loadConfig({ TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_MODE: "webhook", TELEGRAM_WEBHOOK_SECRET: SECRET }),
      { log, sink },
    );
    expect(webhook?.name).toBe("telegram");
    expect(webhook?.routes).toBeTypeOf("function");
    const polling = telegramAdapterFromConfig(loadConfig({ TELEGRAM_BOT_TOKEN: TEST_TOKEN }), { log, sink });
    expect(polling?.routes).toBeUndefined();
    expect(polling?.start).toBeTypeOf("function");
  });
});
