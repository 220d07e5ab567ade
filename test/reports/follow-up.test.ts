// Follow-up lists through the admin API: open referrals (urgent first), the referral loop per
// kecamatan, children who need a referral nobody made, children not measured for two months.
// Every expectation is written out from the seed below, not computed by the service's query.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { children } from "../../src/children/children.sql.js";
import { measurements, referrals } from "../../src/growth/growth.sql.js";
import { followUpReasons, median, monthsBefore } from "../../src/reports/follow-up.js";
import type { TestRuntime } from "../helpers/runtime.js";
import { getAs, startReportWorld } from "./fixture.js";
import type { Who, World } from "../admin/fixture.js";

let rt: TestRuntime;
let app: FastifyInstance;
let w: World;
const id: Record<string, string> = {};

// asOf 2026-09-05 (WITA). Children, by name:
//  Ani   p0  last 2026-08-10 zwfl −3.4           → gizi buruk, urgent referral open       (not unreferred)
//  Budi  p0  last 2026-08-10 zlen −3.2           → sangat pendek, NO referral              (unreferred)
//  Cici  p1  last 2026-08-12 oedema              → gizi buruk, referral closed with outcome (unreferred: closed ≠ open)
//  Dedi  l0  last 2026-06-20 2T                  → 2T, routine referral acknowledged        (not unreferred); not measured ≥ 2 months
//  Euis  l0  last 2026-08-01 zlen −3.5 flagged   → implausible: no reason                   (neither)
//  Fani  p0  never measured, registered 2026-05  → not measured
//  Gita  p0  never measured, registered 2026-08-20 → too new for "not measured"
//  Hadi  p1  last 2026-07-05 BGM                 → BGM, no referral (unreferred); last 2026-07-05 > 2026-07-05? equal → not measured (≤ cutoff)
const kids = [
  { name: "Ani", desa: "p0", posyandu: "p0", created: "2025-01-10", m: { on: "2026-08-10", zwfl: -3.4, zlen: -1 } },
  { name: "Budi", desa: "p0", posyandu: "p0", created: "2025-01-10", m: { on: "2026-08-10", zlen: -3.2, zwfl: 0 } },
  { name: "Cici", desa: "p1", posyandu: "p1", created: "2025-01-10", m: { on: "2026-08-12", oedema: true } },
  { name: "Dedi", desa: "l0", posyandu: "l0", created: "2025-01-10", m: { on: "2026-06-20", twoT: true, zlen: 0, zwfl: 0 } },
  { name: "Euis", desa: "l0", posyandu: "l0", created: "2025-01-10", m: { on: "2026-08-01", zlen: -3.5, flagged: true } },
  { name: "Fani", desa: "p0", posyandu: "p0", created: "2026-05-01", m: null },
  { name: "Gita", desa: "p0", posyandu: "p0", created: "2026-08-20", m: null },
  { name: "Hadi", desa: "p1", posyandu: "p1", created: "2025-01-10", m: { on: "2026-07-05", bgm: true, zlen: 0, zwfl: 0 } },
] as const;

