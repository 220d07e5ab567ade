// Pregnancy figures through the admin API, with every expectation written out from the seed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { pregnancies } from "../../src/children/children.sql.js";
import { contacts } from "../../src/contacts/contacts.sql.js";
import { maternalMeasurements } from "../../src/growth/growth.sql.js";
import { reminderFires, reminderPlans } from "../../src/reminders/reminders.sql.js";
import { stageOn } from "../../src/reports/pregnancy.js";
import type { TestRuntime } from "../helpers/runtime.js";
import { getAs, startReportWorld } from "./fixture.js";
import type { Who, World } from "../admin/fixture.js";

let rt: TestRuntime;
let app: FastifyInstance;
let w: World;

// Month 2026-08 (ends 2026-08-31). HPHT → gestational age on 2026-08-31:
//  Sari  p0  HPHT 2026-07-01 (8 weeks, TM I)    LiLA 22 (KEK), Hb 10.5 (anaemia); K1 confirmed
//  Rina  p0  HPHT 2026-03-01 (26 weeks, TM III) LiLA 25 then 23 later in Sept (after the month: not counted) ; K1, K2, K3 confirmed; K4 sent not confirmed
//  Tini  l0  HPHT 2026-04-20 (19 weeks, TM II)  Hb 12
//  Umi   l0  HPHT 2025-09-01 (52 weeks)         active, never closed → beyond 42 weeks
//  Vina  p0  HPHT 2025-11-01 delivered 2026-07-30 → not followed in August
//  Wati  p1  HPHT 2026-01-10 delivered 2026-09-03 → followed in August (33 weeks, TM III); K5 confirmed in September → not counted
const women = [
  {
    name: "Sari",
    desa: "p0",
    hpht: "2026-07-01",
    status: "active",
    ended: null,
    mm: [{ on: "2026-08-10", muac: 22, kek: true, hb: 10.5, anaemia: true }],
    done: [["anc-k1", "2026-08-12"]],
  },
  {
    name: "Rina",
    desa: "p0",
    hpht: "2026-03-01",
    status: "active",
    ended: null,
    mm: [
      { on: "2026-06-10", muac: 25 },
      { on: "2026-09-02", muac: 23, kek: true },
    ],
    done: [
      ["anc-k1", "2026-04-01"],
      ["anc-k2", "2026-05-01"],
      ["anc-k3", "2026-07-01"],
    ],
    sent: [["anc-k4", "2026-08-20"]],
  },
  { name: "Tini", desa: "l0", hpht: "2026-04-20", status: "active", ended: null, mm: [{ on: "2026-08-05", hb: 12 }], done: [] },
  { name: "Umi", desa: "l0", hpht: "2025-09-01", status: "active", ended: null, mm: [], done: [] },
  { name: "Vina", desa: "p0", hpht: "2025-11-01", status: "delivered", ended: "2026-07-30", mm: [], done: [["anc-k1", "2026-01-01"]] },
  { name: "Wati", desa: "p1", hpht: "2026-01-10", status: "delivered", ended: "2026-09-03", mm: [], done: [["anc-k5", "2026-09-01"]] },
] as const;

