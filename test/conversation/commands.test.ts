import { deliverOutbox } from "../../src/channels/outbox.js";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outbox } from "../../src/channels/channels.sql.js";
import { contactChannels, contacts } from "../../src/contacts/index.js";
import { parseCommand } from "../../src/conversation/commands.js";
import { createTestChannels, createWebChat, type WebChatHarness } from "../helpers/web-chat.js";

async function register(chat: WebChatHarness, from: string, lang: "1" | "2" = "1") {
  await chat.send(from, "DAFTAR");
  await chat.send(from, lang);
  await chat.send(from, "1");
  await chat.send(from, "1");
  return chat.say(from, "Muara Ninian");
}

async function contactIdOf(chat: WebChatHarness, from: string): Promise<string | undefined> {
  const [row] = await chat.rt.db
    .select({ id: contactChannels.contactId })
    .from(contactChannels)
    .where(eq(contactChannels.address, chat.addressOf(from)));
  return row?.id;
}

describe("parseCommand", () => {
  it.each([
    ["MENU", "menu"],
    ["menu", "menu"],
    [" Menu! ", "menu"],
    ["hapus  data", "delete"],
    ["HAPUS DATA ULUN", "delete"],
    ["/start", "start"],
    ["Berhenti", "stop"],
    ["STOP", "stop"],
    ["dataku", "mydata"],
    ["bahasa", "language"],
    ["bantuan", "help"],
    ["daftar", "register"],
  ])("%j → %s", (text, command) => expect(parseCommand(text)).toBe(command));

  it.each(["menu apa saja untuk mpasi", "berhenti menyusui kapan", "", "hapus"])("%j is not a command", (text) =>
    expect(parseCommand(text)).toBeNull(),
  );
});

