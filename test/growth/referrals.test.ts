// Referrals as the kader's chat makes them, on the web
// chat API over a real database: severe acute malnutrition is urgent (today, danger signs, listed
// first), a child who gets worse under an open referral gets the new reasons added and the
// puskesmas and bidan told again, the Buku KIA 2023 weighing rules (a Pokja setting), advice that
// follows BB/PB–BB/TB and the child's recent length, the plausible reading of "820", future dates.
import type { FastifyInstance } from "fastify";
import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../src/admin/auth.js";
import { staffAccounts, staffChatLinks } from "../../src/admin/index.js";
import { auditLog } from "../../src/platform/audit.sql.js";
import { children } from "../../src/children/children.sql.js";
import { measurements, referrals } from "../../src/growth/growth.sql.js";
import { configProblems } from "../helpers/config.js";
import { testConfig } from "../helpers/runtime.js";
import { createWebChat, type WebChatHarness } from "../helpers/web-chat.js";
import { BATU_PIRING, codeIn, contactOf, makeKader, makeParent, paced, queued, seedGrowthWorld, type GrowthWorld } from "./helpers.js";

async function register(
  chat: WebChatHarness,
  kader: string,
  name: string,
  sex: "1" | "2",
  birth: string,
  phone = "lewati",
): Promise<string> {
  await chat.send(kader, "ANAK BARU");
  for (const answer of [name, sex, birth, "Ibu", phone, "lewati"]) await chat.send(kader, answer);
  return codeIn(await chat.say(kader, "1"));
}

async function referralOf(chat: WebChatHarness, code: string) {
  const [child] = await chat.rt.db.select().from(children).where(eq(children.code, code));
  const [row] = await chat.rt.db.select().from(referrals).where(eq(referrals.childId, child!.id)).orderBy(desc(referrals.createdAt));
  return row;
}

async function weightsOf(chat: WebChatHarness, code: string) {
  const [child] = await chat.rt.db.select().from(children).where(eq(children.code, code));
  return (await chat.rt.db.select().from(measurements).where(eq(measurements.childId, child!.id))).map((m) => m.weightKg);
}

