// e-PPGBM import through the admin API: the service's own export comes back in (CSV and XLSX),
// e-PPGBM's HTML ".xls" is read, bad rows are named with their reasons and change nothing, and an
// account imports only into its own area.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { asc, count, eq, inArray } from "drizzle-orm";
import { auditLog } from "../../src/platform/audit.sql.js";
import { areas } from "../../src/areas/areas.sql.js";
import { children } from "../../src/children/children.sql.js";
import { measurements } from "../../src/growth/growth.sql.js";
import { checkRows, htmlTableRows, readDate, sniffKind } from "../../src/reports/import-file.js";
import type { TestRuntime } from "../helpers/runtime.js";
import { startReportWorld } from "./fixture.js";
import type { Who, World } from "../admin/fixture.js";

let rt: TestRuntime;
let app: FastifyInstance;
let w: World;

const KIDS = [
  {
    name: "Siti Aminah",
    sex: "P" as const,
    birth: "2025-01-15",
    nik: "6311064501250001",
    desa: "p0" as const,
    m: [
      ["2026-03-10", 8.1, 70.2],
      ["2026-08-10", 8.9, 75.4],
    ] as const,
  },
  {
    name: "Muhammad Rizki",
    sex: "L" as const,
    birth: "2024-06-02",
    nik: null,
    desa: "p0" as const,
    m: [["2026-08-11", 10.35, 80.0]] as const,
  },
  { name: "Nur Aisyah", sex: "P" as const, birth: "2023-11-20", nik: null, desa: "p1" as const, m: [["2026-08-12", 11.2, 88.6]] as const },
];

async function seedKids() {
  for (const [i, k] of KIDS.entries()) {
    const [c] = await rt.db
      .insert(children)
      .values({
        code: `IMP${i}K7`,
        name: k.name,
        sex: k.sex,
        birthDate: k.birth,
        nik: k.nik,
        desaCode: w.desa[k.desa],
        posyanduId: w.posyandu[k.desa],
        createdAt: new Date("2025-02-01T00:00:00Z"),
      })
      .returning({ id: children.id });
    for (const [on, kg, cm] of k.m) {
      await rt.db
        .insert(measurements)
        .values({ childId: c!.id, measuredOn: on, weightKg: kg, lengthCm: cm, position: "lying", zlen: 0, zwei: 0, zwfl: 0 });
    }
  }
}

/** What the registry holds of the seeded children, in a comparable shape. */
async function snapshot() {
  const rows = await rt.db
    .select({
      name: children.name,
      sex: children.sex,
      birthDate: children.birthDate,
      nik: children.nik,
      desaCode: children.desaCode,
      posyanduId: children.posyanduId,
      on: measurements.measuredOn,
      kg: measurements.weightKg,
      cm: measurements.lengthCm,
    })
    .from(children)
    .innerJoin(measurements, eq(measurements.childId, children.id))
    .where(
      inArray(
        children.name,
        KIDS.map((k) => k.name),
      ),
    )
    .orderBy(asc(children.name), asc(measurements.measuredOn));
  // The NIK as staff would read it: sealed at rest by the import, plain as seeded here.
  return rows.map((r) => ({ ...r, nik: rt.nik.open(r.nik) }));
}

async function wipeKids() {
  await rt.db.delete(children).where(
    inArray(
      children.name,
      KIDS.map((k) => k.name),
    ),
  );
}

beforeAll(async () => {
  ({ rt, app, w } = await startReportWorld("2026-09-05T02:00:00Z"));
  await seedKids();
}, 300_000);
afterAll(async () => {
  await app?.close();
  await rt?.close();
});

