// A person registers, checks their data and erases it entirely over Telegram (grammY against the
// local Bot API stand-in, webhook mode, real conversation core and database), using the inline
// buttons the bot sends.
import type { FastifyInstance } from "fastify";
import { eq } from "drizzle-orm";
import type { Update } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../../src/app.js";
import { ChannelHub } from "../../../src/channels/hub.js";
import { createTelegramAdapter } from "../../../src/channels/telegram/index.js";
import { contactChannels, contacts } from "../../../src/contacts/contacts.sql.js";
import { createInboundSink } from "../../../src/conversation/index.js";
import { createTestRuntime, type TestRuntime } from "../../helpers/runtime.js";
import { BotApiStandIn, TEST_TOKEN } from "./bot-api-stand-in.js";

const SECRET = "reg_secret";
const CHAT = 770001;

let rt: TestRuntime;
let api: BotApiStandIn;
let app: FastifyInstance;
let hub: ChannelHub;
let updateId = 9000;
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

type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] };

/** Posts an update and returns what the bot sent to the chat in answer (text and buttons). */
async function post(update: Update): Promise<{ text: string; buttons: { text: string; data: string }[] }[]> {
  const before = api.callsTo("sendMessage").length;
  const res = await app.inject({
    method: "POST",
    url: "/webhooks/telegram",
    headers: { "x-telegram-bot-api-secret-token": SECRET },
    payload: update,
  });
  expect(res.statusCode).toBe(200);
  await hub.idle(); // waits until the replies went out
  return api
    .callsTo("sendMessage")
    .slice(before)
    .filter((c) => String(c.payload.chat_id) === String(CHAT))
    .map((c) => ({
      text: String(c.payload.text),
      buttons: ((c.payload.reply_markup as Keyboard | undefined)?.inline_keyboard ?? [])
        .flat()
        .map((b) => ({ text: b.text, data: b.callback_data })),
    }));
}

const from = { id: CHAT, is_bot: false, first_name: "Ibu" };
const type = (text: string) =>
  post({
    update_id: ++updateId,
    message: {
      message_id: ++messageId,
      date: Math.floor(rt.clock.now().getTime() / 1000),
      chat: { id: CHAT, type: "private", first_name: "Ibu" },
      from,
      text,
    },
  } as Update);
const press = (data: string) =>
  post({
    update_id: ++updateId,
    callback_query: {
      id: `cb-${updateId}`,
      from,
      chat_instance: "x",
      data,
      message: { message_id: messageId, date: 0, chat: { id: CHAT, type: "private", first_name: "Ibu" }, text: "…" },
    },
  } as Update);

describe("registration over Telegram", () => {
  it("registers in Banjar with inline buttons, shows the data and erases it", async () => {
    const welcome = await type("/start");
    expect(welcome[0]?.buttons.map((b) => b.data)).toContain("cmd:register");

    const lang = await press("cmd:register");
    expect(lang[0]?.buttons.map((b) => b.data)).toEqual(["lang:id", "lang:bjn"]);
    const consent = await press("lang:bjn");
    expect(consent[0]?.text).toMatch(/UU PDP No\. 27 Tahun 2022/);
    const role = await press("yes");
    expect(role[0]?.buttons.map((b) => b.data)).toEqual(["role:parent", "role:pregnant", "role:kader"]);
    expect((await press("role:parent"))[0]?.text).toMatch(/disa\/kelurahan mana pian badiam/);
    expect((await type("Muara Ninian"))[0]?.text).toMatch(/pandaftaran hudah tuntung/);

    const [row] = await rt.db
      .select({ contact: contacts })
      .from(contactChannels)
      .innerJoin(contacts, eq(contacts.id, contactChannels.contactId))
      .where(eq(contactChannels.address, String(CHAT)));
    expect(row?.contact).toMatchObject({ lang: "bjn", role: "parent", desaCode: "63.11.01.2001" });
    expect(row?.contact.consentAt).toBeInstanceOf(Date);

    expect((await type("DATAKU"))[0]?.text).toMatch(/Muara Ninian/);
    const confirm = await type("HAPUS DATA");
    expect(confirm[0]?.buttons.map((b) => b.data)).toEqual(["yes", "no"]);
    expect((await press("yes"))[0]?.text).toMatch(/Data nang pian kirim hudah dihapus/);
    expect(
      await rt.db
        .select()
        .from(contactChannels)
        .where(eq(contactChannels.address, String(CHAT))),
    ).toEqual([]);
  });
});
