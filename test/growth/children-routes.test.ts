import { eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../src/platform/audit.sql.js";
import { insertChild, type Child } from "../../src/children/index.js";
import { measurements } from "../../src/growth/growth.sql.js";
import { evaluateReport, saveMeasurement } from "../../src/growth/reports.js";
import { buildAdminApp, seedWorld, type Who, type World } from "../admin/fixture.js";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.js";

describe("children and measurements API", () => {
  let rt: TestRuntime;
  let app: FastifyInstance;
  let w: World;
  let paringin: Child;
  let lampihong: Child;
  let measurementId: string;
  const call = (who: Who, method: "GET" | "PATCH", url: string, payload?: object) =>
    app.inject({ method, url, payload, headers: { cookie: w.cookie[who] } });

  beforeAll(async () => {
    rt = await createTestRuntime();
    w = await seedWorld(rt);
    app = await buildAdminApp(rt);
    paringin = await insertChild(rt.db, {
      name: "Nur Aisyah",
      sex: "P",
      birthDate: "2025-06-01",
      desaCode: w.desa.p0,
      posyanduId: w.posyandu.p0,
      nik: "6311061234560001",
    });
    lampihong = await insertChild(rt.db, {
      name: "Ahmad",
      sex: "L",
      birthDate: "2024-01-15",
      desaCode: w.desa.l0,
      posyanduId: w.posyandu.l0,
    });
    const ev = await evaluateReport(
      rt.db,
      paringin,
      { childId: paringin.id, measuredOn: "2026-11-20", weightKg: 6.1, lengthCm: 70, position: "lying" },
      "2026-11-27",
    );
    measurementId = (
      await saveMeasurement(rt.db, paringin, ev, { sentByContactId: null, now: rt.clock.now(), confirmed: true, source: "chat" })
    ).id;
  });
  afterAll(async () => {
    await app?.close();
    await rt?.close();
  });

  it("lists and reads only the children of the caller's area, never showing the NIK", async () => {
    const names = async (who: Who) =>
      ((await call(who, "GET", "/api/v1/children")).json() as { items: { name: string }[] }).items.map((c) => c.name);
    expect(await names("admin")).toEqual(["Ahmad", "Nur Aisyah"]);
    expect(await names("puskP")).toEqual(["Nur Aisyah"]);
    expect(await names("bidanL")).toEqual(["Ahmad"]);
    expect(await names("kaderP")).toEqual(["Nur Aisyah"]);
    expect((await call("puskL", "GET", `/api/v1/children/${paringin.id}`)).statusCode).toBe(404);
    const one = await call("bidanP", "GET", `/api/v1/children/${paringin.id}`);
    expect(one.json()).toMatchObject({ child: { name: "Nur Aisyah", hasNik: true }, measurements: [{ weightKg: 6.1 }] });
    expect(one.body).not.toContain("6311061234560001");
    expect((await call("kaderL", "GET", `/api/v1/children?q=${paringin.code}`)).json()).toMatchObject({ total: 0 });
    void lampihong;
  });

  it("corrects a measurement with a reason: re-assessed, the old one kept, the change audited", async () => {
    expect(
      (await call("bidanL", "PATCH", `/api/v1/measurements/${measurementId}`, { reason: "salah ketik", weightKg: 7.1 })).statusCode,
    ).toBe(404);
    expect((await call("bidanP", "PATCH", `/api/v1/measurements/${measurementId}`, { weightKg: 7.1 })).statusCode).toBe(400);
    const res = await call("bidanP", "PATCH", `/api/v1/measurements/${measurementId}`, {
      reason: "salah ketik: 7,1 bukan 6,1",
      weightKg: 7.1,
    });
    expect(res.statusCode, res.body).toBe(200);
    const corrected = res.json().measurement;
    expect(corrected).toMatchObject({
      weightKg: 7.1,
      lengthCm: 70,
      correctedFromId: measurementId,
      correctionReason: "salah ketik: 7,1 bukan 6,1",
    });
    const [old] = await rt.db.select().from(measurements).where(eq(measurements.id, measurementId));
    expect(corrected.zwei).toBeGreaterThan(old!.zwei!); // re-assessed with the corrected weight
    expect(old?.cancelledAt).toBeInstanceOf(Date);
    const audit = await rt.db.select().from(auditLog).where(eq(auditLog.entityId, measurementId));
    expect(audit.map((a) => a.action)).toEqual(["measurement.correct"]);
    expect((await call("bidanP", "PATCH", `/api/v1/measurements/${measurementId}`, { reason: "lagi", weightKg: 7 })).statusCode).toBe(409);
  });
});
