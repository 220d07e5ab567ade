// A kader's posyandu morning on the web chat API over a real database: registering children
// (twins too), reports one per line, implausible values, BATAL UKUR, RIWAYAT, N/T/2T across
// months, referrals to the puskesmas chat and growth messages to consenting parents.
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffAccounts, staffChatLinks } from "../../src/admin/index.js";
import { children, pregnancies } from "../../src/children/children.sql.js";
import { contacts, conversationStates } from "../../src/contacts/contacts.sql.js";
import { maternalMeasurements, measurements, referrals } from "../../src/growth/growth.sql.js";
import { remindOpenReferrals } from "../../src/growth/referrals.js";
import { createWebChat, type WebChatHarness } from "../helpers/web-chat.js";
import { BATU_PIRING, codeIn, contactOf, makeKader, makeParent, paced, queued, seedGrowthWorld, type GrowthWorld } from "./helpers.js";

const DAY = 24 * 60 * 60_000;

async function childByCode(chat: WebChatHarness, code: string) {
  const [row] = await chat.rt.db.select().from(children).where(eq(children.code, code));
  if (!row) throw new Error(`no child ${code}`);
  return row;
}

async function liveMeasurements(chat: WebChatHarness, childId: string) {
  return chat.rt.db
    .select()
    .from(measurements)
    .where(and(eq(measurements.childId, childId), isNull(measurements.cancelledAt)));
}

// One database for the file (a fresh one costs seconds): the describes use different kader,
// children and posyandu, and run in order.
let chat: WebChatHarness;
let world: GrowthWorld;

beforeAll(async () => {
  chat = paced(await createWebChat());
  world = await seedGrowthWorld(chat);
});
afterAll(async () => {
  await chat?.close();
});

