// The growth HTTP API on a real database: z-scores in JSON for staff, and referrals scoped to the
// caller's area (admin module's auth and whereInScope).
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../src/admin/auth.js";
import { staffAccounts } from "../../src/admin/index.js";
import { buildApp } from "../../src/app.js";
import { insertChild } from "../../src/children/index.js";
import { assessRow } from "../../src/growth/batch.js";
import { referrals } from "../../src/growth/growth.sql.js";
import { posyandu, puskesmas, puskesmasDesa } from "../../src/health-units/health-units.sql.js";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.js";

const BATU_PIRING = "63.11.07.2003";
const MUARA_NINIAN = "63.11.01.2001";

describe("growth API", () => {
  let rt: TestRuntime;
  let app: FastifyInstance;
  const token: Record<"pusk" | "other" | "kader", string> = { pusk: "", other: "", kader: "" };
  const ids: Record<"mine" | "theirs", string> = { mine: "", theirs: "" };

  beforeAll(async () => {
    rt = await createTestRuntime();
    app = await buildApp(rt);
    const now = rt.clock.now();
    const [a] = await rt.db.insert(puskesmas).values({ name: "Puskesmas Paringin Selatan" }).returning();
    const [b] = await rt.db.insert(puskesmas).values({ name: "Puskesmas Juai" }).returning();
    await rt.db.insert(puskesmasDesa).values([
      { puskesmasId: a!.id, desaCode: BATU_PIRING },
      { puskesmasId: b!.id, desaCode: MUARA_NINIAN },
    ]);
    const [y] = await rt.db.insert(posyandu).values({ name: "Posyandu Melati", desaCode: BATU_PIRING }).returning();
    const [pusk, other, kader] = await rt.db
      .insert(staffAccounts)
      .values([
        { username: "pusk.a", name: "A", role: "puskesmas", puskesmasId: a!.id },
        { username: "pusk.b", name: "B", role: "puskesmas", puskesmasId: b!.id },
        { username: "kader.a", name: "K", role: "kader", posyanduId: y!.id },
      ])
      .returning();
    token.pusk = (await createApiToken(rt.db, pusk!.id, "test", now, null)).token;
    token.other = (await createApiToken(rt.db, other!.id, "test", now, null)).token;
    token.kader = (await createApiToken(rt.db, kader!.id, "test", now, null)).token;
    const child = await insertChild(rt.db, { name: "Budi", sex: "L", birthDate: "2025-03-12", desaCode: BATU_PIRING, posyanduId: y!.id });
    const [mine] = await rt.db
      .insert(referrals)
      .values({ childId: child.id, puskesmasId: a!.id, desaCode: BATU_PIRING, posyanduId: y!.id, reasons: ["stunted"], createdAt: now })
      .returning();
    const [theirs] = await rt.db
      .insert(referrals)
      .values({ puskesmasId: b!.id, desaCode: MUARA_NINIAN, reasons: ["kek"], createdAt: now })
      .returning();
    ids.mine = mine!.id;
    ids.theirs = theirs!.id;
  });
  afterAll(async () => {
    await app?.close();
    await rt?.close();
  });

  const call = (method: "GET" | "POST", url: string, who?: keyof typeof token, payload?: unknown) =>
    app.inject({
      method,
      url,
      ...(who ? { headers: { authorization: `Bearer ${token[who]}` } } : {}),
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });

  it("refuses anonymous callers", async () => {
    const res = await call("POST", "/api/v1/growth/assess", undefined, { sex: "L", age_days: 300, weight_kg: 8 });
    expect(res.statusCode).toBe(401);
  });

  it("assesses one measurement with the CLI's columns, numbers or text", async () => {
    const row = { sex: "1", birth_date: "2025-03-12", measured_at: "2026-11-27", weight_kg: 8.2, lenhei_cm: "72,5", measure: "l" };
    const res = await call("POST", "/api/v1/growth/assess", "kader", row);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { results: Record<string, string>[] };
    expect(body.results).toEqual([assessRow({ ...row, weight_kg: "8.2" })]);
    expect(body.results[0]).toMatchObject({ zlen: "-4.29", status_tbu: "severely-stunted", error: "" });
  });

  it("assesses many measurements, keeping each row's id and error", async () => {
    const res = await call("POST", "/api/v1/growth/assess", "pusk", {
      measurements: [
        { id: "a", sex: "P", age_days: 200, weight_kg: 7 },
        { id: "b", sex: "x", age_days: 200, weight_kg: 7 },
      ],
    });
    expect(res.statusCode).toBe(200);
    const { results } = res.json() as { results: Record<string, string>[] };
    expect(results.map((r) => [r.id, r.error])).toEqual([
      ["a", ""],
      ["b", "bad-sex"],
    ]);
  });

  it("leaves a status blank where the input is invalid or WHO flags the z-score, and says why", async () => {
    const res = await call("POST", "/api/v1/growth/assess", "pusk", {
      measurements: [
        { id: "negative-age", sex: "L", age_days: -5, weight_kg: 9, lenhei_cm: 75, measure: "l" },
        { id: "flagged", sex: "L", age_days: 365, weight_kg: 19, lenhei_cm: 75, measure: "l" },
        { id: "oedema", sex: "P", age_days: 500, weight_kg: 8.1, lenhei_cm: 76, measure: "l", oedema: "y" },
        { id: "muac", sex: "P", age_days: 400, weight_kg: 8.2, lenhei_cm: 74, measure: "l", muac_cm: 14.2 },
        { id: "60-months", sex: "P", age_days: 1826.25, weight_kg: 17, lenhei_cm: 108, measure: "h" },
      ],
    });
    expect(res.statusCode).toBe(200);
    const { columns, results } = res.json() as { columns: string[]; results: Record<string, string>[] };
    expect(columns).toContain("status_bbtb_label");
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId["negative-age"]).toMatchObject({ zwfl: "", status_bbtb: "", status_bbtb_label: "", error: "bad-age" });
    expect(byId.flagged).toMatchObject({ fwfl: "1", status_bbtb: "", status_bbu: "", status_tbu: "normal", status_tbu_label: "Normal" });
    expect(byId.flagged?.error).toContain("who-flag-zwfl");
    expect(byId.oedema).toMatchObject({
      zwfl: "",
      status_bbtb: "severely-wasted",
      status_bbtb_label: "Gizi buruk (edema)",
      status_bbu: "",
      error: "oedema",
    });
    expect(byId.muac).toMatchObject({ zac: "-0.04", fac: "0", status_bbu: "normal", status_bbu_label: "Berat badan normal", error: "" });
    expect(byId["60-months"]).toMatchObject({ zwei: "", zwfl: "", status_bbu: "", status_bbtb: "", error: "too-old" });
  });

  it("rejects unknown fields", async () => {
    const res = await call("POST", "/api/v1/growth/assess", "pusk", { sex: "L", age_days: 10, nama: "Budi" });
    expect(res.statusCode).toBe(400);
  });

  it("lists only referrals of the caller's area", async () => {
    const mine = (await call("GET", "/api/v1/referrals", "pusk")).json() as { items: { id: string }[] };
    expect(mine.items.map((r) => r.id)).toEqual([ids.mine]);
    const kader = (await call("GET", "/api/v1/referrals?status=open", "kader")).json() as { items: { id: string }[] };
    expect(kader.items.map((r) => r.id)).toEqual([ids.mine]);
  });

  it("acknowledges and closes a referral; other areas and kader cannot", async () => {
    expect((await call("POST", `/api/v1/referrals/${ids.mine}/acknowledge`, "other")).statusCode).toBe(404);
    expect((await call("POST", `/api/v1/referrals/${ids.mine}/acknowledge`, "kader")).statusCode).toBe(403);
    const ack = await call("POST", `/api/v1/referrals/${ids.mine}/acknowledge`, "pusk");
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ referral: { status: "acknowledged" } });
    const came = await call("POST", `/api/v1/referrals/${ids.mine}/outcome`, "pusk", { outcome: "datang" });
    expect(came.json()).toMatchObject({ referral: { status: "acknowledged", outcome: "datang" } });
    const done = await call("POST", `/api/v1/referrals/${ids.mine}/outcome`, "pusk", { outcome: "sembuh-membaik" });
    expect(done.json()).toMatchObject({ referral: { status: "closed", outcome: "sembuh-membaik" } });
    expect((await call("POST", `/api/v1/referrals/${ids.mine}/outcome`, "pusk", { outcome: "ditangani" })).statusCode).toBe(409);
    expect((await call("POST", `/api/v1/referrals/${ids.mine}/outcome`, "pusk", { outcome: "hilang" })).statusCode).toBe(400);
  });
});
