// JAM through the web chat on the real database: a family picks the hour, reminders already
// planned move to it, the next ones are planned at it, plans made later keep it, and quiet hours,
// nonsense and people with nothing enrolled get a clear answer.
import { and, eq } from "drizzle-orm";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contactChannels } from "../../src/contacts/contacts.sql.js";
import { reminderFires, reminderPlans } from "../../src/reminders/reminders.sql.js";
import { createWebChat, type WebChatHarness } from "../helpers/web-chat.js";
import { inbox, plusDays, registerAs, setWita, tick } from "./chat-helpers.js";

async function contactId(chat: WebChatHarness, from: string): Promise<string> {
  const [row] = await chat.rt.db
    .select({ id: contactChannels.contactId })
    .from(contactChannels)
    .where(eq(contactChannels.address, chat.addressOf(from)));
  return row!.id;
}

async function plansOf(chat: WebChatHarness, from: string) {
  return chat.rt.db
    .select()
    .from(reminderPlans)
    .where(eq(reminderPlans.contactId, await contactId(chat, from)));
}

/** Local WITA "HH:mm" of the contact's pending reminders. */
async function pendingTimes(chat: WebChatHarness, from: string): Promise<string[]> {
  const rows = await chat.rt.db
    .select({ sendAt: reminderFires.sendAt })
    .from(reminderFires)
    .where(and(eq(reminderFires.contactId, await contactId(chat, from)), eq(reminderFires.status, "pending")));
  return rows.map((r) => DateTime.fromJSDate(r.sendAt, { zone: "Asia/Makassar" }).toFormat("HH:mm"));
}

async function tickAt(chat: WebChatHarness, from: string, local: string): Promise<string[]> {
  setWita(chat, local);
  return (await tick(chat)).messages > 0 ? (await inbox(chat, from)).map((m) => m.text) : [];
}

