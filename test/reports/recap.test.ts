// Recap exports (F1 per posyandu, kabupaten per puskesmas) and the publication table, read back
// from the CSV the API sends; expectations written out from the seed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { children } from "../../src/children/children.sql.js";
import { measurements } from "../../src/growth/growth.sql.js";
import type { TestRuntime } from "../helpers/runtime.js";
import { startReportWorld } from "./fixture.js";
import type { Who, World } from "../admin/fixture.js";

let rt: TestRuntime;
let app: FastifyInstance;
let w: World;

// August 2026. Posyandu Melati (p0): 3 children, 2 weighed (N, T), statuses below; one not weighed.
// Posyandu Mawar (p1): 1 child weighed (N, BGM). Posyandu Anggrek (l0, Lampihong): 1 child weighed (O).
const seed = [
  { p: "p0", m: { code: "N", tbu: "stunted", bbu: "normal", bbtb: "normal" } },
  { p: "p0", m: { code: "T", tbu: "severely-stunted", bbu: "underweight", bbtb: "severely-wasted-oedema" } },
  { p: "p0", m: null },
  { p: "p1", m: { code: "N", tbu: "normal", bbu: "severely-underweight", bbtb: "wasted", bgm: true } },
  { p: "l0", m: { code: "O", tbu: "normal", bbu: "normal", bbtb: "normal" } },
] as const;

beforeAll(async () => {
  ({ rt, app, w } = await startReportWorld("2026-09-05T02:00:00Z"));
  for (const [i, s] of seed.entries()) {
    const [c] = await rt.db
      .insert(children)
      .values({
        code: `RC${i}M4P`,
        name: `Anak ${i}`,
        sex: "P",
        birthDate: "2025-03-01",
        desaCode: w.desa[s.p],
        posyanduId: w.posyandu[s.p],
        createdAt: new Date("2025-04-01T00:00:00Z"),
      })
      .returning({ id: children.id });
    if (s.m) {
      await rt.db.insert(measurements).values({
        childId: c!.id,
        measuredOn: "2026-08-10",
        weightKg: 8,
        lengthCm: 70,
        growthCode: s.m.code,
        bgm: "bgm" in s.m,
        statusTbu: s.m.tbu,
        zlen: { "severely-stunted": -3.5, stunted: -2.5, normal: 0 }[s.m.tbu],
        statusBbu: s.m.bbu,
        statusBbtb: s.m.bbtb,
      });
    }
  }
}, 300_000);
afterAll(async () => {
  await app?.close();
  await rt?.close();
});

async function table(who: Who, url: string): Promise<Record<string, string>[]> {
  const res = await app.inject({ method: "GET", url, headers: { cookie: w.cookie[who] } });
  expect(res.statusCode).toBe(200);
  return parse(res.rawPayload, { columns: true, bom: true, delimiter: "," }) as Record<string, string>[];
}

describe("recap exports", () => {
  it("gives the F1 recap per posyandu: SKDN and status counts, with a total line", async () => {
    const rows = await table("admin", "/api/v1/reports/exports/recap?month=2026-08&by=posyandu");
    const melati = rows.find((r) => r.Posyandu === "Posyandu Melati")!;
    expect(melati).toMatchObject({ S: "3", D: "2", N: "1", T: "1", BGM: "0", "D/S (%)": "66,7", "N/D (%)": "50,0" });
    expect(melati).toMatchObject({
      "TB/U Pendek": "1",
      "TB/U Sangat pendek": "1",
      "BB/U Kurang": "1",
      "BB/TB Gizi buruk": "1",
      "BB/TB Gizi baik": "1",
    });
    const total = rows.at(-1)!;
    expect(total).toMatchObject({
      Posyandu: "JUMLAH",
      S: "5",
      D: "4",
      N: "2",
      T: "1",
      O: "1",
      BGM: "1",
      "BB/U Sangat kurang": "1",
      "BB/TB Gizi kurang": "1",
    });
  });

  it("gives the kabupaten recap per puskesmas, and keeps a puskesmas to its own posyandu", async () => {
    const rows = await table("admin", "/api/v1/reports/exports/recap?month=2026-08&by=puskesmas");
    expect(rows.map((r) => r.Puskesmas)).toEqual(["Puskesmas Lampihong", "Puskesmas Paringin", "JUMLAH"]);
    expect(rows[1]).toMatchObject({ "Jumlah posyandu": "2", S: "4", D: "3" });
    const own = await table("puskL", "/api/v1/reports/exports/recap?month=2026-08&by=posyandu");
    expect(own.map((r) => r.Posyandu)).toEqual(["Posyandu Anggrek", "JUMLAH"]);
  });

  it("gives the publication table per kecamatan with the regency last, small numbers marked, as XLSX too", async () => {
    const rows = await table("admin", "/api/v1/reports/exports/publication?month=2026-08");
    expect(rows.at(-1)).toMatchObject({
      Kecamatan: "Kabupaten Balangan",
      "Balita diukur": "4",
      "Stunting (anak)": "2",
      "Prevalensi stunting (%)": "50,0",
      Keterangan: "kurang dari 10 anak",
    });
    expect(rows.find((r) => r.Kecamatan === "Paringin")).toMatchObject({ "Balita diukur": "3", "Stunting (anak)": "2" });
    const res = await app.inject({
      method: "GET",
      url: "/api/v1/reports/exports/publication?month=2026-08&format=xlsx",
      headers: { cookie: w.cookie.admin },
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(book.worksheets[0]!.getRow(1).getCell(1).value).toBe("Kecamatan");
  });
});
