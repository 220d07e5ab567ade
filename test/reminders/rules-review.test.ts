// The reminder rules the Pokja reviewed, each driven end to end through the web chat API on a real database, the clock moved a day
// at a time and the reminder tick run as the job runs it.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverOutbox } from "../../src/channels/outbox.js";
import { contactChannels, contacts } from "../../src/contacts/contacts.sql.js";
import { posyandu } from "../../src/health-units/health-units.sql.js";
import { createWebChat, type WebChatHarness } from "../helpers/web-chat.js";
import { inbox, plusDays, registerAs, setWita, tick } from "./chat-helpers.js";

async function contactOf(chat: WebChatHarness, from: string) {
  const [row] = await chat.rt.db
    .select({ id: contacts.id, desaCode: contacts.desaCode })
    .from(contactChannels)
    .innerJoin(contacts, eq(contacts.id, contactChannels.contactId))
    .where(eq(contactChannels.address, chat.addressOf(from)));
  return row!;
}

/** Ticks at 09:00 WITA each day from `day` for `n` days; every text `from` received, in order. */
async function liveDays(chat: WebChatHarness, from: string, day: string, n: number): Promise<string[]> {
  const texts: string[] = [];
  for (let i = 0; i < n; i++) {
    setWita(chat, plusDays(`${day}T09:00`, i));
    if ((await tick(chat)).messages > 0) texts.push(...(await inbox(chat, from)).map((m) => m.text));
  }
  return texts;
}

/** SUDAH LAHIR on `birth` for a mother enrolled at 39 weeks. */
async function motherGaveBirth(chat: WebChatHarness, from: string, birth: string, name: string): Promise<void> {
  await registerAs(chat, from, "pregnant");
  await chat.say(from, "hamil 39 minggu");
  expect(await chat.say(from, `sudah lahir ${birth}`)).toMatch(/laki-laki atau perempuan/);
  await chat.say(from, "P");
  expect(await chat.say(from, name)).toMatch(/Selamat atas kelahiran/);
}