describe("JAM: the hour reminders come", () => {
  let chat: WebChatHarness;
  beforeAll(async () => {
    chat = await createWebChat({ now: "2026-02-28T23:00:00Z" }); // 1 March 2026, 07:00 WITA
  });
  afterAll(async () => chat?.close());

  const MOM = "jam-ibu";

  it("moves today's planned reminder and plans the next ones at the chosen hour", async () => {
    await registerAs(chat, MOM, "pregnant");
    // K1 is due today, planned at once for 08:00–08:30.
    expect(await chat.say(MOM, "1/2/26")).toMatch(/sekitar jam 08\.00 WITA; untuk jam lain kirim JAM/);
    expect((await pendingTimes(chat, MOM)).every((t) => t >= "08:00" && t < "08:30")).toBe(true);

    expect(await chat.say(MOM, "JAM")).toMatch(/Pengingat kami kirim sekitar jam 08\.00 WITA\. Mau jam lain\?.*jam 06\.00 sampai 20\.00/s);
    expect(await chat.say(MOM, "JAM 17")).toMatch(/mulai sekarang pengingat kami kirim sekitar jam 17\.00 WITA/);
    expect((await plansOf(chat, MOM)).map((p) => p.sendHour)).toEqual([17]);
    const moved = await pendingTimes(chat, MOM);
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.every((t) => t >= "17:00" && t < "17:30")).toBe(true);
    expect(await chat.say(MOM, "jam")).toMatch(/sekitar jam 17\.00 WITA/);

    // Not at 08:xx any more; before 17:00 nothing, by 17:30 the K1 reminder.
    expect(await tickAt(chat, MOM, "2026-03-01T09:00")).toEqual([]);
    expect(await tickAt(chat, MOM, "2026-03-01T16:59")).toEqual([]);
    expect((await tickAt(chat, MOM, "2026-03-01T17:30")).join("\n")).toMatch(/periksa kehamilan K1/);

    // Across the next due days (weekly TTD from week 5): every reminder arrives 17:00–17:30.
    const morning: string[] = [];
    const evening: string[] = [];
    for (let i = 1; i <= 14; i++) {
      const day = plusDays("2026-03-01T00:00", i).slice(0, 10);
      morning.push(...(await tickAt(chat, MOM, `${day}T09:00`)));
      morning.push(...(await tickAt(chat, MOM, `${day}T16:59`)));
      evening.push(...(await tickAt(chat, MOM, `${day}T17:30`)));
    }
    expect(morning).toEqual([]);
    expect(evening.join("\n")).toMatch(/tablet tambah darah/);
    const sent = await chat.rt.db
      .select({ sendAt: reminderFires.sendAt })
      .from(reminderFires)
      .where(and(eq(reminderFires.contactId, await contactId(chat, MOM)), eq(reminderFires.status, "sent")));
    expect(sent.length).toBeGreaterThan(1);
    for (const f of sent) expect(DateTime.fromJSDate(f.sendAt, { zone: "Asia/Makassar" }).toFormat("HH:mm")).toMatch(/^17:[0-2]\d$/);
  });

  it("refuses quiet hours and nonsense, saying which hours may be chosen, and keeps the hour", async () => {
    setWita(chat, "2026-03-16T07:00");
    const quiet = await chat.say(MOM, "jam 10 malam");
    expect(quiet).toMatch(/Jam 22\.00 termasuk jam istirahat malam \(21\.00–06\.00\).*Pilih jam 06\.00 sampai 20\.00/s);
    expect(quiet).not.toMatch(/maksudnya/);
    // "JAM 5" is in quiet hours, and probably meant 17.00.
    expect(await chat.say(MOM, "JAM 5")).toMatch(/Jam 05\.00 termasuk jam istirahat malam.*\nKalau maksudnya jam 17\.00, kirim JAM 17\./s);
    expect(await chat.say(MOM, "jam 25")).toMatch(/jamnya belum bisa kami baca.*dari 06 sampai 20/s);
    expect(await chat.say(MOM, "jam 7.30")).toMatch(/jamnya belum bisa kami baca/);
    // A question is a question, not the command.
    expect(await chat.say(MOM, "jam berapa posyandu buka?")).not.toMatch(/Pengingat kami kirim|belum bisa kami baca|jam istirahat/);
    expect((await plansOf(chat, MOM)).map((p) => p.sendHour)).toEqual([17]);
  });

  it("keeps the chosen hour for the plans SUDAH LAHIR starts", async () => {
    setWita(chat, "2026-03-16T07:00");
    await chat.say(MOM, "ganti jam 6 sore");
    await chat.say(MOM, "sudah lahir");
    await chat.say(MOM, "hari ini");
    await chat.say(MOM, "P");
    expect(await chat.say(MOM, "Ani")).toMatch(/Selamat atas kelahiran Ani/);
    const plans = await plansOf(chat, MOM);
    expect(plans.map((p) => [p.programme, p.status, p.sendHour]).sort()).toEqual([
      ["child", "active", 18],
      ["postnatal", "active", 18],
      ["pregnancy", "stopped", 18],
    ]);
    // KF1 and KN1 are due today: planned at 18:00–18:30.
    const times = await pendingTimes(chat, MOM);
    expect(times.length).toBeGreaterThan(0);
    expect(times.every((t) => t >= "18:00" && t < "18:30")).toBe(true);
    // At 10:00 she picks 09: today's 09:00 has passed, so today's reminders go at once, not tomorrow.
    setWita(chat, "2026-03-16T10:00");
    expect(await chat.say(MOM, "jam 9 pagi")).toMatch(/sekitar jam 09\.00 WITA/);
    expect((await pendingTimes(chat, MOM)).every((t) => t >= "10:00" && t < "10:30")).toBe(true);
    expect((await tickAt(chat, MOM, "2026-03-16T10:30")).join("\n")).toMatch(/KF1/);
  });

  it("keeps the hour for a child added later, in Banjar, and says it when enrolling", async () => {
    setWita(chat, "2026-03-02T07:00");
    const from = "jam-abah";
    await registerAs(chat, from, "parent", "2");
    await chat.say(from, "2 januari 2026");
    await chat.say(from, "Ahmad");
    await chat.say(from, "lakian");
    expect(await chat.say(from, "kada")).toMatch(/kira-kira jam 08\.00 WITA; hagan jam lain kirim JAM wan jamnya/);
    expect(await chat.say(from, "jam 5 sanja")).toMatch(/mulai wayah ini pangingat ulun kirim kira-kira jam 17\.00 WITA/);
    expect(await chat.say(from, "jam 11 malam")).toMatch(/Jam 23\.00 masuk jam guring \(21\.00–06\.00\)/);
    // A second child, added with TAMBAH ANAK.
    await chat.say(from, "tambah anak");
    for (const answer of ["01-02-2026", "Aluh", "P", "kada"]) await chat.say(from, answer);
    expect((await plansOf(chat, from)).map((p) => p.sendHour)).toEqual([17, 17]);
  });

  it("keeps the hour after a loss, for the next pregnancy, and says it in the confirmation", async () => {
    setWita(chat, "2026-03-02T07:00");
    const from = "jam-duka";
    await registerAs(chat, from, "pregnant");
    await chat.say(from, "hamil 8 minggu");
    await chat.say(from, "jam 19");
    await chat.say(from, "keguguran");
    await chat.say(from, "ya");
    expect(await chat.say(from, "JAM")).toMatch(/Belum ada pengingat yang berjalan untuk Anda/);
    setWita(chat, "2026-05-04T07:00");
    expect(await chat.say(from, "HPHT 20-04-2026")).toMatch(/sekitar jam 19\.00 WITA/);
    expect((await plansOf(chat, from)).map((p) => [p.status, p.sendHour]).sort()).toEqual([
      ["active", 19],
      ["stopped", 19],
    ]);
  });

  it("tells a person with no reminders that there is nothing to change yet", async () => {
    expect(await chat.say("jam-tamu", "JAM 17")).toMatch(/daftar dulu ya: ketik DAFTAR/);
    await registerAs(chat, "jam-baru", "parent");
    await chat.say("jam-baru", "BATAL");
    expect(await chat.say("jam-baru", "jam 17")).toMatch(
      /Belum ada pengingat yang berjalan untuk Anda, jadi belum ada jam yang bisa diganti/,
    );
    expect(await plansOf(chat, "jam-baru")).toEqual([]);
    await registerAs(chat, "jam-kader", "kader");
    expect(await chat.say("jam-kader", "JAM")).toMatch(/belum ada jam yang bisa diganti/);
  });

  it("lists JAM in the menu and help", async () => {
    expect(await chat.say("jam-tamu", "MENU")).toMatch(/JAM – pilih jam pengingat/);
    expect(await chat.say("jam-tamu", "bantuan")).toMatch(/Perintah: .*JAM/);
  });
});
