// Staff correct a child's record (PATCH /api/v1/children/:id): a wrong birth date or sex is put
// right and the child's measurements are assessed again; its reminders move with the birth date and
// its posyandu day with the posyandu. The family enrols by the web chat; the ManualClock moves a
// day at a time with the reminder tick running as the cron job would.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../src/platform/audit.sql.js";
import { areas } from "../../src/areas/areas.sql.js";
import { children, pregnancies, type Child } from "../../src/children/index.js";
import { contactChannels, contacts } from "../../src/contacts/contacts.sql.js";
import { ageInDays, classifyAll, computeZScores, weightGainStatus } from "../../src/growth/index.js";
import { evaluateReport, saveMeasurement, type Measurement } from "../../src/growth/reports.js";
import { dueSlice } from "../../src/reminders/programme.js";
import { enrolPregnancy, recordBirth } from "../../src/reminders/enrol.js";
import { reminderFires, reminderPlans } from "../../src/reminders/reminders.sql.js";
import { startServiceWorld, type ServiceWorld, type Who, type World } from "../admin/fixture.js";
import type { TestRuntime } from "../helpers/runtime.js";

const MOM = "ibu-nur";
const NIK = "6311061234560001";

describe("correcting a child's record", () => {
  let rt: TestRuntime;
  let w: World;
  let nur: Child;
  const received: { day: string; text: string }[] = [];

  let sw: ServiceWorld;
  const send = async (message: string | { payload: string }): Promise<string> =>
    (await sw.chat(MOM, message)).map((r) => r.text).join("\n");
  const api = (who: Who, url: string, payload: object) => sw.asStaff(who, "PATCH", url, payload);
  const setWita = (local: string) => sw.setWita(local);
  /** The reminder ticks of each day; what reaches the mother is kept. */
  async function live(fromDay: string, toDay: string): Promise<void> {
    received.push(...(await sw.liveDays(fromDay, toDay, [MOM])));
  }
  /** Days on which the mother was told a vaccine is due. */
  const dueDays = (vaccine: string) =>
    received.filter((r) => r.text.includes("Waktunya imunisasi") && r.text.includes(vaccine)).map((r) => r.day);
  const childPlan = async (childId: string, programme: "child" | "postnatal" = "child") => {
    const [plan] = await rt.db
      .select()
      .from(reminderPlans)
      .where(and(eq(reminderPlans.childId, childId), eq(reminderPlans.programme, programme), eq(reminderPlans.status, "active")));
    return plan!;
  };
  const reload = async (id: string) => (await rt.db.select().from(children).where(eq(children.id, id)))[0]!;

  /** What the kader path stores for these values today (the WHO z-scores and Permenkes statuses). */
  function expectAssessed(rows: Measurement[], sex: "L" | "P", birthDate: string): void {
    const live = rows.filter((m) => !m.cancelledAt).sort((a, b) => a.measuredOn.localeCompare(b.measuredOn));
    expect(live.length).toBeGreaterThan(0);
    const gains = weightGainStatus(
      { sex, birthDate },
      live.map((m) => ({ date: m.measuredOn, weightKg: m.weightKg! })),
    );
    live.forEach((m, i) => {
      const ageDays = ageInDays(birthDate, m.measuredOn);
      const r = computeZScores({ sex, ageDays, weightKg: m.weightKg!, lengthCm: m.lengthCm!, position: "lying", oedema: false });
      const status = classifyAll(r.z);
      expect(m).toMatchObject({
        ageDays,
        lengthCorrectedCm: r.clenhei,
        zwei: r.z.zwei,
        zlen: r.z.zlen,
        zwfl: r.z.zwfl,
        zbmi: r.z.zbmi,
        statusBbu: status.bbu,
        statusTbu: status.tbu,
        statusBbtb: status.bbtb,
        statusImtu: status.imtu,
        growthCode: gains[i]!.code,
        bgm: gains[i]!.bgm,
      });
    });
  }

  beforeAll(async () => {
    sw = await startServiceWorld({ now: "2026-02-28T23:00:00Z" }); // 1 March, 07:00 WITA
    ({ rt, w } = sw);
  });
  afterAll(async () => sw?.close());

  it("a mother enrols Nur by chat with a wrong birth date; the kader has weighed her twice", async () => {
    const [desa] = await rt.db.select({ name: areas.name }).from(areas).where(eq(areas.code, w.desa.p0));
    await send("DAFTAR");
    await send("1");
    await send({ payload: "yes" });
    await send({ payload: "role:parent" });
    await send(desa!.name);
    expect(await send({ payload: `posyandu:${w.posyandu.p0}` })).toMatch(/tanggal lahir anak/);
    await send("05-01-2026");
    await send("Nur");
    await send("P");
    await send("tidak");
    const [channel] = await rt.db
      .select()
      .from(contactChannels)
      .where(eq(contactChannels.address, sw.addressOf(MOM)));
    nur = (await rt.db.update(children).set({ nik: NIK }).where(eq(children.parentContactId, channel!.contactId)).returning())[0]!;
    expect(nur).toMatchObject({ birthDate: "2026-01-05", posyanduId: w.posyandu.p0 });
    for (const [measuredOn, weightKg, lengthCm] of [
      ["2026-02-10", 3.6, 51],
      ["2026-02-26", 4.4, 54],
    ] as const) {
      const ev = await evaluateReport(rt.db, nur, { childId: nur.id, measuredOn, weightKg, lengthCm, position: "lying" }, "2026-03-01");
      await saveMeasurement(rt.db, nur, ev, { sentByContactId: null, now: rt.clock.now(), confirmed: true, source: "chat" });
    }
    await live("2026-03-01", "2026-03-02");
    expect(dueDays("BCG")).toEqual(["2026-03-01"]);
  });

  it("refuses what it may not do, before changing anything", async () => {
    setWita("2026-03-02T12:00");
    const url = `/api/v1/children/${nur.id}`;
    const status = async (who: Who, body: object) => (await api(who, url, body)).statusCode;
    expect(await status("bidanL", { birthDate: "2026-01-20", reason: "salah tanggal" })).toBe(404);
    expect(await status("kaderL", { name: "Nur Aini", reason: "salah nama" })).toBe(404);
    expect(await status("bidanP", { birthDate: "2026-01-20" })).toBe(400);
    expect(await status("bidanP", { reason: "tidak ada yang diubah" })).toBe(400);
    expect(await status("bidanP", { birthDate: "2026-03-05", reason: "salah tanggal" })).toBe(400);
    expect(await status("bidanP", { birthDate: "2019-01-05", reason: "salah tanggal" })).toBe(400);
    expect(await status("bidanP", { birthDate: "2026-02-15", reason: "sesudah penimbangan" })).toBe(400);
    expect(await status("bidanP", { nik: "6311069999990001", reason: "NIK" })).toBe(400);
    expect(await status("bidanP", { parentPhone: "12345", reason: "nomor" })).toBe(400);
    expect(await status("bidanP", { sex: "X", reason: "salah" })).toBe(400);
    // Posyandu Mawar is in another desa: the bidan of Melati's desa does not reach it.
    expect(await status("bidanP", { posyanduId: w.posyandu.p1, reason: "pindah" })).toBe(403);
    // A kader may correct their own posyandu's children, not take one off the posyandu.
    expect(await status("kaderP", { posyanduId: null, reason: "pindah" })).toBe(403);
    expect(await reload(nur.id)).toMatchObject({ birthDate: "2026-01-05", posyanduId: w.posyandu.p0, sex: "P" });
    expect(await rt.db.select().from(auditLog).where(eq(auditLog.entityId, nur.id))).toEqual([]);
  });

  it("a corrected birth date re-assesses the measurements and moves the reminders; nothing is sent twice", async () => {
    setWita("2026-03-02T12:00");
    const before = await childPlan(nur.id);
    const res = await api("bidanP", `/api/v1/children/${nur.id}`, {
      birthDate: "2026-01-20",
      parentPhone: "0812 3456 7890",
      reason: "tanggal lahir salah ketik (Buku KIA: 20-01-2026)",
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).not.toContain(NIK);
    const body = res.json() as { child: Record<string, unknown>; measurements: Measurement[] };
    expect(body.child).toMatchObject({ id: nur.id, birthDate: "2026-01-20", hasNik: true });
    expect(body.child).not.toHaveProperty("parentPhone");
    expect((await reload(nur.id)).parentPhone).toBe("6281234567890");
    expectAssessed(body.measurements, "P", "2026-01-20");
    expect(body.measurements.map((m) => m.ageDays)).toEqual([37, 21]);

    const plan = await childPlan(nur.id);
    expect(plan).toMatchObject({ id: before.id, anchor: "2026-01-20", plannedThrough: "2026-03-02" });
    // Nothing pending is left from the old date: what waits is what the new date plans for today.
    const pending = await rt.db
      .select()
      .from(reminderFires)
      .where(and(eq(reminderFires.planId, plan.id), eq(reminderFires.status, "pending")));
    const planned = dueSlice({ programme: "child", anchor: "2026-01-20", hbLow: false }, 10, null, "2026-03-02", "2026-03-02").entries;
    const keyOf = (f: { ruleKey: string; occurrence: string; followUp: number }) => `${f.ruleKey}/${f.occurrence}/${f.followUp}`;
    expect(pending.length).toBeGreaterThan(0);
    expect(planned.map(keyOf)).toEqual(expect.arrayContaining(pending.map(keyOf)));
    for (const f of pending) expect(f).toMatchObject({ dueDate: planned.find((e) => keyOf(e) === keyOf(f))!.due });

    const [audit] = await rt.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, nur.id), eq(auditLog.action, "child.update")));
    expect(audit).toMatchObject({
      entity: "child",
      actorAccountId: w.accounts.bidanP.id,
      reason: "tanggal lahir salah ketik (Buku KIA: 20-01-2026)",
      before: { birthDate: "2026-01-05", hasNik: true },
      after: { birthDate: "2026-01-20", hasNik: true, parentPhone: "6281234567890" },
    });
    expect(JSON.stringify(audit)).not.toContain(NIK);

    // Two months of age: 5 March by the old date, 20 March by the new one.
    await live("2026-03-03", "2026-03-21");
    expect(dueDays("DPT-HB-Hib 1")).toEqual(["2026-03-20"]);
    expect(dueDays("BCG")).toEqual(["2026-03-01"]);
  });

  it("a corrected sex re-assesses the z-scores (a kader of the child's posyandu may correct it)", async () => {
    const old = await reload(nur.id);
    const res = await api("kaderP", `/api/v1/children/${nur.id}`, {
      sex: "L",
      name: "  Nur  Hidayat ",
      reason: "anak laki-laki, salah pilih",
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { child: Child; measurements: Measurement[] };
    expect(body.child).toMatchObject({ sex: "L", name: "Nur Hidayat", birthDate: old.birthDate });
    expectAssessed(body.measurements, "L", "2026-01-20");
    // Boys are heavier at the same age: the same weights score lower than they did for a girl.
    for (const m of body.measurements) {
      const asGirl = computeZScores({ sex: "P", ageDays: m.ageDays, weightKg: m.weightKg!, lengthCm: m.lengthCm!, position: "lying" }).z
        .zwei!;
      expect(m.zwei).toBeLessThan(asGirl);
    }
  });

  it("a child moved to another posyandu takes its desa, and its reminders the new posyandu day", async () => {
    expect((await childPlan(nur.id)).posyanduDay).toBe(10);
    const res = await api("puskP", `/api/v1/children/${nur.id}`, { posyanduId: w.posyandu.p1, reason: "keluarga pindah ke desa lain" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ child: { posyanduId: w.posyandu.p1, desaCode: w.desa.p1 } });
    expect((await childPlan(nur.id)).posyanduDay).toBe(12);
    // The kader of Melati no longer reaches Nur.
    expect((await api("kaderP", `/api/v1/children/${nur.id}`, { name: "Nur", reason: "salah nama" })).statusCode).toBe(404);
  });

  it("a baby born while its mother was enrolled: the child and the postnatal (KF) plans move, and the pregnancy's end", async () => {
    const [mother] = await rt.db.select().from(contacts).where(eq(contacts.id, w.people.cL0));
    const baby = await rt.db.transaction(async (tx) => {
      await enrolPregnancy(rt, tx, mother!, "2025-06-10");
      return recordBirth(rt, tx, mother!, { name: "Budi", sex: "L", birthDate: "2026-03-18" });
    });
    const res = await api("puskL", `/api/v1/children/${baby.id}`, { birthDate: "2026-03-16", reason: "lahir tanggal 16" });
    expect(res.statusCode, res.body).toBe(200);
    expect((await childPlan(baby.id, "child")).anchor).toBe("2026-03-16");
    expect((await childPlan(baby.id, "postnatal")).anchor).toBe("2026-03-16");
    const [pregnancy] = await rt.db.select().from(pregnancies).where(eq(pregnancies.childId, baby.id));
    expect(pregnancy).toMatchObject({ status: "delivered", endedOn: "2026-03-16" });
  });
});
