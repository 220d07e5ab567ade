import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contacts, conversationStates } from "../../src/contacts/index.js";
import { posyandu } from "../../src/health-units/health-units.sql.js";
import { createWebChat, type WebChatHarness } from "../helpers/web-chat.js";

async function contactOf(chat: WebChatHarness, from: string) {
  const { contactChannels } = await import("../../src/contacts/contacts.sql.js");
  const [row] = await chat.rt.db
    .select({ contact: contacts })
    .from(contactChannels)
    .innerJoin(contacts, eq(contacts.id, contactChannels.contactId))
    .where(eq(contactChannels.address, chat.addressOf(from)));
  return row?.contact;
}

describe("registration through the web chat", () => {
  let chat: WebChatHarness;
  beforeAll(async () => {
    chat = await createWebChat();
    await chat.rt.db.insert(posyandu).values([
      { name: "Posyandu Melati", desaCode: "63.11.07.2003", dayOfMonth: 12 },
      { name: "Posyandu Mawar", desaCode: "63.11.07.2003", dayOfMonth: 20 },
    ]);
  });
  afterAll(async () => {
    await chat?.close();
  });

  it("lets anyone ask first and offers registration without forcing it", async () => {
    const replies = await chat.send("ibu-1", "halo");
    expect(replies[0]?.text).toMatch(/Balanting/);
    expect(replies[0]?.buttons?.map((b) => b.payload)).toContain("cmd:register");
    expect(await contactOf(chat, "ibu-1")).toMatchObject({ registeredAt: null, consentAt: null });
  });

  it("registers a parent in Indonesian with numbered answers, a kecamatan typed with a typo and a posyandu", async () => {
    const from = "ibu-2";
    expect(await chat.say(from, "DAFTAR")).toMatch(/1\. Bahasa Indonesia\n2\. Bahasa Banjar/);
    expect(await chat.say(from, "1")).toMatch(/UU PDP No\. 27 Tahun 2022/);
    expect(await chat.say(from, "1")).toMatch(/1\. Orang tua/);
    expect(await chat.say(from, "1")).toMatch(/desa\/kelurahan mana/);
    const desaList = await chat.send(from, "paringin slatan");
    expect(desaList[0]?.text).toMatch(/Kecamatan Paringin Selatan/);
    const first = desaList[0]?.buttons?.[0];
    expect(first?.payload).toMatch(/^desa:63\.11\.07\./);
    // The first desa listed (alphabetically) holds the two posyandu inserted above? Choose by code.
    const posyanduPrompt = await chat.send(from, { payload: "desa:63.11.07.2003" });
    expect(posyanduPrompt[0]?.text).toMatch(/Posyandu Mawar/);
    expect(await chat.say(from, "Posyandu Melati")).toMatch(/pendaftaran selesai/);

    const contact = await contactOf(chat, from);
    expect(contact).toMatchObject({ lang: "id", role: "parent", desaCode: "63.11.07.2003", consentVersion: "2026-12-v2" });
    expect(contact?.consentAt).toBeInstanceOf(Date);
    expect(contact?.posyanduId).not.toBeNull();
    // Registration hands over to the reminders' enrolment (children's birth dates).
    const [state] = await chat.rt.db.select().from(conversationStates).where(eq(conversationStates.contactId, contact!.id));
    expect(state?.flow).toBe("enrol:parent");
  });

  it("registers a pregnant mother in Banjar with buttons", async () => {
    const from = "uma-3";
    await chat.send(from, "daftar");
    expect(await chat.say(from, { payload: "lang:bjn" })).toMatch(/Pian satuju kah\?/);
    expect(await chat.say(from, { payload: "yes" })).toMatch(/Pian mandaftar sabagai/);
    expect(await chat.say(from, { payload: "role:pregnant" })).toMatch(/Di disa\/kelurahan mana pian badiam/);
    expect(await chat.say(from, "btu piring")).toMatch(/pandaftaran hudah tuntung \(Batu Piring, Kec\. Paringin Selatan\)/);
    expect(await contactOf(chat, from)).toMatchObject({ lang: "bjn", role: "pregnant" });
  });

  it("registers a kader as pending approval", async () => {
    const from = "kader-4";
    await chat.send(from, "DAFTAR");
    await chat.send(from, "1");
    await chat.send(from, "setuju");
    expect(await chat.say(from, "kader")).toMatch(/nama lengkap/);
    await chat.send(from, "Hj. Nor'aini");
    expect(await chat.say(from, "Muara Ninian")).toMatch(/setelah disetujui puskesmas atau Pokja/);
    expect(await contactOf(chat, from)).toMatchObject({
      role: "kader",
      kaderStatus: "pending",
      name: "Hj. Nor'aini",
      desaCode: "63.11.01.2001",
    });
  });

  it("keeps nothing personal when consent is declined", async () => {
    const from = "ragu-5";
    await chat.send(from, "DAFTAR");
    await chat.send(from, "1");
    expect(await chat.say(from, "2")).toMatch(/data Anda tidak kami simpan/);
    expect(await contactOf(chat, from)).toMatchObject({ consentAt: null, role: null, desaCode: null });
  });

  it("answers a wrong choice with a hint and asks again, never silence", async () => {
    const from = "salah-6";
    await chat.send(from, "DAFTAR");
    const replies = await chat.send(from, "7");
    expect(replies.map((r) => r.text).join("\n")).toMatch(/membalas nomornya[\s\S]*1\. Bahasa Indonesia/);
    expect(await chat.say(from, "desa antah berantah xyz")).toMatch(/nomornya/);
  });

  it("tells an unknown desa apart and lets the person try again", async () => {
    const from = "desa-7";
    await chat.send(from, "DAFTAR");
    await chat.send(from, "1");
    await chat.send(from, "1");
    await chat.send(from, "2");
    expect(await chat.say(from, "Jakarta")).toMatch(/tidak ditemukan di Kabupaten Balangan/);
    expect(await chat.say(from, "Muara Ninian")).toMatch(/pendaftaran selesai/);
  });

  it("says so when someone registered asks to register again", async () => {
    expect(await chat.say("ibu-2", "daftar")).toMatch(/sudah terdaftar sebagai Orang tua/);
  });

  it("ends a dialogue whose saved state no longer fits (an older version's) with an apology, and the person can start again", async () => {
    const from = "lama-8";
    await chat.send(from, "DAFTAR");
    await chat.send(from, "1");
    await chat.send(from, "1");
    const contact = await contactOf(chat, from);
    // As a deploy that renamed a field would leave it: the role step without its consent time.
    await chat.rt.db
      .update(conversationStates)
      .set({ step: "name", data: { agreedAt: "2026-01-01T00:00:00Z", role: "kader" } })
      .where(eq(conversationStates.contactId, contact!.id));
    expect(await chat.say(from, "Siti Aminah")).toMatch(/tidak bisa saya lanjutkan/);
    expect(await chat.rt.db.select().from(conversationStates).where(eq(conversationStates.contactId, contact!.id))).toEqual([]);
    expect(await chat.say(from, "daftar")).toMatch(/1\. Bahasa Indonesia|UU PDP/);
  });
});
