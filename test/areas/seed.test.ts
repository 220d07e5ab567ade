import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { areas, seedAreas } from "../../src/areas/index.js";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.js";

describe("Balangan geography", () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime();
  });
  afterAll(async () => {
    await rt?.close();
  });

  it("holds the 8 kecamatan and 157 desa/kelurahan of regency 63.11", async () => {
    const counts = await rt.db
      .select({ level: areas.level, n: sql<number>`count(*)::int` })
      .from(areas)
      .groupBy(areas.level);
    expect(Object.fromEntries(counts.map((c) => [c.level, c.n]))).toEqual({ kabupaten: 1, kecamatan: 8, desa: 157 });
    const kecamatan = await rt.db.select({ name: areas.name }).from(areas).where(eq(areas.level, "kecamatan"));
    expect(kecamatan.map((k) => k.name).sort()).toEqual([
      "Awayan",
      "Batu Mandi",
      "Halong",
      "Juai",
      "Lampihong",
      "Paringin",
      "Paringin Selatan",
      "Tebing Tinggi",
    ]);
    const [kab] = await rt.db.select().from(areas).where(eq(areas.code, "63.11"));
    expect(kab?.name).toBe("Kabupaten Balangan");
  });

  it("does not seed twice", async () => {
    expect(await seedAreas(rt.db)).toBe(0);
  });
});
