// Desa lokus: the Pokja names the focus villages, and every figure can be limited to them or to the
// rest. Expectations are written out from the small seed below.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { eq } from "drizzle-orm";
import { auditLog } from "../../src/platform/audit.sql.js";
import { children } from "../../src/children/children.sql.js";
import { measurements } from "../../src/growth/growth.sql.js";
import type { TestRuntime } from "../helpers/runtime.js";
import { startReportWorld } from "./fixture.js";
import type { Who, World } from "../admin/fixture.js";

let rt: TestRuntime;
let app: FastifyInstance;
let w: World;

// August 2026, measured children: p0 (lokus) 3 of whom 2 stunted; p1 2 (1 stunted); l0 4 (0 stunted).
const seed: { desa: "p0" | "p1" | "l0"; zlen: number }[] = [
  { desa: "p0", zlen: -2.5 },
  { desa: "p0", zlen: -3.1 },
  { desa: "p0", zlen: 0 },
  { desa: "p1", zlen: -2.2 },
  { desa: "p1", zlen: 1 },
  { desa: "l0", zlen: 0 },
  { desa: "l0", zlen: -1 },
  { desa: "l0", zlen: 0.5 },
  { desa: "l0", zlen: -1.9 },
];

beforeAll(async () => {
  ({ rt, app, w } = await startReportWorld("2026-09-05T02:00:00Z"));
  for (const [i, s] of seed.entries()) {
    const [c] = await rt.db
      .insert(children)
      .values({
        code: `LK${i}Q7W`,
        name: `Anak ${i}`,
        sex: "L",
        birthDate: "2025-01-01",
        desaCode: w.desa[s.desa],
        posyanduId: w.posyandu[s.desa],
        createdAt: new Date("2025-02-01T00:00:00Z"),
      })
      .returning({ id: children.id });
    await rt.db.insert(measurements).values({
      childId: c!.id,
      measuredOn: "2026-08-10",
      weightKg: 9,
      zlen: s.zlen,
      zwei: 0,
      zwfl: 0,
      createdAt: new Date("2026-08-10T02:00:00Z"),
    });
  }
}, 300_000);
afterAll(async () => {
  await app?.close();
  await rt?.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads the JSON loosely
const call = async (who: Who, method: "GET" | "PUT", url: string, payload?: object): Promise<{ status: number; body: any }> => {
  const res = await app.inject({ method, url, headers: { cookie: w.cookie[who] }, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.json() };
};

describe("desa lokus", () => {
  it("is set by the Pokja only, checked against the regency's desa, listed for all staff and audited", async () => {
    expect((await call("puskP", "PUT", "/api/v1/reports/lokus", { desaCodes: [w.desa.p0], year: 2026 })).status).toBe(403);
    expect((await call("admin", "PUT", "/api/v1/reports/lokus", { desaCodes: [w.desa.p0, "63.11.06"], year: 2026 })).status).toBe(400); // a kecamatan
    const bad = await call("admin", "PUT", "/api/v1/reports/lokus", { desaCodes: [w.desa.p0, "63.11.06.9999"], year: 2026 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("63.11.06.9999");
    const ok = await call("admin", "PUT", "/api/v1/reports/lokus", {
      desaCodes: [w.desa.p0],
      year: 2026,
      decree: "SK Bupati Balangan (contoh)",
    });
    expect(ok.status).toBe(200);
    const listed = await call("bidanL", "GET", "/api/v1/reports/lokus");
    expect(listed.body.items).toEqual([
      expect.objectContaining({ desaCode: w.desa.p0, kecamatanCode: "63.11.06", year: 2026, decree: "SK Bupati Balangan (contoh)" }),
    ]);
    const audit = await rt.db.select().from(auditLog).where(eq(auditLog.action, "desa_lokus.replace"));
    expect(audit).toHaveLength(1);
  });

  it("limits prevalence to the lokus or to the other desa, with the regency line beside both", async () => {
    const only = (await call("admin", "GET", "/api/v1/reports/prevalence?month=2026-08&lokus=only")).body;
    expect(only.total.indicators.stunting).toMatchObject({ cases: 2, measured: 3 });
    expect(only.regency.indicators.stunting).toMatchObject({ cases: 3, measured: 9 });
    const others = (await call("admin", "GET", "/api/v1/reports/prevalence?month=2026-08&lokus=others")).body;
    expect(others.total.indicators.stunting).toMatchObject({ cases: 1, measured: 6 });
    const all = (await call("admin", "GET", "/api/v1/reports/prevalence?month=2026-08")).body;
    expect(all.total.indicators.stunting).toMatchObject({ cases: 3, measured: 9 });
  });

  it("applies to the trend, SKDN and follow-up lists too, within the caller's area", async () => {
    const trend = (await call("admin", "GET", "/api/v1/reports/trend?from=2026-08&to=2026-08&lokus=only")).body;
    expect(trend.months[0].total.measured).toBe(3);
    const skdn = (await call("admin", "GET", "/api/v1/reports/skdn?month=2026-08&lokus=others")).body;
    expect(skdn.posyandu.map((p: { posyanduId: string }) => p.posyanduId).sort()).toEqual([w.posyandu.p1, w.posyandu.l0].sort());
    const puskL = (await call("puskL", "GET", "/api/v1/reports/prevalence?month=2026-08&lokus=only")).body;
    expect(puskL.total.measured).toBe(0); // Lampihong has no lokus
    const followUp = (await call("admin", "GET", "/api/v1/reports/follow-up?asOf=2026-09-05&lokus=only")).body;
    expect(followUp.unreferred.map((c: { name: string }) => c.name)).toEqual(["Anak 1"]); // sangat pendek, in p0
    expect((await call("admin", "GET", "/api/v1/reports/prevalence?month=2026-08&lokus=some")).status).toBe(400);
  });
});