async function exportFile(format: "csv" | "xlsx"): Promise<Buffer> {
  const res = await app.inject({
    method: "GET",
    url: `/api/v1/reports/exports/eppgbm?from=2026-01-01&to=2026-09-05&format=${format}`,
    headers: { cookie: w.cookie.admin },
  });
  expect(res.statusCode).toBe(200);
  return res.rawPayload;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads the JSON loosely
async function importFile(who: Who, body: Buffer | string, type: string, dryRun: boolean): Promise<{ status: number; body: any }> {
  const res = await app.inject({
    method: "POST",
    url: `/api/v1/reports/imports/eppgbm?dryRun=${dryRun}`,
    headers: { cookie: w.cookie[who], "content-type": type },
    payload: body,
  });
  return { status: res.statusCode, body: res.json() };
}

describe("reading files", () => {
  it("sniffs the format from the bytes and reads e-PPGBM's dates and HTML tables", () => {
    expect(sniffKind(Buffer.from("PK\u0003\u0004"))).toBe("xlsx");
    expect(sniffKind(Buffer.from("<html><table><tr><td>x</td></tr></table>"))).toBe("html");
    expect(sniffKind(Buffer.from("NIK;Nama\n"))).toBe("csv");
    expect(readDate("05/09/2026")).toBe("2026-09-05");
    expect(readDate("31/02/2026")).toBeNull();
    expect(htmlTableRows("<table><tr><th>Nama</th><th>JK</th></tr><tr><td><b>Siti &amp; Ani</b></td><td>P</td></tr></table>")).toEqual([
      ["Nama", "JK"],
      ["Siti & Ani", "P"],
    ]);
  });

  it("names each bad cell with its row, and keeps the good rows", () => {
    const grid = [
      ["NIK", "Nama", "JK", "Tgl Lahir", "Desa/Kel", "Tanggal Pengukuran", "Berat", "Tinggi"],
      ["631106450125000", "A", "P", "15/01/2025", "X", "10/08/2026", "8,1", "70"], // NIK 15 digits
      ["", "B", "P", "15/01/2025", "X", "10/08/2026", "999,99", "70"], // filler
      ["", "C", "L", "15/01/2025", "X", "10/08/2026", "8500", ""], // grams
      ["", "D", "L", "15/01/2025", "X", "10/10/2026", "8,5", ""], // future
      ["", "E", "X", "15/01/2025", "X", "10/08/2026", "8,5", "abc"], // sex, length
      ["", "F", "L", "15/01/2020", "X", "10/08/2026", "8,5", ""], // over five
      ["", "G", "L", "15/01/2025", "X", "10/08/2026", "8,5", "71,5"], // good
    ];
    const { rows, problems } = checkRows(grid, "2026-09-05");
    expect(rows.map((r) => r.name)).toEqual(["G"]);
    expect(problems).toEqual([
      { row: 2, column: "NIK", code: "nik_invalid" },
      { row: 3, column: "Berat", code: "filler_value" },
      { row: 4, column: "Berat", code: "grams" },
      { row: 5, column: "Tanggal Pengukuran", code: "date_future" },
      { row: 6, column: "JK", code: "sex_invalid" },
      { row: 6, column: "Tinggi", code: "not_number" },
      { row: 7, column: "Tgl Lahir", code: "five_or_older" },
    ]);
    expect(checkRows([["Nama", "Tanggal Pengukuran", "Berat"]], "2026-09-05").problems).toEqual([
      { row: 1, column: "JK", code: "column_missing" },
      { row: 1, column: "Tgl Lahir", code: "column_missing" },
      { row: 1, column: "Desa/Kel", code: "column_missing" },
    ]);
    expect(
      checkRows(
        [
          ["Nama", "Tanggal Pengukuran", "JK", "Tgl Lahir", "Desa/Kel", "Berat"],
          ["A", "10/08/2026", "L", "15/01/2025", "X", "0,2"],
        ],
        "2026-09-05",
      ).problems,
    ).toEqual([{ row: 2, column: "Berat", code: "out_of_range", params: { min: 0.5, max: 60 } }]);
  });

  it("has Indonesian words for every reason, with the numbers filled in", async () => {
    const { IMPORT_PROBLEMS } = await import("../../src/reports/import-file.js");
    for (const code of IMPORT_PROBLEMS) expect(rt.i18n.exists("id", `reports-staff:import.reason.${code}`)).toBe(true);
    expect(rt.i18n.t("id", "reports-staff:import.reason.out_of_range", { min: 0.5, max: 60 })).toBe("di luar batas 0,5–60");
  });
});

describe("POST /api/v1/reports/imports/eppgbm", () => {
  it("takes the service's own CSV export back: a dry run first, then everything, with z-scores recomputed", async () => {
    const before = await snapshot();
    expect(before).toHaveLength(4);
    const csv = await exportFile("csv");
    const xlsx = await exportFile("xlsx");
    await wipeKids();

    const dry = await importFile("admin", csv, "text/csv", true);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      applied: false,
      kind: "csv",
      problems: [],
      children: { new: 3, matched: 0 },
      measurements: { new: 4, alreadyStored: 0 },
    });
    expect(await snapshot()).toEqual([]); // a dry run writes nothing

    const done = await importFile("admin", csv, "text/csv", false);
    expect(done.status).toBe(200);
    expect(done.body.applied).toBe(true);
    expect(await snapshot()).toEqual(before);
    const [siti] = await rt.db.select({ nik: children.nik }).from(children).where(eq(children.name, "Siti Aminah"));
    expect(siti!.nik).toMatch(/^v1:/); // stored sealed
    const stored = await rt.db
      .select({ zlen: measurements.zlen, zwei: measurements.zwei, status: measurements.statusTbu })
      .from(measurements)
      .innerJoin(children, eq(children.id, measurements.childId))
      .where(eq(children.name, "Siti Aminah"));
    for (const m of stored) {
      expect(m.zlen).not.toBe(0); // the file's z-scores were not copied; the service computed them
      expect(m.status).not.toBeNull();
    }
    const audit = await rt.db.select().from(auditLog).where(eq(auditLog.action, "import.eppgbm"));
    expect(audit).toHaveLength(1);

    // The same file again, and the XLSX export of the same data: everything is already there.
    const again = await importFile("admin", csv, "text/csv", true);
    expect(again.body).toMatchObject({ problems: [], children: { new: 0, matched: 3 }, measurements: { new: 0, alreadyStored: 4 } });
    const fromXlsx = await importFile("admin", xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", true);
    expect(fromXlsx.body).toMatchObject({
      kind: "xlsx",
      problems: [],
      children: { new: 0, matched: 3 },
      measurements: { new: 0, alreadyStored: 4 },
    });
  });

  it("reads the HTML table e-PPGBM saves as .xls, matched to the existing child by NIK", async () => {
    const [desa] = await rt.db.select({ name: areas.name }).from(areas).where(eq(areas.code, w.desa.p0));
    const html = `<html><body><table border="1">
      <tr><th>NIK</th><th>Nama</th><th>JK</th><th>Tgl Lahir</th><th>Kec</th><th>Desa/Kel</th><th>Posyandu</th><th>Tanggal Pengukuran</th><th>Berat</th><th>Tinggi</th><th>Cara Ukur</th><th>ZS TB/U</th></tr>
      <tr><td>'6311064501250001</td><td>SITI AMINAH</td><td>P</td><td>15/01/2025</td><td>PARINGIN</td><td>${desa!.name.toUpperCase()}</td><td>Melati</td><td>01/09/2026</td><td>9,05</td><td>76,0</td><td>Terlentang</td><td>999,99</td></tr>
    </table></body></html>`;
    const res = await importFile("admin", html, "application/vnd.ms-excel", true);
    expect(res.body).toMatchObject({
      kind: "html",
      problems: [],
      children: { new: 0, matched: 1 },
      measurements: { new: 1, alreadyStored: 0 },
    });
  });

  it("refuses a file with bad rows as a whole, naming each problem, and changes nothing", async () => {
    const [{ n: measuredBefore }] = (await rt.db.select({ n: count() }).from(measurements)) as [{ n: number }];
    const [desa] = await rt.db.select({ name: areas.name }).from(areas).where(eq(areas.code, w.desa.p0));
    const csv = [
      "Nama;JK;Tgl Lahir;Desa/Kel;Posyandu;Tanggal Pengukuran;Berat;Tinggi",
      `Anak Baru;L;01/02/2025;${desa!.name};Melati;10/08/2026;9,1;74`, // good on its own
      `Anak Dua;L;01/02/2025;Desa Yang Tidak Ada;;10/08/2026;9,1;74`,
      `Anak Tiga;P;01/02/2025;${desa!.name};Posyandu Khayalan;10/08/2026;9,1;74`,
    ].join("\n");
    const res = await importFile("admin", csv, "text/csv", false);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: "import_rejected", message: expect.stringContaining("2 masalah"), applied: false });
    expect(res.body.problems).toEqual([
      { row: 3, column: "Desa/Kel", code: "desa_unknown", reason: "bukan desa di wilayah Anda" },
      { row: 4, column: "Posyandu", code: "posyandu_unknown", reason: "posyandu ini tidak ada di desa tersebut: tambahkan dulu" },
    ]);
    const [{ n: measuredAfter }] = (await rt.db.select({ n: count() }).from(measurements)) as [{ n: number }];
    expect(Number(measuredAfter)).toBe(Number(measuredBefore));
    expect(await rt.db.select().from(children).where(eq(children.name, "Anak Baru"))).toEqual([]);
  });

  it("keeps an account to its own area, and a kader out", async () => {
    const csv = await exportFile("csv");
    const res = await importFile("bidanL", csv, "text/csv", true);
    expect(res.body.problems.length).toBe(4);
    expect(res.body.problems.every((p: { code: string }) => p.code === "desa_unknown")).toBe(true);
    expect((await importFile("kaderP", csv, "text/csv", true)).status).toBe(403);
    expect((await importFile("admin", "", "text/csv", true)).status).toBe(400);
  });

  it("answers a damaged workbook, a binary .xls or a broken CSV with a problem, not an error", async () => {
    for (const [bytes, type] of [
      ["PK\u0003\u0004 not really a zip", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
      ['Nama,Tanggal Pengukuran\n"Siti"x,01/08/2026\n', "text/csv"],
      [Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]), "application/vnd.ms-excel"], // Excel 97–2003
    ] as const) {
      const res = await importFile("admin", bytes, type, false);
      expect(res.status).toBe(422);
      expect(res.body.problems).toEqual([
        { row: 1, column: "", code: "file_unreadable", reason: expect.stringContaining("tidak dapat dibaca") },
      ]);
    }
  });
});