beforeAll(async () => {
  ({ rt, app, w } = await startReportWorld("2026-09-05T02:00:00Z"));
  for (const [i, k] of kids.entries()) {
    const [c] = await rt.db
      .insert(children)
      .values({
        code: `FU${i}X9Z`,
        name: k.name,
        sex: "P",
        birthDate: "2024-11-01",
        desaCode: w.desa[k.desa],
        posyanduId: w.posyandu[k.posyandu],
        createdAt: new Date(`${k.created}T02:00:00Z`),
      })
      .returning({ id: children.id });
    id[k.name] = c!.id;
    const m = k.m as {
      on: string;
      zlen?: number;
      zwfl?: number;
      oedema?: boolean;
      twoT?: boolean;
      bgm?: boolean;
      flagged?: boolean;
    } | null;
    if (m) {
      await rt.db.insert(measurements).values({
        childId: c!.id,
        measuredOn: m.on,
        weightKg: 8,
        zlen: m.zlen ?? null,
        zwfl: m.zwfl ?? null,
        oedema: m.oedema ?? false,
        twoT: m.twoT ?? false,
        bgm: m.bgm ?? false,
        flags: m.flagged ? { zlen: 1 } : {},
        createdAt: new Date(`${m.on}T02:00:00Z`),
      });
    }
  }
  const at = (s: string) => new Date(s);
  await rt.db.insert(referrals).values([
    // Paringin: Ani urgent, open 5 days; Cici closed: acknowledged after 1 day, outcome after 4 days.
    {
      childId: id.Ani,
      desaCode: w.desa.p0,
      posyanduId: w.posyandu.p0,
      puskesmasId: w.puskesmas.P,
      reasons: ["severely-wasted"],
      priority: "urgent",
      createdAt: at("2026-08-31T02:00:00Z"),
    },
    {
      childId: id.Cici,
      desaCode: w.desa.p1,
      posyanduId: w.posyandu.p1,
      puskesmasId: w.puskesmas.P,
      reasons: ["oedema"],
      priority: "urgent",
      status: "closed",
      outcome: "ditangani",
      createdAt: at("2026-08-12T02:00:00Z"),
      acknowledgedAt: at("2026-08-13T02:00:00Z"),
      outcomeAt: at("2026-08-16T02:00:00Z"),
      closedAt: at("2026-08-16T02:00:00Z"),
    },
    // Lampihong: Dedi routine, acknowledged after 3 days, open since 2026-06-21.
    {
      childId: id.Dedi,
      desaCode: w.desa.l0,
      posyanduId: w.posyandu.l0,
      puskesmasId: w.puskesmas.L,
      reasons: ["2T"],
      status: "acknowledged",
      createdAt: at("2026-06-21T02:00:00Z"),
      acknowledgedAt: at("2026-06-24T02:00:00Z"),
    },
    // An older routine referral in Paringin (Budi's, last year), closed without outcome: outside the loop window from 2026-01-01.
    {
      childId: id.Budi,
      desaCode: w.desa.p0,
      posyanduId: w.posyandu.p0,
      puskesmasId: w.puskesmas.P,
      reasons: ["stunted"],
      status: "closed",
      createdAt: at("2025-06-01T02:00:00Z"),
      closedAt: at("2025-07-01T02:00:00Z"),
    },
  ]);
}, 300_000);
afterAll(async () => {
  await app?.close();
  await rt?.close();
});

const get = (who: Who, url: string) => getAs({ app, w }, who, url);

describe("follow-up rules", () => {
  it("names the reasons a last measurement needs the puskesmas, ignoring implausible values", () => {
    const base = { measuredOn: "2026-08-01", zlen: null, zwfl: null, oedema: false, twoT: false, bgm: false, flags: {} };
    expect(followUpReasons({ ...base, zwfl: -3.01 })).toEqual(["gizi-buruk"]);
    expect(followUpReasons({ ...base, zwfl: -3 })).toEqual([]); // the cut-off is "< −3"
    expect(followUpReasons({ ...base, oedema: true, zwfl: 1 })).toEqual(["gizi-buruk"]);
    expect(followUpReasons({ ...base, zlen: -3.2, flags: { zlen: 1 } })).toEqual([]);
    expect(followUpReasons({ ...base, zlen: -3.2, twoT: true, bgm: true })).toEqual(["sangat-pendek", "2T", "BGM"]);
    expect(median([])).toBeNull();
    expect(median([4, 1, 3])).toBe(3);
    expect(median([1, 2])).toBe(1.5);
    expect(monthsBefore("2026-03-31", 1)).toBe("2026-02-28");
    expect(monthsBefore("2026-01-15", 2)).toBe("2025-11-15");
  });
});