describe("referrals from the kader's chat (Buku KIA 2023 rules by default)", () => {
  let chat: WebChatHarness;
  let world: GrowthWorld;
  let puskToken = "";
  const kader = "kader-rujuk";
  const codes = { rudi: "", dodi: "", sari: "", tono: "", gemuk: "", bima: "" };

  beforeAll(async () => {
    chat = paced(await createWebChat());
    world = await seedGrowthWorld(chat);
    await makeKader(chat, kader, world.posyandu.melati, "id");
    await makeParent(chat, "ibu-rudi", "6281200001111", "id", true);
    // The bidan of the desa, with her chat linked: she hears of referrals too.
    const [bidan] = await chat.rt.db
      .insert(staffAccounts)
      .values({ username: "bidan.bp", name: "Bidan", role: "bidan", desaCode: BATU_PIRING })
      .returning();
    await chat.send("bidan-bp", "halo");
    await chat.rt.db.insert(staffChatLinks).values({ accountId: bidan!.id, contactId: (await contactOf(chat, "bidan-bp")).id });
    puskToken = (await createApiToken(chat.rt.db, world.puskAccount.id, "test", chat.rt.clock.now(), null)).token;
  });
  afterAll(async () => {
    await chat?.close();
  });

  const listed = async (app: FastifyInstance) => {
    const res = await app.inject({ method: "GET", url: "/api/v1/referrals", headers: { authorization: `Bearer ${puskToken}` } });
    expect(res.statusCode).toBe(200);
    return (res.json() as { items: { number: number; priority: string; reasons: string[] }[] }).items;
  };

  it("sends gizi buruk (BB/PB < −3) to the puskesmas today, with the danger signs, as an urgent referral", async () => {
    codes.rudi = await register(chat, kader, "Rudi", "1", "27/5/2025", "0812 0000 1111");
    const reply = await chat.say(kader, `UKUR ${codes.rudi} BB 7,9 PB 80`);
    expect(reply).toMatch(/BB\/PB: z −3,49 · Gizi buruk/);
    expect(reply).toMatch(/SEGERA bawa anak ke Puskesmas Paringin Selatan HARI INI \(gizi buruk\)/);
    expect(reply).toMatch(/Tanda bahaya \(MTBS\)[\s\S]*kejang/);
    expect(reply).toMatch(/Rujukan SEGERA R-\d+ sudah dikirim/);
    expect(reply).not.toMatch(/minggu ini/);
    const ref = await referralOf(chat, codes.rudi);
    expect(ref).toMatchObject({ reasons: ["severely-wasted"], priority: "urgent" });
    const toStaff = (await queued(chat, "referral")).filter((m) => m.message.text.includes(`R-${ref!.number}`));
    expect(toStaff.map((m) => m.address).sort()).toEqual(["bidan-bp", "pusk-1"].map((p) => chat.addressOf(p)).sort());
    for (const m of toStaff) expect(m.message.text).toMatch(/^SEGERA \(gizi buruk\): anak perlu diperiksa HARI INI\.\nRujukan baru R-/);
    const [toParent] = await queued(chat, "growth");
    expect(toParent?.message.text).toMatch(/bawa anak ke puskesmas HARI INI[\s\S]*Tanda bahaya/);
    expect(toParent?.message.text).not.toMatch(/minggu ini/);
  });

  it("treats bilateral oedema as gizi buruk: urgent, not just 'edema'", async () => {
    codes.dodi = await register(chat, kader, "Dodi", "1", "27/5/2025");
    const reply = await chat.say(kader, `UKUR ${codes.dodi} BB 9 PB 80 edema`);
    expect(reply).toMatch(/edema bilateral \(gizi buruk\)/);
    expect(reply).toMatch(/HARI INI \(edema bilateral \(gizi buruk\)\)/);
    expect(await referralOf(chat, codes.dodi)).toMatchObject({ reasons: ["oedema"], priority: "urgent" });
    const [row] = await chat.rt.db.select().from(measurements).orderBy(desc(measurements.createdAt)).limit(1);
    expect(row).toMatchObject({ oedema: true, statusBbtb: "severely-wasted" });
  });

  it("keeps stunting alone a routine referral, listed after the urgent ones although newer", async () => {
    codes.sari = await register(chat, kader, "Sari", "2", "27/5/2025");
    const reply = await chat.say(kader, `UKUR ${codes.sari} BB 8,6 PB 73`);
    expect(reply).toMatch(/Tindakan: rujuk ke Puskesmas Paringin Selatan \(pendek\)/);
    expect(reply).not.toMatch(/HARI INI/);
    const sari = await referralOf(chat, codes.sari);
    expect(sari).toMatchObject({ reasons: ["stunted"], priority: "routine" });
    const items = await listed(chat.app);
    expect(items.map((i) => i.priority)).toEqual(["urgent", "urgent", "routine"]);
    expect(items.at(-1)?.number).toBe(sari!.number);
  });

  it("answers a same-day weight-only re-measure of the stunted child with her open referral, not 'pertumbuhan baik'", async () => {
    const ask = await chat.say(kader, `UKUR ${codes.sari} BB 8,7`);
    expect(ask).toMatch(/sudah punya hasil ukur tanggal 27\/11\/2026/);
    const reply = await chat.say(kader, "1");
    const sari = await referralOf(chat, codes.sari);
    expect(reply).not.toMatch(/pertumbuhan baik/);
    expect(reply).toMatch(new RegExp(`masih dalam rujukan R-${sari!.number} \\(pendek\\)`));
  });

  it("reads a weight of 820 for an 18-month-old as 8,20 kg, and never offers to save a future date", async () => {
    codes.bima = await register(chat, kader, "Bima", "1", "27/5/2025");
    const ask = await chat.send(kader, `UKUR ${codes.bima} BB 820`);
    expect(ask[0]?.text).toMatch(/"820"[\s\S]*maksudnya 8,20 kg\?/);
    expect(await chat.say(kader, "1")).toMatch(/BB 8,2 kg/);
    expect(await weightsOf(chat, codes.bima)).toEqual([8.2]);

    const future = await chat.send(kader, `UKUR ${codes.bima} BB 8,3 tgl 30/11`);
    expect(future).toHaveLength(1);
    expect(future[0]?.text).toMatch(/Tanggal ukur 30\/11\/2026 belum lewat/);
    expect(future[0]?.text).toMatch(/tidak disimpan/);
    expect(future[0]?.text).not.toMatch(/Benar, simpan/);
    expect(future[0]?.buttons ?? []).toEqual([]);
    // A "1" afterwards saves nothing: there was no question.
    await chat.send(kader, "1");
    expect(await weightsOf(chat, codes.bima)).toEqual([8.2]);
  });

  it("refers obesity (BB/TB > +3) and gives no overweight advice from BB/U alone", async () => {
    codes.gemuk = await register(chat, kader, "Gilang", "1", "27/5/2025");
    const obese = await chat.say(kader, `UKUR ${codes.gemuk} BB 15,5 PB 82`);
    expect(obese).toMatch(/rujuk ke Puskesmas Paringin Selatan \(obesitas \(di atas garis oranye\)\)/);
    expect(await referralOf(chat, codes.gemuk)).toMatchObject({ reasons: ["obese"], priority: "routine" });

    codes.tono = await register(chat, kader, "Tono", "1", "27/5/2025");
    const heavy = await chat.say(kader, `UKUR ${codes.tono} BB 14,5`);
    expect(heavy).toMatch(/BB\/U: z 2,54 · Risiko berat badan lebih/);
    expect(heavy).not.toMatch(/berisiko berat badan lebih|konseling makan sehat/i);
    expect(heavy).toMatch(/ukur juga panjang\/tinggi badannya/);
  });

  it("refers a single T (Buku KIA 2023: rujuk bila T)", async () => {
    const code = await register(chat, kader, "Tegar", "1", "27/5/2025");
    expect(await chat.say(kader, `UKUR ${code} BB 10 PB 80`)).toMatch(/pertumbuhan baik/);
    chat.rt.clock.set("2026-12-27T02:00:00Z");
    const december = await chat.say(kader, `UKUR ${code} BB 10,1 PB 80,5`);
    expect(december).toMatch(/Naik\/tidak: T \(tidak naik\)/);
    expect(december).toMatch(/rujuk ke Puskesmas Paringin Selatan \(T \(berat badan tidak naik\)\)/);
    expect(await referralOf(chat, code)).toMatchObject({ reasons: ["T"] });
  });

  it("adds new reasons to an open referral, tells the puskesmas and bidan what changed, and raises the priority", async () => {
    const before = await referralOf(chat, codes.sari);
    expect(await chat.say("pusk-1", `TERIMA R-${before!.number}`)).toMatch(/sudah diterima/);
    const sent = (await queued(chat, "referral")).length;

    // December: BGM and gizi kurang under the acknowledged "pendek" referral.
    const december = await chat.say(kader, `UKUR ${codes.sari} BB 7,0 PB 73,5`);
    expect(december).not.toMatch(/puskesmas sudah tahu/);
    expect(december).toMatch(
      new RegExp(`Rujukan R-${before!.number} diperbarui dengan alasan baru: gizi kurang, T \\(berat badan tidak naik\\), BGM`),
    );
    const after = await referralOf(chat, codes.sari);
    expect(after).toMatchObject({
      id: before!.id,
      status: "acknowledged",
      priority: "routine",
      reasons: ["stunted", "wasted", "T", "BGM"],
    });
    const updates = (await queued(chat, "referral")).slice(sent);
    expect(updates.map((m) => m.address).sort()).toEqual(["bidan-bp", "pusk-1"].map((p) => chat.addressOf(p)).sort());
    for (const m of updates)
      expect(m.message.text).toMatch(
        /diperbarui[\s\S]*Alasan baru: gizi kurang, T \(berat badan tidak naik\), BGM \(di bawah garis merah\)\nSemua alasan: pendek, gizi kurang/,
      );

    // January: gizi buruk. The same referral becomes urgent and is listed first.
    chat.rt.clock.set("2027-01-27T02:00:00Z");
    const january = await chat.say(kader, `UKUR ${codes.sari} BB 6,4 PB 74`);
    expect(january).toMatch(/HARI INI/);
    expect(january).toMatch(/diperbarui dengan alasan baru: gizi buruk/);
    expect(await referralOf(chat, codes.sari)).toMatchObject({ id: before!.id, priority: "urgent" });
    const urgentUpdates = (await queued(chat, "referral")).slice(sent + updates.length);
    expect(urgentUpdates).toHaveLength(2);
    for (const m of urgentUpdates) expect(m.message.text).toMatch(/^SEGERA \(gizi buruk\)[\s\S]*Alasan baru: [^\n]*gizi buruk/);
    const items = await listed(chat.app);
    expect(items.findIndex((i) => i.number === before!.number)).toBeLessThan(items.findIndex((i) => i.priority === "routine"));

    // The same reasons again: nothing new to tell.
    const again = (await queued(chat, "referral")).length;
    expect(await chat.say(kader, `UKUR ${codes.sari} BB 6,4 PB 74`)).toMatch(/sudah punya hasil ukur/);
    expect(await chat.say(kader, "1")).toMatch(/masih punya rujukan terbuka/);
    expect((await queued(chat, "referral")).length).toBe(again);
  });

  it("takes the weighing rules from the Pokja's setting (admin API, audited): with 2T only, a single T is counselled", async () => {
    const now = chat.rt.clock.now();
    const [pokja] = await chat.rt.db.insert(staffAccounts).values({ username: "pokja", name: "Pokja", role: "pokja_admin" }).returning();
    const tokens = { pokja: (await createApiToken(chat.rt.db, pokja!.id, "test", now, null)).token, pusk: puskToken };
    const call = (method: "GET" | "PUT", who: keyof typeof tokens, payload?: object) =>
      chat.app.inject({
        method,
        url: "/api/v1/growth/referral-rules",
        headers: { authorization: `Bearer ${tokens[who]}` },
        ...(payload ? { payload } : {}),
      });
    expect((await call("GET", "pusk")).json()).toEqual({ rules: ["T", "BGM", "obese"], source: "default", updatedAt: null });
    expect((await call("PUT", "pusk", { rules: ["2T"] })).statusCode).toBe(403);
    expect((await call("PUT", "pokja", { rules: ["3T"] })).statusCode).toBe(400);
    const put = await call("PUT", "pokja", { rules: ["2T", "BGM", "obese"] });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ rules: ["2T", "BGM", "obese"], source: "pokja" });
    const [entry] = await chat.rt.db.select().from(auditLog).where(eq(auditLog.action, "growth_setting.update"));
    expect(entry).toMatchObject({
      actorAccountId: pokja!.id,
      entityId: "referral_rules",
      before: null,
      after: { value: ["2T", "BGM", "obese"] },
    });

    const code = await register(chat, kader, "Tegar Dua", "1", "27/7/2025");
    await chat.say(kader, `UKUR ${code} BB 10 PB 80`);
    chat.rt.clock.set("2027-02-27T02:00:00Z");
    const february = await chat.say(kader, `UKUR ${code} BB 10,1 PB 80,5`);
    expect(february).toMatch(/Naik\/tidak: T/);
    expect(february).toMatch(/konseling makan/);
    expect(await referralOf(chat, code)).toBeUndefined();
  });
});

describe("the weighing rules are a Pokja setting (GROWTH_REFERRAL_RULES)", () => {
  it("accepts the rule names and refuses others", () => {
    expect(testConfig().GROWTH_REFERRAL_RULES).toEqual(["T", "BGM", "obese"]);
    expect(testConfig({ GROWTH_REFERRAL_RULES: "2T, BGM" }).GROWTH_REFERRAL_RULES).toEqual(["2T", "BGM"]);
    expect(configProblems({ GROWTH_REFERRAL_RULES: "T,3T" })[0]).toMatch(/GROWTH_REFERRAL_RULES/);
  });
});
