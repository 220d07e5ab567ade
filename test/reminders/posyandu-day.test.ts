// Issue #6: the posyandu-day reminder follows the posyandu's real day. Families enrol by chat, the
// Pokja/puskesmas changes posyandu through the admin API, and the ManualClock moves a day at a time
// with the reminder tick running as the cron job would.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { areas } from "../../src/areas/areas.sql.js";
import { auditLog } from "../../src/platform/audit.sql.js";
import { children } from "../../src/children/index.js";
import { contactChannels } from "../../src/contacts/contacts.sql.js";
import { syncPosyanduDays } from "../../src/reminders/index.js";
import { reminderFires, reminderPlans } from "../../src/reminders/reminders.sql.js";
import { startServiceWorld, type ServiceWorld, type World } from "../admin/fixture.js";
import type { TestRuntime } from "../helpers/runtime.js";
import type { Reply } from "../helpers/web-chat.js";

// A: parent, child Nur at Posyandu Melati (day 10); B: pregnant, Posyandu Mawar (day 12);
// C: parent, child Dewi at Posyandu Kenanga, created without a day.
const A = "ibu-melati";
const B = "ibu-mawar";
const C = "ibu-kenanga";

describe("posyandu-day reminders follow the posyandu's day", () => {
  let rt: TestRuntime;
  let w: World;
  let kenanga = "";
  let dahlia = "";
  const received: Record<string, { day: string; text: string }[]> = { [A]: [], [B]: [], [C]: [] };

  let sw: ServiceWorld;
  const send = (from: string, message: string | { payload: string }): Promise<Reply[]> => sw.chat(from, message);
  const say = async (from: string, message: string | { payload: string }) => (await send(from, message)).map((r) => r.text).join("\n");
  /** The admin API as the Pokja admin. */
  const api = (method: "POST" | "PATCH" | "DELETE", url: string, payload?: object) => sw.asStaff("admin", method, url, payload);
  const setWita = (local: string) => sw.setWita(local);

  /** DAFTAR in a desa, picking the given posyandu. */
  async function register(from: string, role: "parent" | "pregnant", desaCode: string, posyanduId: string): Promise<string> {
    const [desa] = await rt.db.select({ name: areas.name }).from(areas).where(eq(areas.code, desaCode));
    await send(from, "DAFTAR");
    await send(from, "1");
    await send(from, { payload: "yes" });
    await send(from, { payload: `role:${role}` });
    let replies = await send(from, desa!.name);
    const buttons = () => replies.flatMap((r) => r.buttons ?? []).map((b) => b.payload);
    if (buttons().includes(`desa:${desaCode}`)) replies = await send(from, { payload: `desa:${desaCode}` });
    expect(buttons()).toContain(`posyandu:${posyanduId}`);
    return say(from, { payload: `posyandu:${posyanduId}` });
  }

  /** The reminder ticks of each day; what reaches each family is collected. */
  async function live(fromDay: string, toDay: string): Promise<void> {
    for (const r of await sw.liveDays(fromDay, toDay, Object.keys(received))) received[r.from]!.push({ day: r.day, text: r.text });
  }
  /** Days on which `from` heard about the posyandu, with the date named. */
  const posyanduDays = (from: string) =>
    received[from]!.filter((r) => /hari posyandu/.test(r.text)).map(
      (r) => `${r.day} ${/\(([^)]*\d{4})\) hari posyandu|jadi besok \(([^)]*)\)/.exec(r.text)?.slice(1).find(Boolean)}`,
    );
  const planOf = async (from: string) => {
    const [row] = await rt.db
      .select({ plan: reminderPlans })
      .from(reminderPlans)
      .innerJoin(contactChannels, eq(contactChannels.contactId, reminderPlans.contactId))
      .where(and(eq(contactChannels.address, sw.addressOf(from)), eq(reminderPlans.status, "active")));
    return row!.plan;
  };

  beforeAll(async () => {
    sw = await startServiceWorld({ now: "2026-02-28T23:00:00Z" }); // 1 March, 07:00 WITA
    ({ rt, w } = sw);
  });
  afterAll(async () => sw?.close());

  it("enrols three families by chat, one at a posyandu that has no day yet", async () => {
    const created = await api("POST", "/api/v1/posyandu", { name: "Posyandu Kenanga", desaCode: w.desa.p2 });
    expect(created.statusCode).toBe(201);
    kenanga = (created.json() as { posyandu: { id: string } }).posyandu.id;

    expect(await register(A, "parent", w.desa.p0, w.posyandu.p0)).toMatch(/tanggal lahir anak/);
    await say(A, "01-12-2025");
    await say(A, "Nur");
    await say(A, "P");
    expect(await say(A, "tidak")).toMatch(/TAMBAH ANAK/);
    expect(await register(B, "pregnant", w.desa.p1, w.posyandu.p1)).toMatch(/HPHT/);
    expect(await say(B, "hamil 12 minggu")).toMatch(/HPL/);
    expect(await register(C, "parent", w.desa.p2, kenanga)).toMatch(/tanggal lahir anak/);
    await say(C, "01-10-2025");
    await say(C, "Dewi");
    await say(C, "P");
    await say(C, "tidak");

    expect((await planOf(A)).posyanduDay).toBe(10);
    expect((await planOf(B)).posyanduDay).toBe(12);
    expect((await planOf(C)).posyanduDay).toBeNull();
    await live("2026-03-01", "2026-03-09");
    expect(posyanduDays(A)).toEqual(["2026-03-09 10 Maret 2026"]);
  });

  it("a changed day moves the reminder: told of the 10th, the family hears once that it is the 20th", async () => {
    setWita("2026-03-09T12:00");
    const res = await api("PATCH", `/api/v1/posyandu/${w.posyandu.p0}`, { dayOfMonth: 20 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ posyandu: { dayOfMonth: 20 } });
    // The audit entry is as before: the posyandu's row before and after.
    const [audit] = await rt.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "posyandu.update"), eq(auditLog.entityId, w.posyandu.p0)));
    expect(audit).toMatchObject({ before: { dayOfMonth: 10 }, after: { dayOfMonth: 20 } });
    const plan = await planOf(A);
    expect(plan.posyanduDay).toBe(20);
    // The moved reminder waits for 19 March; nothing else posyandu is pending.
    const pending = await rt.db
      .select()
      .from(reminderFires)
      .where(and(eq(reminderFires.planId, plan.id), eq(reminderFires.kind, "posyandu"), eq(reminderFires.status, "pending")));
    expect(pending.map((f) => [f.occurrence, f.dueDate, f.messageKey])).toEqual([
      ["2026-03-20", "2026-03-19", "reminders:posyandu.childMoved"],
    ]);
    // The same day again changes nothing.
    expect((await api("PATCH", `/api/v1/posyandu/${w.posyandu.p0}`, { dayOfMonth: 20 })).statusCode).toBe(200);
    expect(await rt.db.transaction((tx) => syncPosyanduDays(rt, tx, { posyanduId: w.posyandu.p0 }))).toEqual({ plans: 0, fires: 0 });
    // A bad day is refused with the field named, and changes nothing.
    const bad = await api("PATCH", `/api/v1/posyandu/${w.posyandu.p0}`, { dayOfMonth: 0 });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toMatch(/dayOfMonth/);
    expect((await planOf(A)).posyanduDay).toBe(20);

    await live("2026-03-10", "2026-03-13");
    expect(posyanduDays(B)).toEqual(["2026-03-11 12 Maret 2026"]);
  });

  it("a change after this month's posyandu took place starts next month, without a second one this month", async () => {
    setWita("2026-03-13T12:00");
    expect((await api("PATCH", `/api/v1/posyandu/${w.posyandu.p1}`, { dayOfMonth: 25 })).statusCode).toBe(200);
    expect((await planOf(B)).posyanduDay).toBe(25);
    // Kenanga gets its day: Dewi's plan starts producing posyandu reminders.
    expect((await api("PATCH", `/api/v1/posyandu/${kenanga}`, { dayOfMonth: 15 })).statusCode).toBe(200);
    expect((await planOf(C)).posyanduDay).toBe(15);
    await live("2026-03-14", "2026-03-16");
    expect(posyanduDays(C)).toEqual(["2026-03-14 15 Maret 2026"]);
  });

  it("a child moved to another posyandu follows its day; deleting that posyandu ends them", async () => {
    setWita("2026-03-16T12:00");
    const created = await api("POST", "/api/v1/posyandu", { name: "Posyandu Dahlia", desaCode: w.desa.p2, dayOfMonth: 18 });
    dahlia = (created.json() as { posyandu: { id: string } }).posyandu.id;
    const [dewi] = await rt.db.select().from(children).where(eq(children.name, "Dewi"));
    await rt.db.transaction(async (tx) => {
      await tx.update(children).set({ posyanduId: dahlia }).where(eq(children.id, dewi!.id));
      expect(await syncPosyanduDays(rt, tx, { childId: dewi!.id })).toMatchObject({ plans: 1 });
    });
    expect((await planOf(C)).posyanduDay).toBe(18);

    await live("2026-03-17", "2026-04-25");
    // Melati: the moved notice the day before the new date, then the new day only.
    expect(posyanduDays(A)).toEqual(["2026-03-09 10 Maret 2026", "2026-03-19 20 Maret 2026", "2026-04-19 20 April 2026"]);
    expect(received[A]!.find((r) => r.day === "2026-03-19")?.text).toMatch(
      /Jadwal posyandu bulan ini berubah: hari posyandu jadi besok \(20 Maret 2026\)/,
    );
    // Mawar: March's posyandu (the 12th) had passed, so the 25th starts in April.
    expect(posyanduDays(B)).toEqual(["2026-03-11 12 Maret 2026", "2026-04-24 25 April 2026"]);
    // Dewi had March's posyandu at Kenanga; from April, Dahlia's day.
    expect(posyanduDays(C)).toEqual(["2026-03-14 15 Maret 2026", "2026-04-17 18 April 2026"]);

    setWita("2026-04-25T12:00");
    expect((await api("DELETE", `/api/v1/posyandu/${dahlia}`)).statusCode).toBe(204);
    const [after] = await rt.db.select().from(children).where(eq(children.id, dewi!.id));
    expect(after?.posyanduId).toBeNull();
    expect((await planOf(C)).posyanduDay).toBeNull();
    await live("2026-04-26", "2026-05-20");
    expect(posyanduDays(C)).toEqual(["2026-03-14 15 Maret 2026", "2026-04-17 18 April 2026"]);
    expect(posyanduDays(A).at(-1)).toBe("2026-05-19 20 Mei 2026");
    // Other reminders went on as before (Nur's and Dewi's immunisation, tips).
    expect(received[C]!.length).toBeGreaterThan(2);
  });

  it("a posyandu's day removed stops its reminders; given again, they come back", async () => {
    setWita("2026-05-20T12:00");
    expect((await api("PATCH", `/api/v1/posyandu/${w.posyandu.p0}`, { dayOfMonth: null })).statusCode).toBe(200);
    expect((await planOf(A)).posyanduDay).toBeNull();
    await live("2026-05-21", "2026-06-21");
    expect(posyanduDays(A).at(-1)).toBe("2026-05-19 20 Mei 2026");
    setWita("2026-06-21T12:00");
    expect((await api("PATCH", `/api/v1/posyandu/${w.posyandu.p0}`, { dayOfMonth: 31 })).statusCode).toBe(200);
    await live("2026-06-22", "2026-07-31");
    // 31 → the last day of a shorter month (30 June).
    expect(posyanduDays(A).slice(-2)).toEqual(["2026-06-29 30 Juni 2026", "2026-07-30 31 Juli 2026"]);
  });
});