describe("GET /api/v1/reports/follow-up", () => {
  it("lists open referrals urgent first, the loop per kecamatan, the unreferred and the unmeasured for the Pokja", async () => {
    const { status, body } = await get("admin", "/api/v1/reports/follow-up?asOf=2026-09-05&from=2026-01-01");
    expect(status).toBe(200);
    expect(body.openReferrals.total).toBe(2);
    expect(body.openReferrals.urgent).toBe(1);
    expect(body.openReferrals.items.map((r: { childName: string }) => r.childName)).toEqual(["Ani", "Dedi"]);
    expect(body.openReferrals.items[0]).toMatchObject({
      priority: "urgent",
      status: "open",
      subject: "child",
      posyanduName: "Posyandu Melati",
      daysOpen: 5,
    });

    const paringin = body.loop.kecamatan.find((k: { kecamatanCode: string }) => k.kecamatanCode === "63.11.06");
    // Ani (no ack yet) and Cici (ack 1 day, outcome 4 days); Budi's is before the window.
    expect(paringin).toMatchObject({
      kecamatanName: "Paringin",
      referred: 2,
      acknowledged: 1,
      withOutcome: 1,
      medianDaysToAcknowledge: 1,
      medianDaysToOutcome: 4,
      loopClosedPercent: 50,
    });
    const lampihong = body.loop.kecamatan.find((k: { kecamatanCode: string }) => k.kecamatanCode === "63.11.05");
    expect(lampihong).toMatchObject({
      referred: 1,
      acknowledged: 1,
      withOutcome: 0,
      medianDaysToAcknowledge: 3,
      medianDaysToOutcome: null,
      loopClosedPercent: 0,
    });
    expect(body.loop.total).toMatchObject({ referred: 3, acknowledged: 2, withOutcome: 1, medianDaysToAcknowledge: 2 });

    const unreferred = Object.fromEntries(body.unreferred.map((c: { name: string; reasons: string[] }) => [c.name, c.reasons]));
    expect(unreferred).toEqual({ Budi: ["sangat-pendek"], Cici: ["gizi-buruk"], Hadi: ["BGM"] });

    expect(body.notMeasured.months).toBe(2);
    expect(body.notMeasured.items.map((c: { name: string }) => c.name).sort()).toEqual(["Dedi", "Fani", "Hadi"]);
    expect(body.notMeasured.items.find((c: { name: string }) => c.name === "Fani").lastMeasuredOn).toBeNull();
  });

  it("keeps each account to its own area", async () => {
    const puskL = (await get("puskL", "/api/v1/reports/follow-up?asOf=2026-09-05&from=2026-01-01")).body;
    expect(puskL.openReferrals.items.map((r: { childName: string }) => r.childName)).toEqual(["Dedi"]);
    expect(puskL.unreferred).toEqual([]);
    expect(puskL.loop.kecamatan.map((k: { kecamatanCode: string }) => k.kecamatanCode)).toEqual(["63.11.05"]);
    const kaderP = (await get("kaderP", "/api/v1/reports/follow-up?asOf=2026-09-05")).body;
    const names = [...kaderP.openReferrals.items, ...kaderP.unreferred, ...kaderP.notMeasured.items].map(
      (x: { name?: string; childName?: string }) => x.name ?? x.childName,
    );
    for (const n of names) expect(["Ani", "Budi", "Fani", "Gita"]).toContain(n);
    expect(names).not.toContain("Cici");
  });

  it("answers bad parameters with 400 and a field, and refuses without a session", async () => {
    const bad = await get("admin", "/api/v1/reports/follow-up?asOf=2026-09-05&from=2026-10-01");
    expect(bad.status).toBe(400);
    expect((await get("admin", "/api/v1/reports/follow-up?notMeasuredMonths=0")).status).toBe(400);
    const res = await app.inject({ method: "GET", url: "/api/v1/reports/follow-up" });
    expect(res.statusCode).toBe(401);
  });
});
