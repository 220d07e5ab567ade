// Nothing personal or secret reaches the log when things fail, on every channel: the failure
// paths are provoked for real (database errors whose queries carry WhatsApp keys, phone numbers
// and reply texts; providers refusing a send) and the whole log stream is searched afterwards.
// The safety is the logger's own `err` serializer (src/lib/log.ts), so no call site can leak.
import { createHmac } from "node:crypto";
import { sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import type { Update } from "grammy/types";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp } from "../../src/app.js";
import { ChannelHub } from "../../src/channels/hub.js";
import { createTelegramAdapter } from "../../src/channels/telegram/index.js";
import { useDatabaseAuthState } from "../../src/channels/whatsapp/auth-state.js";
import { createWhatsAppAdapter, type WhatsAppAdapter } from "../../src/channels/whatsapp/index.js";
import { createWhatsAppCloudAdapter, type WhatsAppCloudAdapter } from "../../src/channels/whatsapp-cloud/index.js";
import { createInboundSink, type ConversationSink } from "../../src/conversation/inbound.js";
import { systemClock } from "../../src/lib/clock.js";
import { createLogger } from "../../src/lib/log.js";
import type { Runtime } from "../../src/runtime.js";
import { BotApiStandIn, TEST_TOKEN } from "../channels/telegram/bot-api-stand-in.js";
import { PHONE_ID, fixture } from "../channels/whatsapp-cloud/fixtures.js";
import { startGraphStandIn, type GraphStandIn } from "../channels/whatsapp-cloud/graph-stand-in.js";
import { fakeFactory, textMessage } from "../channels/whatsapp/fake-socket.js";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.js";

const PHONE = "6281234567890";
const LID = "123456789012345";
const TELEGRAM_CHAT = 555001234;
const NAME = "Siti Aminah";
const TEXT = "anak saya demam tinggi sekali";
const TG_SECRET = "leak_test_webhook_secret";
const APP_SECRET = "leak-test-app-secret";

const lines: string[] = [];
const logged = (msg: string) => lines.filter((l) => l.includes(`"msg":"${msg}`)).length;

let base: TestRuntime;
let rt: Runtime;
let api: BotApiStandIn;
let graph: GraphStandIn;
let app: FastifyInstance;
let sink: ConversationSink;
let whatsapp: WhatsAppAdapter;
let cloud: WhatsAppCloudAdapter;
const fake = fakeFactory();
/** Base64 of every private key in the linked WhatsApp's credentials. */
let keyMaterial: string[] = [];

function telegramUpdate(updateId: number): Update {
  const person = { id: TELEGRAM_CHAT, is_bot: false, first_name: NAME };
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: TELEGRAM_CHAT, type: "private", first_name: NAME },
      from: person,
      text: TEXT,
    },
  } as Update;
}

async function postTelegram(updateId: number): Promise<number> {
  const res = await app.inject({
    method: "POST",
    url: "/webhooks/telegram",
    headers: { "x-telegram-bot-api-secret-token": TG_SECRET, "content-type": "application/json" },
    payload: JSON.stringify(telegramUpdate(updateId)),
  });
  return res.statusCode;
}

async function postCloud(messageId: string): Promise<number> {
  const body = fixture("text") as {
    entry: {
      changes: {
        value: { contacts: { profile: { name: string } }[]; messages: { id: string; timestamp: string; text: { body: string } }[] };
      }[];
    }[];
  };
  const value = body.entry[0]!.changes[0]!.value;
  value.contacts[0]!.profile.name = NAME;
  Object.assign(value.messages[0]!, { id: messageId, timestamp: String(Math.floor(Date.now() / 1000)), text: { body: TEXT } });
  const raw = JSON.stringify(body);
  const signature = `sha256=${createHmac("sha256", APP_SECRET).update(raw).digest("hex")}`;
  const res = await app.inject({
    method: "POST",
    url: "/webhooks/whatsapp",
    payload: raw,
    headers: { "content-type": "application/json", "x-hub-signature-256": signature },
  });
  return res.statusCode;
}

