// A child's code is on paper and in chats: typing it must never link a stranger to the child, nor
// tell them whether the code exists. A parent is linked by the phone the kader recorded (a number
// the channel vouches for) or when the kader of the posyandu confirms a link request.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { children } from "../../src/children/children.sql.js";
import { insertChild } from "../../src/children/index.js";
import { deliverOutbox } from "../../src/channels/outbox.js";
import { contactChannels } from "../../src/contacts/contacts.sql.js";
import { createWebChat, type WebChatHarness } from "../helpers/web-chat.js";
import { BATU_PIRING, codeIn, contactOf, makeKader, paced, seedGrowthWorld, type GrowthWorld } from "../growth/helpers.js";
import { registerAs } from "../reminders/chat-helpers.js";

let chat: WebChatHarness;
let world: GrowthWorld;
const KADER = "kader-melati";

async function kaderRegisters(name: string, phone: string): Promise<string> {
  await chat.send(KADER, "ANAK BARU");
  await chat.send(KADER, name);
  await chat.send(KADER, "2");
  await chat.send(KADER, "12 Maret 2025");
  await chat.send(KADER, "Siti Aminah");
  await chat.send(KADER, phone);
  await chat.send(KADER, "lewati");
  return codeIn(await chat.say(KADER, "1"));
}

async function child(code: string) {
  const [row] = await chat.rt.db.select().from(children).where(eq(children.code, code));
  if (!row) throw new Error(`no child ${code}`);
  return row;
}

/** A web chat person whose channel carries a verified phone (as WhatsApp or a shared Telegram contact leaves it). */
async function withPhone(from: string, phone: string): Promise<void> {
  await chat.send(from, "halo");
  const me = await contactOf(chat, from);
  await chat.rt.db.update(contactChannels).set({ phone }).where(eq(contactChannels.contactId, me.id));
}

/** Sends what the outbox job would send, then reads the person's web mailbox. */
async function inbox(from: string): Promise<string> {
  await deliverOutbox(chat.rt, chat.hub);
  return (await chat.inbox(from)).map((r) => r.text).join("\n");
}

beforeAll(async () => {
  chat = paced(await createWebChat());
  world = await seedGrowthWorld(chat);
  await makeKader(chat, KADER, world.posyandu.melati, "id");
});
afterAll(async () => {
  await chat?.close();
});

describe("linking a parent to a kader-registered child", () => {
  let nurCode = "";

  it("gives new children a 6-character code that kader reports read", async () => {
    nurCode = await kaderRegisters("Nur Aisyah", "081234500001");
    expect(nurCode).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    expect(await chat.say(KADER, `UKUR ${nurCode} BB 8,2 TB 72,5`)).toMatch(/Nur Aisyah/);
    expect(await chat.say(KADER, `RIWAYAT ${nurCode}`)).toMatch(/Nur Aisyah/);
  });

  it("an attacker trying right and wrong codes is never linked and learns nothing", async () => {
    await withPhone("attacker", "6289999999999");
    await registerAs(chat, "attacker", "parent");
    const answers: string[] = [];
    for (const code of [nurCode, "ZZ9ZZ9", "A7K2", `KODE ${nurCode}`]) answers.push(await chat.say("attacker", code));
    // One answer whatever the code: no name, no "not found", no "taken".
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toMatch(/kode saja tidak cukup/);
    expect(answers[0]).not.toMatch(/Nur Aisyah|tidak kami temukan|sudah terhubung|Terhubung/);
    expect((await child(nurCode)).parentContactId).toBeNull();
    // The sixth code within the hour is refused unread, the right one too.
    await chat.send("attacker", "QQ2QQ2");
    const limited = await chat.say("attacker", nurCode);
    expect(limited).toMatch(/terlalu banyak kode/);
    expect((await child(nurCode)).parentContactId).toBeNull();
    expect(await inbox("attacker")).not.toMatch(/Nur Aisyah/);
  });

  it("the kader is asked once per request and a refusal links nobody", async () => {
    const asked = await inbox(KADER);
    const number = /SETUJU ANAK L-(\d+)/.exec(asked)?.[1];
    expect(number).toBeDefined();
    expect(asked).toMatch(/Nur Aisyah/);
    // Somebody else cannot decide it.
    await chat.send("attacker", "BATAL");
    expect(await chat.say("attacker", `SETUJU ANAK L-${number}`)).toMatch(/tidak ditemukan/);
    expect(await chat.say(KADER, `TOLAK ANAK L-${number}`)).toMatch(/ditolak/);
    expect((await child(nurCode)).parentContactId).toBeNull();
    expect(await inbox("attacker")).not.toMatch(/Nur Aisyah/);
  });

  it("a parent registering after the kader recorded their phone is linked by that phone", async () => {
    await withPhone("ibu-nur", "6281234500001");
    const enrol = await registerAs(chat, "ibu-nur", "parent");
    expect(enrol).toMatch(/Data Nur Aisyah .* yang dicatat kader dengan nomor HP Anda kini terhubung/);
    const me = await contactOf(chat, "ibu-nur");
    expect((await child(nurCode)).parentContactId).toBe(me.id);
  });

  it("a parent with the recorded phone links by typing the code, old 4-character codes too", async () => {
    const old = await insertChild(chat.rt.db, {
      name: "Rahmat",
      sex: "L",
      birthDate: "2025-01-02",
      parentPhone: "6281234500002",
      desaCode: BATU_PIRING,
      posyanduId: world.posyandu.melati,
    });
    await chat.rt.db.update(children).set({ code: "A7K2" }).where(eq(children.id, old.id));
    await registerAs(chat, "abah-rahmat", "parent");
    await chat.rt.db
      .update(contactChannels)
      .set({ phone: "6281234500002" })
      .where(eq(contactChannels.contactId, (await contactOf(chat, "abah-rahmat")).id));
    expect(await chat.say("abah-rahmat", "a7k2")).toMatch(/Terhubung dengan data Rahmat/);
    expect((await child("A7K2")).parentContactId).toBe((await contactOf(chat, "abah-rahmat")).id);
  });

  it("a parent without the recorded phone is linked once the kader confirms", async () => {
    const code = await kaderRegisters("Zahra", "lewati");
    await registerAs(chat, "ibu-zahra", "parent");
    expect(await chat.say("ibu-zahra", code)).toMatch(/kode saja tidak cukup/);
    expect((await child(code)).parentContactId).toBeNull();
    const number = /SETUJU ANAK L-(\d+)/.exec(await inbox(KADER))?.[1];
    expect(await chat.say(KADER, `SETUJU ANAK L-${number}`)).toMatch(/disetujui/);
    expect((await child(code)).parentContactId).toBe((await contactOf(chat, "ibu-zahra")).id);
    expect(await inbox("ibu-zahra")).toMatch(/kini terhubung dengan data Zahra/);
  });
});