describe("a kader's posyandu morning in Indonesian", () => {
  const kader = "kader-melati";
  const codes = { budi: "", hasan: "", husin: "" };

  beforeAll(async () => {
    await makeParent(chat, "ibu-budi", "6281234567890", "id", true);
    await makeParent(chat, "ibu-hasan", "6281311112222", "id", false);
  });

  it("registers as kader through DAFTAR and waits for approval before reporting", async () => {
    await chat.send(kader, "DAFTAR");
    await chat.send(kader, "1"); // Bahasa Indonesia
    await chat.send(kader, "1"); // setuju
    await chat.send(kader, "kader");
    await chat.send(kader, "Siti Aminah");
    await chat.send(kader, "Batu Piring");
    await chat.send(kader, "Posyandu Melati");
    const me = await contactOf(chat, kader);
    expect(me).toMatchObject({ role: "kader", kaderStatus: "pending" });
    expect(await chat.say(kader, "UKUR A7K2 BB 8,2")).toMatch(/menunggu persetujuan/);
    // Approval (the admin API's job) is a row update here.
    await chat.rt.db
      .update(contacts)
      .set({ kaderStatus: "active", posyanduId: world.posyandu.melati, desaCode: BATU_PIRING })
      .where(eq(contacts.id, me.id));
    await chat.rt.db.delete(conversationStates).where(eq(conversationStates.contactId, me.id));
  });

  it("registers a child with ANAK BARU, links the parent's chat by phone and never echoes the NIK", async () => {
    expect(await chat.say(kader, "ANAK BARU")).toMatch(/Siapa nama anak/);
    expect(await chat.say(kader, "Budi Santoso")).toMatch(/1\. Laki-laki\n2\. Perempuan/);
    expect(await chat.say(kader, "1")).toMatch(/Tanggal lahir/);
    expect(await chat.say(kader, "31/2/2025")).toMatch(/belum terbaca/);
    expect(await chat.say(kader, "12 Maret 2025")).toMatch(/Nama ibu/);
    expect(await chat.say(kader, "Siti Aminah")).toMatch(/Nomor HP/);
    expect(await chat.say(kader, "0812-3456-7890")).toMatch(/NIK/);
    expect(await chat.say(kader, "123")).toMatch(/16 angka/);
    const summary = await chat.say(kader, "6311074512250003");
    expect(summary).toMatch(/Nama: Budi Santoso\nJenis kelamin: Laki-laki\nTanggal lahir: 12\/03\/2025\nIbu: Siti Aminah/);
    expect(summary).toMatch(/NIK: ada/);
    expect(summary).not.toContain("6311074512250003");
    const saved = await chat.say(kader, "1");
    expect(saved).not.toContain("6311074512250003");
    codes.budi = codeIn(saved);
    const budi = await childByCode(chat, codes.budi);
    expect(JSON.stringify(budi)).not.toContain("6311074512250003");
    expect(chat.rt.nik.open(budi!.nik)).toBe("6311074512250003");
    expect(budi).toMatchObject({
      name: "Budi Santoso",
      sex: "L",
      birthDate: "2025-03-12",
      motherName: "Siti Aminah",
      nik: expect.stringMatching(/^v1:/), // sealed at rest
      parentPhone: "6281234567890",
      desaCode: BATU_PIRING,
      posyanduId: world.posyandu.melati,
      parentContactId: (await contactOf(chat, "ibu-budi")).id,
    });
  });

  it("registers twins: ANAK BARU, then KEMBAR copies birth date, mother and phone", async () => {
    await chat.send(kader, "anak baru");
    await chat.send(kader, "Hasan");
    await chat.send(kader, "laki");
    await chat.send(kader, "1/6/2025");
    await chat.send(kader, "Rina");
    await chat.send(kader, "081311112222");
    await chat.send(kader, "lewati");
    codes.hasan = codeIn(await chat.say(kader, "simpan"));
    expect(await chat.say(kader, `KEMBAR ${codes.hasan}`)).toMatch(/kembaran Hasan/);
    expect(await chat.say(kader, "Husin")).toMatch(/Jenis kelamin Husin/);
    expect(await chat.say(kader, "L")).toMatch(/Tanggal lahir: 01\/06\/2025\nIbu: Rina\nNomor HP orang tua: ada\nNIK: -/);
    codes.husin = codeIn(await chat.say(kader, "1"));
    expect(codes.husin).not.toBe(codes.hasan);
    const [hasan, husin] = [await childByCode(chat, codes.hasan), await childByCode(chat, codes.husin)];
    expect(husin).toMatchObject({ birthDate: hasan.birthDate, motherName: "Rina", parentContactId: hasan.parentContactId });
    expect(hasan.parentContactId).toBe((await contactOf(chat, "ibu-hasan")).id);
  });

  it("finds children by name, mother, code or NIK within the posyandu only", async () => {
    expect(await chat.say(kader, "CARI rina")).toMatch(new RegExp(`${codes.hasan} · Hasan[\\s\\S]*${codes.husin} · Husin`));
    expect(await chat.say(kader, "cari 6311074512250003")).toMatch(new RegExp(`${codes.budi} · Budi Santoso`));
    // A kader of another posyandu does not see them.
    await makeKader(chat, "kader-mawar", world.posyandu.mawar, "id");
    expect(await chat.say("kader-mawar", "CARI budi")).toMatch(/Tidak ada anak/);
    expect(await chat.say("kader-mawar", `RIWAYAT ${codes.budi}`)).toMatch(/tidak ada di posyandu Anda/);
  });

  it("answers several report lines in one message, refers the stunted child and tells the consenting parent only", async () => {
    const replies = await chat.send(
      kader,
      `Posyandu Melati hari ini\nUKUR ${codes.budi} BB 8,2 TB 72,5\n${codes.hasan} bb 10.5 pb 80 cm\n${codes.husin} BB 10,5 TB 80 LILA 14,5`,
    );
    expect(replies).toHaveLength(3);
    const [budi, hasan] = replies.map((r) => r.text);
    expect(budi).toMatch(new RegExp(`^Budi Santoso \\(${codes.budi}\\), umur 20 bulan 15 hari, diukur 27/11/2026`));
    expect(budi).toContain("BB 8,2 kg · PB 72,5 cm (terlentang)");
    expect(budi).toContain("PB/U: z −4,29 · Sangat pendek");
    expect(budi).toContain("BB/U: z −2,97 · Berat badan kurang");
    expect(budi).toContain("BB/PB: z −1,12 · Gizi baik");
    expect(budi).toMatch(/Naik\/tidak: B \(baru\)/);
    expect(budi).toMatch(/Tindakan: rujuk ke Puskesmas Paringin Selatan \(sangat pendek\)/);
    expect(budi).toMatch(/Rujukan R-\d+ sudah dikirim/);
    expect(hasan).toMatch(/PB\/U: z −0,79 · Normal/);
    expect(hasan).toMatch(/pertumbuhan baik/);

    const [referral] = await chat.rt.db.select().from(referrals);
    expect(referral).toMatchObject({
      childId: (await childByCode(chat, codes.budi)).id,
      puskesmasId: world.puskesmasId,
      reasons: ["severely-stunted"],
      status: "open",
    });
    const toPuskesmas = await queued(chat, "referral");
    expect(toPuskesmas).toHaveLength(1);
    expect(toPuskesmas[0]).toMatchObject({ address: chat.addressOf("pusk-1"), channel: "web" });
    expect(toPuskesmas[0]?.message.text).toMatch(
      new RegExp(`Rujukan baru R-${referral!.number}[\\s\\S]*Budi Santoso \\(${codes.budi}\\)[\\s\\S]*sangat pendek`),
    );

    const toParents = await queued(chat, "growth");
    expect(toParents).toHaveLength(1); // ibu-hasan has not consented
    expect(toParents[0]).toMatchObject({ address: chat.addressOf("ibu-budi") });
    expect(toParents[0]?.message.text).toMatch(/Budi Santoso[\s\S]*8,2 kg[\s\S]*bawa anak ke puskesmas/);
    expect(await liveMeasurements(chat, (await childByCode(chat, codes.husin)).id)).toMatchObject([
      { muacCm: 14.5, position: "lying", sentByContactId: (await contactOf(chat, kader)).id },
    ]);
  });

  it("asks before storing a weight in grams, a second report the same day and a future date", async () => {
    const hasan = await childByCode(chat, codes.hasan);
    const ask = await chat.send(kader, `UKUR ${codes.hasan} BB 10600 PB 80,5`);
    expect(ask[0]?.text).toMatch(/Maksudnya 10,6 kg\?/);
    expect(ask[0]?.text).toMatch(/sudah punya hasil ukur tanggal 27\/11\/2026/);
    expect(ask[0]?.text).toMatch(/1\. Benar, simpan\n2\. Batal/);
    expect(await liveMeasurements(chat, hasan.id)).toHaveLength(1);
    expect(await chat.say(kader, "1")).toMatch(/BB 10,6 kg/);
    const rows = await liveMeasurements(chat, hasan.id);
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.weightKg === 10.6)).toMatchObject({
      confirmedImplausible: true,
      warnings: ["weight-in-grams", "same-day-duplicate"],
    });

    // A future date cannot be confirmed: nothing is stored, the kader sends the line again.
    expect(await chat.say(kader, `UKUR ${codes.husin} BB 10,7 tgl 30/11`)).toMatch(
      /Tanggal ukur 30\/11\/2026 belum lewat[\s\S]*Kirim ulang baris UKUR/,
    );
    expect(await liveMeasurements(chat, (await childByCode(chat, codes.husin)).id)).toHaveLength(1);
  });

  it("catches a WHO-flagged value and takes a corrected line instead", async () => {
    const ask = await chat.say(kader, `UKUR ${codes.budi} BB 82 TB 72,5 tgl 26/11`);
    expect(ask).toMatch(/sangat jauh dari normal/);
    const fixed = await chat.say(kader, `UKUR ${codes.budi} BB 8,3 TB 72,6 tgl 26/11`);
    expect(fixed).toMatch(/diganti/);
    expect(fixed).toMatch(/BB 8,3 kg/);
    const rows = await liveMeasurements(chat, (await childByCode(chat, codes.budi)).id);
    expect(rows.map((r) => r.weightKg).sort()).toEqual([8.2, 8.3]);
    // The child already has an open referral: no second one, no second message to the puskesmas.
    expect(await chat.rt.db.select().from(referrals)).toHaveLength(1);
    expect(fixed).toMatch(/masih punya rujukan terbuka/);
  });

  it("undoes the kader's last report with BATAL UKUR within 24 hours only", async () => {
    const budi = await childByCode(chat, codes.budi);
    expect(await chat.say(kader, "BATAL UKUR")).toMatch(new RegExp(`dibatalkan: Budi Santoso \\(${codes.budi}\\), tanggal 26/11/2026`));
    expect((await liveMeasurements(chat, budi.id)).map((r) => r.weightKg)).toEqual([8.2]);
    chat.rt.clock.advance(25 * 60 * 60_000);
    expect(await chat.say(kader, "batal ukur")).toMatch(/Tidak ada hasil ukur/);
    // Plain BATAL, as the issue writes it, does the same for a kader.
    expect(await chat.say(kader, "BATAL")).toMatch(/Tidak ada hasil ukur/);
  });

  it("shows the history with RIWAYAT", async () => {
    const text = await chat.say(kader, `RIWAYAT ${codes.hasan}`);
    expect(text).toMatch(/Riwayat Hasan/);
    expect(text).toMatch(/27\/11\/2026 · BB 10,5 · PB 80,0 · B/);
    expect(text).toMatch(/27\/11\/2026 · BB 10,6 · PB 80,5/);
  });

  it("explains UKUR to a parent and leaves their questions to the FAQ", async () => {
    expect(await chat.say("ibu-budi", `UKUR ${codes.budi} BB 8,2`)).toMatch(/dipakai kader posyandu/);
    // A parent's ANAK BARU adds their own child to the reminders instead.
    expect(await chat.say("ibu-budi", "ANAK BARU")).toMatch(/kapan tanggal lahir anak/);
    expect(await chat.say("ibu-budi", "BATAL")).not.toMatch(/hanya untuk kader/);
  });

  it("lets the puskesmas acknowledge and close the referral by chat", async () => {
    const [referral] = await chat.rt.db.select().from(referrals);
    expect(await chat.say("pusk-1", `TERIMA R-${referral!.number}`)).toMatch(/sudah diterima/);
    expect(await chat.say("pusk-1", `HASIL R-${referral!.number} ditangani`)).toMatch(/dicatat: sudah ditangani/);
    const [after] = await chat.rt.db.select().from(referrals);
    expect(after).toMatchObject({ status: "closed", outcome: "ditangani" });
    expect(after?.acknowledgedAt).toBeInstanceOf(Date);
  });
});