describe("reminder rules (issues 11 and 12)", () => {
  let chat: WebChatHarness;
  beforeAll(async () => {
    chat = await createWebChat({ now: "2026-01-24T23:00:00Z" }); // 25 January 2026, 07:00 WITA
  });
  afterAll(async () => chat?.close());

  it("judges vitamin A on the child's age at the February posyandu, not on the 1st (item 12)", async () => {
    const from = "vita-1";
    await registerAs(chat, from, "parent");
    const me = await contactOf(chat, from);
    const [unit] = await chat.rt.db
      .insert(posyandu)
      .values({ name: "Posyandu Dua Puluh", desaCode: me.desaCode!, dayOfMonth: 20 })
      .returning();
    await chat.rt.db.update(contacts).set({ posyanduId: unit!.id }).where(eq(contacts.id, me.id));
    // 11 months 22 days on 1 February, 12 months 10 days at the posyandu on 20 February: red.
    await chat.say(from, "10-02-2025");
    await chat.say(from, "Citra");
    await chat.say(from, "P");
    await chat.say(from, "tidak");
    await liveDays(chat, from, "2026-01-25", 7);
    // (Planned by the 09:00 tick of the 1st, after its send hour: it goes at the next tick.)
    const february = (await liveDays(chat, from, "2026-02-01", 2)).join("\n");
    expect(february).toMatch(/Citra \(12 bulan\) ada kapsul vitamin A merah/);
    expect(february).not.toMatch(/vitamin A biru/);
  });

  it("keeps the mother's KF reminders after her baby's death and points her to the bidan (item 4)", async () => {
    setWita(chat, "2026-03-02T07:00");
    const from = "kf-duka";
    await motherGaveBirth(chat, from, "02-03-2026", "Sari");
    await liveDays(chat, from, "2026-03-02", 1);
    setWita(chat, "2026-03-03T07:00");
    expect(await chat.say(from, "bayi meninggal")).toMatch(/Sari telah meninggal dunia\. Benarkah/);
    expect(await chat.say(from, "ya")).toMatch(/turut berduka[\s\S]*nifas untuk Ibu tetap kami kirim[\s\S]*bidan/);
    const later = (await liveDays(chat, from, "2026-03-03", 6)).join("\n");
    expect(later).toMatch(/KF2/);
    expect(later).not.toMatch(/Sari|imunisasi|KN2/);
  });

  it("answers at once past 41 weeks, and reminds at 40+0 and 41+0 while no birth is reported (item 5)", async () => {
    setWita(chat, "2026-03-02T07:00");
    await registerAs(chat, "lewat-1", "pregnant");
    expect(await chat.say("lewat-1", "hamil 41 minggu 2 hari")).toMatch(/sudah lewat HPL\. Segera ke bidan atau puskesmas HARI INI/);
    await registerAs(chat, "lewat-2", "pregnant");
    expect(await chat.say("lewat-2", "hamil 30 minggu")).not.toMatch(/lewat HPL/);
    expect(await chat.say("lewat-2", "HPHT 27-05-2025")).toMatch(/usia kehamilan 39 minggu 6 hari/);
    const texts = await liveDays(chat, "lewat-2", "2026-03-02", 10);
    expect(texts.filter((t) => /HPL sudah tiba dan bayi belum lahir/.test(t)).map((t) => /sudah (\d+) minggu: HPL/.exec(t)?.[1])).toEqual([
      "40",
      "41",
    ]);
  });

  it("sends the pregnancy danger signs at enrolment, and the newborn's with KN1, not weeks later (item 7)", async () => {
    setWita(chat, "2026-03-02T07:00");
    await registerAs(chat, "tanda-1", "pregnant");
    await chat.say("tanda-1", "hamil 10 minggu");
    const [first] = await liveDays(chat, "tanda-1", "2026-03-02", 1);
    expect(first).toMatch(/Kenali tanda bahaya kehamilan/);

    setWita(chat, "2026-03-02T07:00");
    await motherGaveBirth(chat, "tanda-2", "02-03-2026", "Ani");
    const texts = await liveDays(chat, "tanda-2", "2026-03-02", 28);
    expect(texts[0]).toMatch(/KN1[\s\S]*tali pusat[\s\S]*Tanda bahaya bayi baru lahir/);
    expect(texts.slice(1).filter((t) => /tali pusat|Tanda bahaya bayi/.test(t))).toEqual([]);
  });

  it("lists the missed doses once for a child enrolled late, within the age limits, and keeps them remindable (item 8)", async () => {
    setWita(chat, "2026-03-02T07:00");
    const from = "kejar-1";
    await registerAs(chat, from, "parent");
    await chat.say(from, "02-09-2025"); // 6 months today
    await chat.say(from, "Bayu");
    await chat.say(from, "L");
    await chat.say(from, "tidak");
    const [text] = await liveDays(chat, from, "2026-03-02", 1);
    expect(text).toMatch(/jadwal imunisasi ini untuk Bayu sudah lewat: BCG, Polio tetes \(OPV\) 1, DPT-HB-Hib 1/);
    expect(text).toMatch(/Rotavirus 2[\s\S]*Rotavirus 3[\s\S]*imunisasi kejar/);
    // Rotavirus 1 now could not be followed by two more doses before 6 months 29 days; HB-0 is only for newborns.
    expect(text).not.toMatch(/Rotavirus 1|HB-0/);
    expect(await chat.say(from, "belum")).toMatch(/ingatkan lagi 3 hari lagi/);
    const again = (await liveDays(chat, from, "2026-03-03", 4)).join("\n");
    expect(again).toMatch(/Apakah imunisasi Bayu sudah dicek di Buku KIA dan dikejar/);

    // A dose's date is the best time, not a deadline.
    setWita(chat, "2026-03-07T07:00");
    await registerAs(chat, "kejar-2", "parent");
    await chat.say("kejar-2", "07-01-2026");
    await chat.say("kejar-2", "Rudi");
    await chat.say("kejar-2", "L");
    await chat.say("kejar-2", "tidak");
    const [due] = await liveDays(chat, "kejar-2", "2026-03-07", 1);
    expect(due).toMatch(
      /imunisasi DPT-HB-Hib 1[\s\S]*paling baik sebelum 6 April 2026[\s\S]*Kalau terlewat, tetap datang: imunisasi masih bisa dikejar/,
    );
  });

  it("still reminds HB-0, as soon as possible, when the birth is reported on day 3 (item 9)", async () => {
    setWita(chat, "2026-03-05T07:00");
    await motherGaveBirth(chat, "hb0-1", "02-03-2026", "Dodi");
    const [text] = await liveDays(chat, "hb0-1", "2026-03-05", 1);
    expect(text).toMatch(/Imunisasi HB-0 \(hepatitis B\) untuk Dodi diberikan secepatnya[\s\S]*sampai umur 7 hari \(9 Maret 2026\)/);
  });

  it("switches TTD to the anaemia text when a kader records low Hb, and tells the mother her result", async () => {
    setWita(chat, "2026-03-09T07:00");
    const mother = "hb-ibu";
    await registerAs(chat, mother, "pregnant");
    await chat.say(mother, "hamil 10 minggu");
    const me = await contactOf(chat, mother);
    await chat.rt.db.update(contactChannels).set({ phone: "6285211112222" }).where(eq(contactChannels.contactId, me.id));
    const kader = "hb-kader";
    await registerAs(chat, kader, "kader");
    await chat.rt.db
      .update(contacts)
      .set({ kaderStatus: "active", desaCode: me.desaCode })
      .where(eq(contacts.id, (await contactOf(chat, kader)).id));

    expect(await chat.say(kader, "HAMIL 085211112222 LILA 22 HB 10,5")).toMatch(/Hb 10,5 g\/dL/);
    await deliverOutbox(chat.rt, chat.hub);
    const told = (await inbox(chat, mother)).map((m) => m.text).join("\n");
    expect(told).toMatch(/LiLA 22,0 cm: di bawah 23,5 cm[\s\S]*Hb 10,5 g\/dL: rendah \(anemia\)\. Minum tablet tambah darah/);
    const week = (await liveDays(chat, mother, "2026-03-09", 8)).join("\n");
    expect(week).toMatch(/Hasil Hb Ibu rendah \(anemia\)/);
    expect(week).not.toMatch(/Pengingat minggu ini: minum 1 tablet tambah darah/);
  });

  it("keeps the second re-reminder after TUNDA twice, and asks which item SUDAH closes", async () => {
    setWita(chat, "2026-03-09T07:00");
    const from = "tunda-1";
    await registerAs(chat, from, "pregnant");
    await chat.say(from, "hamil 10 minggu");
    expect((await liveDays(chat, from, "2026-03-09", 1)).join("\n")).toMatch(/periksa kehamilan K1/);
    expect(await chat.say(from, "tunda")).toMatch(/ingatkan lagi 3 hari lagi/);
    expect(await chat.say(from, "tunda")).toMatch(/kami ingatkan lagi tanggal 12 Maret 2026/);
    expect((await liveDays(chat, from, "2026-03-10", 3)).join("\n")).toMatch(/sudah periksa kehamilan K1/);
    expect(await chat.say(from, "tunda")).toMatch(/ingatkan lagi 3 hari lagi/);

    // Day 0 after a birth: KF1 for the mother, KN1 and HB-0 for the baby, in one message.
    setWita(chat, "2026-03-09T07:00");
    const mom = "sudah-mana";
    await motherGaveBirth(chat, mom, "09-03-2026", "Lina");
    expect((await liveDays(chat, mom, "2026-03-09", 1)).join("\n")).toMatch(/KF1[\s\S]*KN1[\s\S]*HB-0/);
    const [question] = await chat.send(mom, "sudah");
    expect(question?.text).toMatch(/Yang mana yang sudah/);
    const labels = (question?.buttons ?? []).map((b) => b.label);
    expect(labels).toEqual(["kunjungan nifas KF1", "kunjungan neonatal KN1 (Lina)", "imunisasi HB-0 (Lina)", "Semua sudah"]);
    expect(await chat.say(mom, { payload: question!.buttons![2]!.payload })).toMatch(/sudah kami catat: imunisasi HB-0 \(Lina\)/);
    // KN1 and KF1 are still open: their "sudah?" follows; HB-0's does not.
    const next = (await liveDays(chat, mom, "2026-03-10", 3)).join("\n");
    expect(next).toMatch(/Apakah Lina sudah diperiksa bidan \(KN1\)/);
    expect(next).not.toMatch(/imunisasi HB-0/);
  });
});
