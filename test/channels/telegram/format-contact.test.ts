// Formatting and shared contacts over Telegram (grammY against the local Bot API stand-in, webhook
// mode, real conversation core and database): `*bold*` titles go out as HTML bold with the rest
// escaped, and a shared own contact is thanked for and its number kept.
import type { FastifyInstance } from "fastify";
import { eq } from "drizzle-orm";
import type { Update } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../../src/app.js";
import { toTelegramHtml } from "../../../src/channels/format.js";
import { ChannelHub } from "../../../src/channels/hub.js";
import { createTelegramAdapter } from "../../../src/channels/telegram/index.js";
import { contactChannels } from "../../../src/contacts/contacts.sql.js";
import { createInboundSink } from "../../../src/conversation/index.js";
import { createTestRuntime, type TestRuntime } from "../../helpers/runtime.js";
import { BotApiStandIn, TEST_TOKEN } from "./bot-api-stand-in.js";

const SECRET = "fmt_secret";
const CHAT = 770101;

let rt: TestRuntime;
let api: BotApiStandIn;
let app: FastifyInstance;
let hub: ChannelHub;
let updateId = 9500;
let messageId = 1;

beforeAll(async () => {
  rt = await createTestRuntime();
  api = new BotApiStandIn();
  const apiRoot = await api.listen();
  hub = new ChannelHub();
  const sink = createInboundSink(rt, hub);
  hub.onStopped(() => sink.idle());
  hub.register(createTelegramAdapter({ token: TEST_TOKEN, apiRoot, mode: "webhook", webhookSecret: SECRET, log: rt.log, sink }));
  app = await buildApp(rt, { hub });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await api?.close();
  await rt?.close();
});

const from = { id: CHAT, is_bot: false, first_name: "Ibu" };
const chat = { id: CHAT, type: "private" as const, first_name: "Ibu" };

/** Posts a message update; returns the sendMessage calls made in answer. */
async function post(message: Record<string, unknown>) {
  const before = api.callsTo("sendMessage").length;
  const update = {
    update_id: ++updateId,
    message: { message_id: ++messageId, date: Math.floor(rt.clock.now().getTime() / 1000), chat, from, ...message },
  } as Update;
  const res = await app.inject({
    method: "POST",
    url: "/webhooks/telegram",
    headers: { "x-telegram-bot-api-secret-token": SECRET },
    payload: update,
  });
  expect(res.statusCode).toBe(200);
  await hub.idle();
  return api
    .callsTo("sendMessage")
    .slice(before)
    .map((c) => c.payload);
}

describe("formatting on Telegram (item 14)", () => {
  it("sends an FAQ title bold in HTML parse mode, never with literal asterisks", async () => {
    // Answered at once (a plain one-topic question); a menu's first choice would do as well.
    const replies = await post({ text: "apa itu stunting?" });
    const answer = /^<b>/.test(String(replies[0]?.text)) ? replies[0] : (await post({ text: "1" }))[0];
    expect(answer?.parse_mode).toBe("HTML");
    expect(String(answer?.text)).toMatch(/^<b>[^<]+<\/b>\n/);
    expect(String(answer?.text)).not.toMatch(/\*[^*\s]/);
  });

  it("escapes what HTML would swallow and leaves lone or masked asterisks alone", () => {
    expect(toTelegramHtml("*Judul* & CARI <nama>")).toBe("<b>Judul</b> &amp; CARI &lt;nama&gt;");
    expect(toTelegramHtml("nomor ******1234, 2*3 = 6, *tidak tebal")).toBe("nomor ******1234, 2*3 = 6, *tidak tebal");
    expect(toTelegramHtml("a*b*c")).toBe("a*b*c"); // inside a word: no markup
  });
});

describe("shared contact (item 16)", () => {
  it("thanks the person for their number, keeps it, and does not say it can only read text", async () => {
    const replies = await post({ contact: { phone_number: "+62 812-3456-7890", first_name: "Ibu", user_id: CHAT } });
    expect(replies).toHaveLength(1);
    expect(String(replies[0]?.text)).toMatch(/nomor HP Anda sudah kami simpan/);
    expect(String(replies[0]?.text)).not.toMatch(/hanya bisa membaca pesan teks/);
    const [channel] = await rt.db
      .select()
      .from(contactChannels)
      .where(eq(contactChannels.address, String(CHAT)));
    expect(channel?.phone).toBe("6281234567890");
  });

  it("still ignores someone else's contact", async () => {
    expect(await post({ contact: { phone_number: "+62 811 0000 0000", first_name: "Tetangga", user_id: 42 } })).toEqual([]);
  });
});