describe("commands through the web chat", () => {
  let chat: WebChatHarness;
  beforeAll(async () => {
    chat = await createWebChat();
  });
  afterAll(async () => {
    await chat?.close();
  });

  it("shows the menu and help in the person's language", async () => {
    expect(await chat.say("m-1", "MENU")).toMatch(/HAPUS DATA/);
    expect(await chat.say("m-1", "bantuan")).toMatch(/Cara memakai Balanting/);
  });

  it("switches language with BAHASA", async () => {
    await chat.send("m-2", "bahasa");
    expect(await chat.say("m-2", "2")).toMatch(/ulun mamakai bahasa Banjar/);
    expect(await chat.say("m-2", "menu")).toMatch(/Nang kawa ulun bantu/);
    await chat.send("m-2", "bahasa");
    expect(await chat.say("m-2", "indonesia")).toMatch(/Bahasa Indonesia/);
  });

  it("stops and resumes messages, recording the reason", async () => {
    await register(chat, "s-1");
    expect(await chat.say("s-1", "BERHENTI")).toMatch(/berhenti menerima/);
    expect(await chat.say("s-1", "ya")).toMatch(/Boleh tahu alasannya\?/);
    expect(await chat.say("s-1", "2")).toMatch(/Terima kasih atas masukannya/);
    const id = await contactIdOf(chat, "s-1");
    const [c] = await chat.rt.db.select().from(contacts).where(eq(contacts.id, id!));
    expect(c?.optedOutAt).toBeInstanceOf(Date);
    expect(c?.optOutReason).toBe("not_relevant");
    expect(await chat.say("s-1", "DATAKU")).toMatch(/berhenti sejak/);
    expect(await chat.say("s-1", "MULAI")).toMatch(/Selamat datang kembali/);
    const [after] = await chat.rt.db.select().from(contacts).where(eq(contacts.id, id!));
    expect(after?.optedOutAt).toBeNull();
  });

  it("keeps messages on when the stop is not confirmed", async () => {
    await chat.send("s-2", "stop");
    expect(await chat.say("s-2", "tidak")).toMatch(/tetap berjalan/);
  });

  it("shows what is held with DATAKU, with the channel address masked", async () => {
    expect(await chat.say("d-0", "DATAKU")).toMatch(/belum menyimpan data pribadi/);
    await register(chat, "d-123456789");
    const text = await chat.say("d-123456789", "dataku");
    expect(text).toMatch(/Peran: Orang tua/);
    expect(text).toMatch(/Muara Ninian, Kec\. Juai/);
    expect(text).toMatch(/versi 2026-12-v2/);
    const address = chat.addressOf("d-123456789");
    expect(text).toMatch(new RegExp(`web \\*+${address.slice(-4)}`));
    expect(text).not.toContain(address);
  });

  it("erases everything on HAPUS DATA after confirmation, and still answers afterwards", async () => {
    await register(chat, "h-1", "2");
    const id = await contactIdOf(chat, "h-1");
    expect(await chat.say("h-1", "HAPUS DATA")).toMatch(/dihapus salawasnya/);
    expect(await chat.say("h-1", "inggih")).toMatch(/Data nang pian kirim hudah dihapus/);
    expect(await chat.rt.db.select().from(contacts).where(eq(contacts.id, id!))).toEqual([]);
    expect(
      await chat.rt.db
        .select()
        .from(contactChannels)
        .where(eq(contactChannels.address, chat.addressOf("h-1"))),
    ).toEqual([]);
    const leftovers = await chat.rt.db
      .select({ n: sql<number>`count(*)::int` })
      .from(outbox)
      .where(eq(outbox.contactId, id!));
    expect(leftovers[0]?.n).toBe(0);
    // A new message starts afresh as a stranger.
    expect(await chat.say("h-1", "halo")).toMatch(/Balanting/);
  });

  it("does not erase when the person says no", async () => {
    await register(chat, "h-2");
    await chat.send("h-2", "hapus data");
    expect(await chat.say("h-2", "2")).toMatch(/tidak dihapus/);
    expect(await contactIdOf(chat, "h-2")).toBeDefined();
  });

  it("handles a redelivered message once", async () => {
    const first = await chat.send("dup-1", { text: "MENU", id: "client-msg-1" });
    const again = await chat.send("dup-1", { text: "MENU", id: "client-msg-1" });
    expect(first).toHaveLength(1);
    expect(again).toEqual([]);
  });

  it("resumes a dialogue after a restart (state is in the database)", async () => {
    await chat.send("r-1", "DAFTAR");
    await chat.send("r-1", "1");
    // A new app and hub over the same database stand for a restarted process.
    const { buildApp } = await import("../../src/app.js");
    const hub = await createTestChannels(chat.rt);
    const app = await buildApp(chat.rt, { hub });
    // The browser keeps its session cookie across the restart.
    const res = await app.inject({
      method: "POST",
      url: "/api/v1/chat/messages",
      payload: { text: "1" },
      ...(await chat.people.as("r-1")),
    });
    expect(res.json().replies[0].text).toMatch(/Anda mendaftar sebagai/);
    await app.close();
  });

  it("forgets a dialogue left for more than a day, and says so", async () => {
    await chat.send("x-1", "DAFTAR");
    chat.rt.clock.advance(25 * 60 * 60_000);
    const text = await chat.say("x-1", "1");
    expect(text).toMatch(/sudah lama tidak dilanjutkan/);
  });

  it("answers every message of a flood: one notice at once, the extra answers a minute later", async () => {
    const replies: string[][] = [];
    for (let i = 0; i < 24; i++) replies.push((await chat.send("flood-1", `pesan ${i}`)).map((r) => r.text));
    expect(replies.slice(0, 20).every((r) => r.length >= 1)).toBe(true);
    // The 21st message: the person hears at once that everything will be answered.
    expect(replies[20]?.join("\n")).toMatch(/tetap kami jawab/);
    expect(replies.slice(21).every((r) => r.length === 0)).toBe(true);
    chat.rt.clock.advance(61_000);
    await deliverOutbox(chat.rt, chat.hub);
    expect((await chat.inbox("flood-1")).length).toBeGreaterThanOrEqual(4);
    expect((await chat.send("flood-1", "menu")).length).toBe(1);
  });

  it("answers a button press and text it cannot read with help, never silence", async () => {
    expect(await chat.say("b-1", { payload: "cmd:menu" })).toMatch(/Yang bisa saya bantu/);
    expect(await chat.say("b-1", { payload: "something:unknown" })).not.toBe("");
  });

  it("rejects malformed API calls with a 400 naming the problem", async () => {
    // A caller may not name who is writing: "from" is an unknown field.
    for (const payload of [{}, { from: "a", text: "x" }, { text: "x", extra: 1 }, { payload: "" }]) {
      const res = await chat.app.inject({ method: "POST", url: "/api/v1/chat/messages", payload, ...(await chat.people.as("m-1")) });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        error: "validation_failed",
        fields: expect.arrayContaining([expect.objectContaining({ field: expect.stringMatching(/^body/) })]),
      });
    }
  });

  it("serves the chat page", async () => {
    const res = await chat.app.inject({ method: "GET", url: "/" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("Balanting – coba chat");
    const bjn = await chat.app.inject({ method: "GET", url: "/chat?lang=bjn" });
    expect(bjn.body).toContain("cuba bapandir");
  });
});