beforeAll(async () => {
  api = new BotApiStandIn();
  const apiRoot = await api.listen();
  graph = await startGraphStandIn();
  base = await createTestRuntime({
    env: {
      WHATSAPP_CLOUD_TOKEN: "leak-test-access-token",
      WHATSAPP_CLOUD_PHONE_ID: PHONE_ID,
      WHATSAPP_CLOUD_APP_SECRET: APP_SECRET,
      WHATSAPP_CLOUD_VERIFY_TOKEN: "leak-test-verify-token",
      WHATSAPP_CLOUD_API_ROOT: graph.root,
    },
  });
  // Everything at debug level into memory; real time, so outbox rows are due when written.
  const log = createLogger("debug", { write: (line: string) => void lines.push(line) });
  rt = { ...base, log, clock: systemClock };
  const hub = new ChannelHub();
  sink = createInboundSink(rt, hub);
  hub.register(createTelegramAdapter({ token: TEST_TOKEN, apiRoot, mode: "webhook", webhookSecret: TG_SECRET, log: rt.log, sink }));
  cloud = createWhatsAppCloudAdapter({ config: rt.config, sink, log: rt.log, i18n: rt.i18n, clock: rt.clock });
  hub.register(cloud);
  whatsapp = createWhatsAppAdapter({ rt, sink, sendIntervalMs: 0, jitterMs: () => 0, printQr: () => {}, socketFactory: fake.factory });
  hub.register(whatsapp);
  app = await buildApp(rt, { hub });
  await app.ready();
  await whatsapp.start();
  fake.latest().open();
  const creds = fake.latest().config.auth.creds;
  keyMaterial = [
    creds.noiseKey.private,
    creds.signedIdentityKey.private,
    creds.signedPreKey.keyPair.private,
    creds.pairingEphemeralKeyPair.private,
  ].map((k) => Buffer.from(k).toString("base64"));
  keyMaterial.push(creds.advSecretKey);
});

afterAll(async () => {
  await whatsapp?.stop();
  await sink?.idle();
  await app?.close();
  await api?.close();
  await graph?.close();
  await base?.close();
});

describe("failure paths write nothing personal or secret to the log", () => {
  it("WhatsApp credentials failing to save: the database error carries the keys, the log does not", async () => {
    await rt.db.execute(sql`alter table whatsapp_auth add constraint leak_probe check (false) not valid`);
    try {
      // The danger is real: the driver's error quotes the keys, and pino's standard serializer
      // would have written them.
      const direct = await (await useDatabaseAuthState(rt.db)).saveCreds().then(
        () => null,
        (err: unknown) => err,
      );
      expect(direct).toBeInstanceOf(Error);
      const standard = JSON.stringify(pino.stdSerializers.err(direct as Error));
      expect(standard).toMatch(/params:.*Buffer/); // the stored keys, as Baileys' Buffer envelopes
      // Through the adapter: Baileys announces new credentials and the save fails.
      const before = logged("saving WhatsApp credentials failed");
      fake.latest().ev.emit("creds.update", {});
      await vi.waitFor(() => expect(logged("saving WhatsApp credentials failed")).toBeGreaterThan(before), { timeout: 90_000 });
    } finally {
      await rt.db.execute(sql`alter table whatsapp_auth drop constraint leak_probe`);
    }
  });

  it("the database failing in the message path, on every channel", async () => {
    // Every reply (and the apology) fails to be queued: the failing statement carries the address
    // and the reply's text.
    await rt.db.execute(sql`alter table outbox add constraint leak_probe check (false) not valid`);
    try {
      const failedBefore = logged("inbound message failed");
      expect(await postTelegram(9_100)).toBe(503);
      expect(await postCloud("wamid.LEAK1")).toBe(503);
      fake.latest().upsert([{ ...textMessage("LEAK1", TEXT), pushName: NAME }]);
      await vi.waitFor(() => expect(logged("inbound message failed")).toBeGreaterThanOrEqual(failedBefore + 3), { timeout: 90_000 });
    } finally {
      await rt.db.execute(sql`alter table outbox drop constraint leak_probe`);
    }
  });

  it("providers refusing a send: Telegram, WhatsApp Cloud and WhatsApp", async () => {
    const sendFailed = () => logged("send failed");
    const before = sendFailed();
    api.override = (call) =>
      call.method === "sendMessage"
        ? { status: 403, body: { ok: false, error_code: 403, description: `Forbidden: bot was blocked by the user ${TELEGRAM_CHAT}` } }
        : undefined;
    graph.respond({
      status: 400,
      body: { error: { code: 131026, message: `Message undeliverable to ${PHONE}: ${TEXT}`, error_data: { details: NAME } } },
    });
    fake.latest().failNextSend = new Error(`could not send "${TEXT}" to ${PHONE}@s.whatsapp.net (${LID}@lid)`);

    expect(await postTelegram(9_101)).toBe(200);
    expect(await postCloud("wamid.LEAK2")).toBe(200);
    fake.latest().upsert([{ ...textMessage("LEAK2", TEXT), pushName: NAME }]);
    await vi.waitFor(() => expect(sendFailed()).toBeGreaterThanOrEqual(before + 3), { timeout: 90_000 });
    await sink.idle();
    api.override = undefined;
  });

  it("the whole log holds no key, phone number, chat id, name or message text", () => {
    // Defined last, so it runs last.
    const all = lines.join("");
    expect(lines.length).toBeGreaterThan(5);
    for (const secret of [
      PHONE,
      LID,
      String(TELEGRAM_CHAT),
      NAME,
      TEXT,
      "demam",
      TEST_TOKEN,
      APP_SECRET,
      '"type":"Buffer"',
      ...keyMaterial,
    ]) {
      expect(all, secret).not.toContain(secret);
    }
    // Still useful: the failures are there, with their codes.
    expect(all).toContain("23514"); // check_violation
  });
});
