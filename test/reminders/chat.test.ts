// The reminder dialogues through the web chat: enrolment (HPHT, HPL, weeks; children by date or
// by a kader's code), corrections, loss, opting out, and the kader's TERLAMBAT list.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { children, insertChild, pregnancies } from "../../src/children/index.js";
import { contactChannels, contacts } from "../../src/contacts/contacts.sql.js";
import { posyandu } from "../../src/health-units/health-units.sql.js";
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

/** Ticks at 09:00 WITA each day from `day` for `n` days; returns every text received by `from`. */
async function liveDays(chat: WebChatHarness, from: string, day: string, n: number): Promise<string[]> {
  const texts: string[] = [];
  for (let i = 0; i < n; i++) {
    setWita(chat, `${plusDays(`${day}T09:00`, i)}`);
    if ((await tick(chat)).messages > 0) texts.push(...(await inbox(chat, from)).map((m) => m.text));
  }
  return texts;
}

describe("reminder dialogues", () => {
  let chat: WebChatHarness;
  beforeAll(async () => {
    chat = await createWebChat({ now: "2026-03-01T23:00:00Z" }); // 2 March 2026, 07:00 WITA
  });
  afterAll(async () => chat?.close());

  it("reads HPL and weeks of pregnancy, and asks again for what it cannot read", async () => {
    await registerAs(chat, "hpl-1", "pregnant");
    expect(await chat.say("hpl-1", "kapan ya")).toMatch(/belum bisa kami baca/);
    expect(await chat.say("hpl-1", "HPL 6 des 2026")).toMatch(/HPHT 1 Maret 2026, perkiraan lahir \(HPL\) 6 Desember 2026/);

    await registerAs(chat, "mgg-1", "pregnant");
    expect(await chat.say("mgg-1", "hamil 20 mgg")).toMatch(/Usia kehamilan sekarang 20 minggu 0 hari/);

    await registerAs(chat, "tau-1", "pregnant");
    expect(await chat.say("tau-1", "tidak tahu")).toMatch(/Tanyakan HPHT atau HPL ke bidan/);
    expect(await chat.say("tau-1", "12-12-2027")).not.toMatch(/tercatat/); // the dialogue is over: no enrolment
    expect(await chat.say("tau-1", "HPHT 12-12-2027")).toMatch(/tidak cocok untuk kehamilan/);
    expect(await chat.say("tau-1", "HPHT 12-12-2025")).toMatch(/HPHT 12 Desember 2025/);
  });

  it("moves all future reminders when the HPHT is corrected, without repeating what was sent", async () => {
    const from = "koreksi-1";
    await registerAs(chat, from, "pregnant");
    expect(await chat.say(from, "hamil 10 minggu")).toMatch(/10 minggu 0 hari/);
    const [first] = await liveDays(chat, from, "2026-03-02", 1);
    expect(first).toMatch(/periksa kehamilan K1/);
    setWita(chat, "2026-03-03T07:00");
    // The bidan's USG says 14 weeks: K2 (from 12 weeks + 1 day) is due now; K1 is not sent again.
    expect(await chat.say(from, "hpht 25-11-2025")).toMatch(
      /Sudah kami ubah: HPHT 25 November 2025, HPL 1 September 2026 \(usia kehamilan 14 minggu 0 hari\)/,
    );
    const after = await liveDays(chat, from, "2026-03-03", 10);
    expect(after.join("\n")).toMatch(/periksa kehamilan K2/);
    expect(after.join("\n")).not.toMatch(/periksa kehamilan K1/);
    const [plan] = await chat.rt.db
      .select()
      .from(reminderPlans)
      .where(eq(reminderPlans.contactId, await contactId(chat, from)));
    expect(plan?.anchor).toBe("2025-11-25");
  });

  it("enrols a parent's children in Banjar, by birth date and by a kader's code, each with its own schedule", async () => {
    setWita(chat, "2026-03-02T07:00");
    // The kader recorded the father's phone; his chat carries that number (as WhatsApp gives it).
    const kaderChild = await insertChild(chat.rt.db, { name: "Rina", sex: "P", birthDate: "2025-09-02", parentPhone: "6281355550001" });
    const from = "abah-1";
    expect(await registerAs(chat, from, "parent", "2")).toMatch(/tanggal lahir anak pian/);
    await chat.rt.db
      .update(contactChannels)
      .set({ phone: "6281355550001" })
      .where(eq(contactChannels.contactId, await contactId(chat, from)));
    expect(await chat.say(from, "2 januari 2026")).toMatch(/Siapa ngaran anaknya/);
    expect(await chat.say(from, "Ahmad")).toMatch(/Ahmad lakian atawa binian/);
    expect(await chat.say(from, "lakian")).toMatch(/Hudah ulun catat: Ahmad, lahir 2 Januari 2026, kode anak [A-Z2-9]{6}.*Ada anak lain/s);
    expect(await chat.say(from, "1")).toMatch(/Kirim tanggal lahir anak nang lainnya/);
    expect(await chat.say(from, kaderChild.code.toLowerCase())).toMatch(/tasambung lawan data Rina \(lahir 2 September 2025\)/);
    expect(await chat.say(from, { payload: "no" })).toMatch(/TAMBAH ANAK/);

    const plans = await chat.rt.db
      .select()
      .from(reminderPlans)
      .where(eq(reminderPlans.contactId, await contactId(chat, from)));
    expect(plans.map((p) => p.anchor).sort()).toEqual(["2025-09-02", "2026-01-02"]);
    // Ahmad is 2 months old today (DPT-HB-Hib 1 …), Rina 6 months (MP-ASI starts): one message, both names.
    setWita(chat, "2026-03-02T09:00");
    await tick(chat);
    const messages = await inbox(chat, from);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toMatch(/^Pangingat/);
    expect(messages[0]?.text).toMatch(/imunisasi DPT-HB-Hib 1, Polio tetes \(OPV\) 2, PCV 1, Rotavirus 1 hagan Ahmad/);
    expect(messages[0]?.text).toMatch(/Umur Rina hudah 6 bulan: wayahnya bamula MP-ASI/);
  });

  it("KEGUGURAN is confirmed first, answered with compassion, and ends every pregnancy reminder", async () => {
    setWita(chat, "2026-03-02T07:00");
    const from = "duka-1";
    await registerAs(chat, from, "pregnant");
    await chat.say(from, "hamil 8 minggu");
    expect(await chat.say(from, "keguguran")).toMatch(/kehamilan ini berakhir \(keguguran\)\. Benarkah\?/);
    expect(await chat.say(from, { payload: "yes" })).toMatch(/turut berduka/);
    const [pregnancy] = await chat.rt.db
      .select()
      .from(pregnancies)
      .where(eq(pregnancies.contactId, await contactId(chat, from)));
    expect(pregnancy?.status).toBe("lost");
    expect(await liveDays(chat, from, "2026-03-02", 40)).toEqual([]);
  });

  it("BAYI MENINGGAL stops the child's reminders after confirmation; 'tidak' keeps them", async () => {
    setWita(chat, "2026-03-02T07:00");
    const from = "duka-2";
    await registerAs(chat, from, "parent");
    await chat.say(from, "01-03-2026");
    await chat.say(from, "Budi");
    await chat.say(from, "L");
    await chat.say(from, "tidak");
    expect(await chat.say(from, "bayi meninggal")).toMatch(/Budi telah meninggal dunia\. Benarkah\?/);
    expect(await chat.say(from, "tidak")).toMatch(/tidak ada yang kami ubah/);
    expect(await chat.say(from, "bayi meninggal")).toMatch(/Benarkah/);
    expect(await chat.say(from, "ya")).toMatch(/turut berduka .* kepergian buah hati/);
    const [child] = await chat.rt.db.select().from(children).where(eq(children.name, "Budi"));
    expect(child?.remindersStoppedAt).toBeInstanceOf(Date);
    expect(await liveDays(chat, from, "2026-03-02", 40)).toEqual([]);
  });

  it("sends nothing to a person who opted out (BERHENTI), and resumes after MULAI", async () => {
    setWita(chat, "2026-03-02T07:00");
    const from = "stop-1";
    await registerAs(chat, from, "pregnant");
    await chat.say(from, "hamil 10 minggu");
    await chat.send(from, "BERHENTI");
    await chat.send(from, { payload: "yes" });
    await chat.send(from, "1");
    expect(await liveDays(chat, from, "2026-03-02", 14)).toEqual([]);
    const fires = await chat.rt.db
      .select()
      .from(reminderFires)
      .where(eq(reminderFires.contactId, await contactId(chat, from)));
    expect(fires.length).toBeGreaterThan(0);
    expect(fires.every((f) => f.status === "skipped" || f.status === "pending")).toBe(true);
    setWita(chat, "2026-03-16T07:00");
    await chat.send(from, "MULAI");
    expect((await liveDays(chat, from, "2026-03-16", 7)).length).toBeGreaterThan(0);
  });

  it("answers SUDAH with nothing to confirm politely", async () => {
    await registerAs(chat, "sdh-1", "pregnant");
    expect(await chat.say("sdh-1", "tidak tahu")).toMatch(/bidan/);
    expect(await chat.say("sdh-1", "sudah")).toMatch(/tidak ada pengingat yang menunggu jawaban/);
  });

  it("lists, for an active kader, the children of the posyandu whose immunisation is overdue", async () => {
    setWita(chat, "2026-03-02T07:00");
    const [desa] = await chat.rt.db
      .select({ desaCode: contacts.desaCode })
      .from(contacts)
      .where(eq(contacts.id, await contactId(chat, "duka-2")));
    const [unit] = await chat.rt.db
      .insert(posyandu)
      .values({ name: "Posyandu Anggrek", desaCode: desa!.desaCode!, dayOfMonth: 12 })
      .returning();
    const mother = "telat-1";
    await registerAs(chat, mother, "parent");
    // The kader recorded the mother's phone, which her chat carries: her code links.
    const child = await insertChild(chat.rt.db, {
      name: "Sari",
      sex: "P",
      birthDate: "2026-02-01",
      posyanduId: unit!.id,
      parentPhone: "6281355550002",
    });
    await chat.rt.db
      .update(contactChannels)
      .set({ phone: "6281355550002" })
      .where(eq(contactChannels.contactId, await contactId(chat, mother)));
    await chat.say(mother, child.code);
    await chat.say(mother, "tidak");
    // BCG window (1 month − 7 days … 2 months − 1 day) passes with a reminder and no SUDAH.
    await liveDays(chat, mother, "2026-03-02", 35);

    const kader = "kader-telat";
    await registerAs(chat, kader, "kader");
    expect(await chat.say(kader, "TERLAMBAT")).toMatch(/hanya untuk kader posyandu yang sudah aktif/);
    await chat.rt.db
      .update(contacts)
      .set({ kaderStatus: "active", posyanduId: unit!.id })
      .where(eq(contacts.id, await contactId(chat, kader)));
    const list = await chat.say(kader, "terlambat");
    expect(list).toMatch(/Terlambat di Posyandu Anggrek/);
    expect(list).toMatch(
      new RegExp(`Sari \\(${child.code}\\): imunisasi BCG, Polio tetes \\(OPV\\) 1|Sari \\(${child.code}\\): imunisasi BCG`),
    );
    expect(await chat.say(mother, "terlambat")).toMatch(/hanya untuk kader/);
  });

  it("lists, for the kader, pregnant women of the posyandu whose check-up is overdue", async () => {
    setWita(chat, "2026-04-06T07:00");
    const [unit] = await chat.rt.db.select().from(posyandu).where(eq(posyandu.name, "Posyandu Anggrek"));
    const mother = "telat-hamil";
    await registerAs(chat, mother, "pregnant");
    await chat.rt.db
      .update(contacts)
      .set({ posyanduId: unit!.id })
      .where(eq(contacts.id, await contactId(chat, mother)));
    expect(await chat.say(mother, "hamil 8 minggu")).toMatch(/Usia kehamilan sekarang 8 minggu/);
    // K1 (trimester I) is reminded and its window ends at 12 weeks with no SUDAH.
    await liveDays(chat, mother, "2026-04-06", 40);
    const list = await chat.say("kader-telat", "TERLAMBAT");
    expect(list).toMatch(/Ibu hamil \(HPL \d+ \S+ 2026\): periksa kehamilan K1/);
  });
});