beforeAll(async () => {
  ({ rt, app, w } = await startReportWorld("2026-09-05T02:00:00Z"));
  for (const wm of women) {
    const [c] = await rt.db
      .insert(contacts)
      .values({ lang: "id", role: "pregnant", desaCode: w.desa[wm.desa] })
      .returning({ id: contacts.id });
    const [p] = await rt.db
      .insert(pregnancies)
      .values({ contactId: c!.id, hpht: wm.hpht, status: wm.status, endedOn: wm.ended, createdAt: new Date("2026-01-01T00:00:00Z") })
      .returning({ id: pregnancies.id });
    for (const m of wm.mm as readonly { on: string; muac?: number; hb?: number; kek?: boolean; anaemia?: boolean }[]) {
      await rt.db.insert(maternalMeasurements).values({
        pregnancyId: p!.id,
        measuredOn: m.on,
        muacCm: m.muac ?? null,
        hbGdl: m.hb ?? null,
        kek: m.kek ?? false,
        anaemia: m.anaemia ?? false,
      });
    }
    const [plan] = await rt.db
      .insert(reminderPlans)
      .values({ contactId: c!.id, programme: "pregnancy", pregnancyId: p!.id, anchor: wm.hpht })
      .returning({ id: reminderPlans.id });
    const fires = [
      ...wm.done.map(([key, on]) => ({ key, on, status: "done" as const })),
      ...(("sent" in wm ? wm.sent : []) as readonly (readonly [string, string])[]).map(([key, on]) => ({
        key,
        on,
        status: "sent" as const,
      })),
    ];
    for (const f of fires) {
      await rt.db.insert(reminderFires).values({
        planId: plan!.id,
        contactId: c!.id,
        ruleKey: f.key,
        occurrence: "1",
        kind: "anc",
        confirmable: true,
        messageKey: "reminders:anc.visit",
        dueDate: f.on,
        untilDate: f.on,
        sendAt: new Date(`${f.on}T01:00:00Z`),
        status: f.status,
        sentAt: new Date(`${f.on}T01:00:00Z`),
        doneAt: f.status === "done" ? new Date(`${f.on}T03:00:00Z`) : null,
      });
    }
  }
}, 300_000);
afterAll(async () => {
  await app?.close();
  await rt?.close();
});

const get = (who: Who, url: string) => getAs({ app, w }, who, url);

describe("pregnancy figures", () => {
  it("places a pregnancy in its trimester by the programme cut-offs (12 and 24 weeks), and beyond 42 weeks apart", () => {
    expect(stageOn("2026-01-01", "2026-03-26")).toBe(1); // 12 weeks exactly
    expect(stageOn("2026-01-01", "2026-03-27")).toBe(2);
    expect(stageOn("2026-01-01", "2026-06-18")).toBe(2); // 24 weeks exactly
    expect(stageOn("2026-01-01", "2026-06-19")).toBe(3);
    expect(stageOn("2026-01-01", "2026-10-22")).toBe(3); // 42 weeks exactly
    expect(stageOn("2026-01-01", "2026-10-23")).toBe("beyond42Weeks");
  });

  it("counts women followed per trimester, KEK and anaemia among the measured, and ANC confirmed, per kecamatan", async () => {
    const { status, body } = await get("admin", "/api/v1/reports/pregnancy?month=2026-08");
    expect(status).toBe(200);
    expect(body.total).toMatchObject({
      followed: 5, // Sari, Rina, Tini, Umi, Wati
      trimester: { 1: 1, 2: 1, 3: 2, beyond42Weeks: 1 },
      kek: { cases: 1, measured: 2, percent: 50 }, // Sari 22; Rina's latest by August is 25
      anaemia: { cases: 1, measured: 2, percent: 50 }, // Sari 10.5; Tini 12
      ancConfirmed: { K1: 2, K2: 1, K3: 1, K4: 0, K5: 0, K6: 0 },
    });
    const paringin = body.kecamatan.find((k: { code: string }) => k.code === "63.11.06");
    expect(paringin).toMatchObject({ name: "Paringin", followed: 3, trimester: { 1: 1, 2: 0, 3: 2, beyond42Weeks: 0 } });
    const lampihong = body.kecamatan.find((k: { code: string }) => k.code === "63.11.05");
    expect(lampihong).toMatchObject({ followed: 2, trimester: { 2: 1, beyond42Weeks: 1 }, kek: { measured: 0, percent: null } });
  });

  it("keeps a puskesmas to its area and answers a bad month with 400", async () => {
    const { body } = await get("puskL", "/api/v1/reports/pregnancy?month=2026-08");
    expect(body.total.followed).toBe(2);
    expect(body.kecamatan.map((k: { code: string }) => k.code)).toEqual(["63.11.05"]);
    expect((await get("admin", "/api/v1/reports/pregnancy?month=2026-13")).status).toBe(400);
  });
});