describe("N/T/2T across months, the referral reminder, pregnant women, and a kader in Banjar", () => {
  const kader = "kader-nt";

  beforeAll(async () => {
    await makeKader(chat, kader, world.posyandu.melati, "id");
  });

  it("gives B, then T with a referral, then 2T added to it; reminds the puskesmas once after 7 days", async () => {
    await chat.send(kader, "ANAK BARU");
    for (const answer of ["Aisyah", "2", "10/5/2026", "Nur", "lewati", "lewati"]) await chat.send(kader, answer);
    const code = codeIn(await chat.say(kader, "1"));
    expect(await chat.say(kader, `UKUR ${code} BB 7,2 PB 65`)).toMatch(/Naik\/tidak: B/);
    chat.rt.clock.set("2026-12-27T02:00:00Z");
    const december = await chat.say(kader, `UKUR ${code} BB 7,4 PB 66`);
    expect(december).toMatch(/Naik\/tidak: T \(tidak naik\)/);
    // Buku KIA 2023: "rujuk bila T" (GROWTH_REFERRAL_RULES default).
    expect(december).toMatch(/rujuk ke Puskesmas Paringin Selatan \(T \(berat badan tidak naik\)\)/);
    const aisyah = await childByCode(chat, code);

    chat.rt.clock.advance(6 * DAY);
    expect(await remindOpenReferrals(chat.rt)).toEqual({ reminded: 0, queued: 0 });
    chat.rt.clock.advance(1 * DAY + 60_000);
    expect(await remindOpenReferrals(chat.rt)).toEqual({ reminded: 1, queued: 1 });
    expect(await remindOpenReferrals(chat.rt)).toEqual({ reminded: 0, queued: 0 });
    const reminders = (await queued(chat, "referral")).filter((r) => r.message.text.startsWith("Pengingat"));
    expect(reminders).toHaveLength(1);

    chat.rt.clock.set("2027-01-27T02:00:00Z");
    const january = await chat.say(kader, `UKUR ${code} BB 7,5 PB 67`);
    expect(january).toMatch(/Naik\/tidak: 2T/);
    expect(january).toMatch(/rujuk ke Puskesmas Paringin Selatan \(2T \(dua kali tidak naik\)\)/);
    expect(january).toMatch(/diperbarui dengan alasan baru: 2T/);
    const [referral] = await chat.rt.db.select().from(referrals).where(eq(referrals.childId, aisyah.id));
    expect(referral?.reasons).toEqual(["T", "2T"]);
    const rows = await chat.rt.db.select().from(measurements).where(eq(measurements.childId, aisyah.id)).orderBy(measurements.measuredOn);
    expect(rows.map((r) => [r.growthCode, r.twoT, r.gainG, r.kbmG])).toEqual([
      ["B", false, null, null],
      ["T", false, 200, 400],
      ["T", true, 100, 300],
    ]);
  });

  it("judges later weighings again after a back-dated entry and after BATAL", async () => {
    chat.rt.clock.set("2027-02-10T02:00:00Z");
    await chat.send(kader, "ANAK BARU");
    for (const answer of ["Rahmat", "1", "10/8/2026", "Siti", "lewati", "lewati"]) await chat.send(kader, answer);
    const code = codeIn(await chat.say(kader, "1"));
    expect(await chat.say(kader, `UKUR ${code} BB 7,6`)).toMatch(/Naik\/tidak: B/);
    const codesNow = async () => {
      const child = await childByCode(chat, code);
      const rows = await chat.rt.db
        .select()
        .from(measurements)
        .where(and(eq(measurements.childId, child.id), isNull(measurements.cancelledAt)))
        .orderBy(measurements.measuredOn);
      return rows.map((r) => [r.measuredOn, r.growthCode, r.gainG]);
    };
    // January's weighing, reported late: February is now judged against it (+600 g ≥ KBM 400 g at 6 months).
    await chat.say(kader, `UKUR ${code} BB 7,0 tgl 12/1/2027`);
    expect(await codesNow()).toEqual([
      ["2027-01-12", "B", null],
      ["2027-02-10", "N", 600],
    ]);
    // The late entry was a mistake: BATAL takes it back, and February is a first weighing again.
    expect(await chat.say(kader, "BATAL UKUR")).toMatch(/dibatalkan/);
    expect(await codesNow()).toEqual([["2027-02-10", "B", null]]);
  });

  it("records a pregnant woman's LiLA and Hb, flags KEK and anaemia, sets hbLow and refers", async () => {
    await chat.send("bumil-1", "halo");
    const mother = await contactOf(chat, "bumil-1");
    await chat.rt.db
      .update(contacts)
      .set({ role: "pregnant", desaCode: BATU_PIRING, consentAt: chat.rt.clock.now() })
      .where(eq(contacts.id, mother.id));
    const { contactChannels } = await import("../../src/contacts/contacts.sql.js");
    await chat.rt.db.update(contactChannels).set({ phone: "6285299998888" }).where(eq(contactChannels.contactId, mother.id));
    const [pregnancy] = await chat.rt.db.insert(pregnancies).values({ contactId: mother.id, hpht: "2026-09-01" }).returning();

    expect(await chat.say(kader, "HAMIL 0852 0000 1111 LILA 22")).toMatch(/belum terdaftar di desa Anda/);
    expect(await chat.say(kader, "HAMIL 0852 9999 8888")).toMatch(/LILA 22,5 HB 10,8/);
    const reply = await chat.say(kader, "lila 22,5 hb 10,2");
    expect(reply).toMatch(
      /LILA 22,5 cm: di bawah 23,5 cm[\s\S]*Hb 10,2 g\/dL: di bawah 11[\s\S]*rujuk ke Puskesmas Paringin Selatan \(KEK/,
    );
    const [row] = await chat.rt.db.select().from(maternalMeasurements);
    expect(row).toMatchObject({ muacCm: 22.5, hbGdl: 10.2, kek: true, anaemia: true });
    const [p] = await chat.rt.db.select().from(pregnancies).where(eq(pregnancies.id, pregnancy!.id));
    expect(p?.hbLow).toBe(true);
    const [ref] = await chat.rt.db.select().from(referrals).where(eq(referrals.pregnancyId, pregnancy!.id));
    expect(ref?.reasons).toEqual(["kek", "anaemia"]);

    // The bidan of the desa, chatting from the phone linked to her staff account, records too.
    const [bidan] = await chat.rt.db
      .insert(staffAccounts)
      .values({ username: "bidan.bp", name: "Bidan", role: "bidan", desaCode: BATU_PIRING })
      .returning();
    await chat.send("bidan-1", "halo");
    await chat.rt.db.insert(staffChatLinks).values({ accountId: bidan!.id, contactId: (await contactOf(chat, "bidan-1")).id });
    expect(await chat.say("bidan-1", "HAMIL 085299998888 HB 11,5")).toMatch(/Hb 11,5 g\/dL: normal/);
    const [after] = await chat.rt.db.select().from(pregnancies).where(eq(pregnancies.id, pregnancy!.id));
    expect(after?.hbLow).toBe(false);
    // Anyone else asking about "hamil 0852…" is left to the FAQ.
    expect(await chat.say("ibu-lain", "HAMIL 085299998888 HB 9")).not.toMatch(/Hb 9/);
  });

  it("links a parent who registers after the kader gave their number, then sends them the news", async () => {
    await chat.send(kader, "ANAK BARU");
    for (const answer of ["Zahra", "P", "1/1/2026", "Salmah", "0813 5555 6666", "lewati"]) await chat.send(kader, answer);
    const code = codeIn(await chat.say(kader, "1"));
    expect((await childByCode(chat, code)).parentContactId).toBeNull();
    await makeParent(chat, "ibu-zahra", "6281355556666", "bjn", true);
    await chat.send(kader, `UKUR ${code} BB 6,9 PB 64`);
    const zahra = await childByCode(chat, code);
    expect(zahra.parentContactId).toBe((await contactOf(chat, "ibu-zahra")).id);
    const news = (await queued(chat, "growth")).filter((r) => r.address === chat.addressOf("ibu-zahra"));
    expect(news).toHaveLength(1);
    expect(news[0]?.message.text).toMatch(/Hasil timbang\/ukur Zahra[\s\S]*Barat awak 6,9 kg/);
  });

  // The same database, another posyandu: a kader who writes and reads Banjar.
  it("registers a child and reports in Banjar words, answered in Banjar", async () => {
    const k = "kader-bjn";
    await makeKader(chat, k, world.posyandu.mawar, "bjn");
    expect(await chat.say(k, "anak hanyar")).toMatch(/Siapa ngaran anaknya/);
    expect(await chat.say(k, "Galuh Rahmah")).toMatch(/1\. Lakian\n2\. Binian/);
    expect(await chat.say(k, "binian")).toMatch(/Tanggal lahir anaknya/);
    await chat.send(k, "12-03-2025");
    await chat.send(k, "Masitah");
    await chat.send(k, "lewati");
    expect(await chat.say(k, "lewati")).toMatch(/Hudah bujur kah\?/);
    const saved = await chat.say(k, "1");
    expect(saved).toMatch(/hudah tadaftar/);
    const code = codeIn(saved);

    const reply = await chat.say(k, `ukur ${code} barat 7,1 panjang 71 talantang`);
    expect(reply).toMatch(/diukur \d\d\/\d\d\/2027/);
    expect(reply).toMatch(/PB 71,0 cm \(talantang\)/);
    expect(reply).toMatch(/Pendek \(pandak\)|Sangat pendek \(pandak banar\)/);
    expect(reply).toMatch(/Tindakan: rujuk ka Puskesmas Paringin Selatan/);
    expect(reply).toMatch(/Naik\/kada: B \(baru\)/);
    const ask = await chat.say(k, `ukur ${code} barat 7100 panjang 71`);
    expect(ask).toMatch(/Maksud pian 7,1 kg kah\?/);
    expect(ask).toMatch(/1\. Bujur, simpan\n2\. Kada jadi/);
    expect(await chat.say(k, "2")).toMatch(/kada disimpan/);
  });

  it("guides a kader through UKUR step by step", async () => {
    const k = "kader-bjn";
    const [child] = await chat.rt.db.select().from(children).where(eq(children.name, "Galuh Rahmah"));
    expect(await chat.say(k, "UKUR")).toMatch(/Kode anaknya apa/);
    expect(await chat.say(k, child!.code)).toMatch(/barapa barat awaknya/);
    expect(await chat.say(k, "7,2 kg")).toMatch(/panjang\/tinggi awaknya/);
    // Measured earlier today: the bot asks whether this is a re-measurement.
    expect(await chat.say(k, "lewati")).toMatch(/hudah ada hasil ukurnya tanggal \d\d\/\d\d\/2027/);
    const reply = await chat.say(k, "bujur");
    expect(reply).toMatch(/BB 7,2 kg/);
    expect(reply).toMatch(/BB\/U: z/);
  });
});
