// `npm run demo` fills an empty installation with a synthetic regency whose
// printed staff passwords work, and refuses one that already has children.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import { queryRows } from "../../src/db/client.js";
import { fillDemo, type DemoSummary } from "../../scripts/demo.js";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.js";

let rt: TestRuntime;
let summary: DemoSummary | null;
beforeAll(async () => {
  rt = await createTestRuntime();
  // One kecamatan (Paringin) keeps the test small; the whole regency is the same loop.
  summary = await fillDemo(rt, { childrenPerPosyandu: 2, seed: 7, today: "2026-11-27", kecamatan: "63.11.06" });
}, 300_000);
afterAll(async () => rt?.close());

describe("npm run demo", () => {
  it("fills posyandu, kader, children measured over two years, pregnancies and staff", async () => {
    expect(summary).not.toBeNull();
    const s = summary!;
    expect(s.posyandu).toBeGreaterThan(10); // one per desa of Paringin
    expect(s.children).toBe(2 * s.posyandu);
    expect(s.measurements).toBeGreaterThan(s.children * 5);
    const [row] = await queryRows<{ kader: number; pregnancies: number; span: number; unassessed: number }>(
      rt.db,
      sql`select
            (select count(*)::int from contacts where role = 'kader' and kader_status = 'active' and name is not null) as kader,
            (select count(*)::int from pregnancies) as pregnancies,
            (select (max(measured_on) - min(measured_on))::int from measurements) as span,
            (select count(*)::int from measurements where zlen is null or status_tbu is null) as unassessed`,
    );
    expect(row).toMatchObject({ kader: s.posyandu, pregnancies: s.pregnancies, unassessed: 0 });
    expect(row!.span).toBeGreaterThanOrEqual(700);
  });

  it("prints passwords that sign in", async () => {
    const app = await buildApp(rt, { admin: { loginRateLimit: 10_000 } });
    try {
      const pokja = summary!.accounts.find((a) => a.role === "pokja_admin")!;
      const res = await app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { username: pokja.username, password: pokja.password },
      });
      expect(res.statusCode).toBe(200);
      expect(summary!.accounts.filter((a) => a.role === "puskesmas")).toHaveLength(summary!.puskesmas);
    } finally {
      await app.close();
    }
  });

  it("never fills an installation that already has children", async () => {
    expect(await fillDemo(rt, { childrenPerPosyandu: 1, seed: 7, today: "2026-11-27" })).toBeNull();
  });
});
