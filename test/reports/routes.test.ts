// The figures through the admin API on a seeded regency, with every expected number counted here
// from the seed itself (not by the service's query), for each role's area.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { and, eq, like } from "drizzle-orm";
import { areas } from "../../src/areas/areas.sql.js";
import { children } from "../../src/children/children.sql.js";
import type { PublicSummary } from "../../src/reports/public.js";
import { EPPGBM_HEADER } from "../../src/reports/eppgbm.js";
import { auditLog } from "../../src/platform/audit.sql.js";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { measurements } from "../../src/growth/growth.sql.js";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.js";
import { buildAdminApp, seedWorld, type Who, type World } from "../admin/fixture.js";

interface SeedMeasurement {
  on: string;
  zlen?: number;
  zwei?: number;
  zwfl?: number;
  flagLen?: boolean;
  oedema?: boolean;
  cancelled?: boolean;
  growthCode?: "N" | "T" | "O" | "B";
  twoT?: boolean;
  bgm?: boolean;
  noWeight?: boolean;
}
interface SeedChild {
  id?: string;
  birth: string;
  desa: keyof World["desa"];
  posyandu: keyof World["posyandu"] | null;
  m: SeedMeasurement[];
  stoppedOn?: string;
}

// A small deterministic generator, so the seed is varied but the same on every run.
let state = 7;
const rand = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)] as T;
const z = () => Math.round((rand() * 6 - 4) * 100) / 100; // −4 … +2

function seedChildren(): SeedChild[] {
  const out: SeedChild[] = [];
  const place: [keyof World["desa"], keyof World["posyandu"] | null, number][] = [
    ["p0", "p0", 30],
    ["p1", "p1", 25],
    ["l0", "l0", 14],
    ["l1", null, 6], // a desa with few children: small numbers
  ];
  for (const [desa, posyandu, n] of place) {
    for (let i = 0; i < n; i++) {
      const birth = `20${pick(["22", "23", "24", "25"])}-${String(1 + Math.floor(rand() * 12)).padStart(2, "0")}-${String(1 + Math.floor(rand() * 28)).padStart(2, "0")}`;
      const m: SeedMeasurement[] = [];
      if (rand() < 0.8)
        m.push({
          on: "2026-08-10",
          zlen: z(),
          zwei: z(),
          zwfl: z(),
          growthCode: pick(["N", "T", "O", "B"]),
          twoT: rand() < 0.1,
          bgm: rand() < 0.1,
        });
      if (rand() < 0.2) m.push({ on: "2026-08-25", zwei: z(), zwfl: z(), growthCode: "N" }); // a second weighing, no length
      if (rand() < 0.7) m.push({ on: "2025-08-12", zlen: z(), zwei: z(), zwfl: z() });
      out.push({ birth, desa, posyandu, m });
    }
  }
  // Edge cases, in Paringin p0.
  out.push({ birth: "2025-01-01", desa: "p0", posyandu: "p0", m: [{ on: "2026-08-10", zlen: -7, flagLen: true, zwei: -1, zwfl: 0 }] });
  out.push({ birth: "2025-01-01", desa: "p0", posyandu: "p0", m: [{ on: "2026-08-11", zwei: -3.5, oedema: true }] });
  out.push({
    birth: "2025-01-01",
    desa: "p0",
    posyandu: "p0",
    m: [
      { on: "2026-08-12", zlen: -3.5, cancelled: true },
      { on: "2026-08-12", zlen: -1 },
    ],
  });
  out.push({ birth: "2021-06-01", desa: "p0", posyandu: "p0", m: [{ on: "2026-08-10", zlen: -2.5 }] }); // 62 months: not a balita
  out.push({ birth: "2026-09-01", desa: "p0", posyandu: "p0", m: [] }); // born after August
  out.push({ birth: "2025-05-05", desa: "p0", posyandu: "p0", m: [], stoppedOn: "2026-07-01" }); // died before August
  out.push({ birth: "2025-05-05", desa: "p0", posyandu: "p0", m: [{ on: "2026-08-10", zwei: -1, noWeight: true, zlen: -1 }] }); // length only
  return out;
}

// The expected figures, counted from the seed with the rules written out plainly here.
const monthEnd = { "2026-08": "2026-08-31", "2025-08": "2025-08-31" } as const;
function isBalita(c: SeedChild, month: keyof typeof monthEnd): boolean {
  const end = monthEnd[month];
  const limit = new Date(end);
  limit.setUTCMonth(limit.getUTCMonth() - 60);
  return c.birth <= end && c.birth > limit.toISOString().slice(0, 10) && !(c.stoppedOn && c.stoppedOn < `${month}-01`);
}
function expected(list: SeedChild[], month: keyof typeof monthEnd) {
  const kids = list.filter((c) => isBalita(c, month));
  const inMonth = (c: SeedChild) => c.m.filter((m) => !m.cancelled && m.on.startsWith(month));
  const latestWith = (c: SeedChild, key: "zlen" | "zwfl" | "zwei") =>
    inMonth(c)
      .filter((m) => m[key] !== undefined || (key === "zwfl" && m.oedema))
      .sort((a, b) => b.on.localeCompare(a.on))[0];
  const stunted = { cases: 0, severe: 0, measured: 0, flagged: 0 };
  const wasted = { cases: 0, severe: 0, measured: 0, flagged: 0 };
  for (const c of kids) {
    const l = latestWith(c, "zlen");
    if (l?.flagLen) stunted.flagged++;
    else if (l) {
      stunted.measured++;
      if (l.zlen! < -2) stunted.cases++;
      if (l.zlen! < -3) stunted.severe++;
    }
    const w = latestWith(c, "zwfl");
    if (w) {
      wasted.measured++;
      if (w.oedema || w.zwfl! < -2) wasted.cases++;
      if (w.oedema || w.zwfl! < -3) wasted.severe++;
    }
  }
  return { registered: kids.length, measured: kids.filter((c) => inMonth(c).length > 0).length, stunted, wasted };
}

let rt: TestRuntime;
let app: FastifyInstance;
let w: World;
const seed = seedChildren();

beforeAll(async () => {
  rt = await createTestRuntime({ now: "2026-09-05T02:00:00Z" });
  w = await seedWorld(rt);
  app = await buildAdminApp(rt);
  // Two bulk inserts (one per table) keep the seed quick on a busy machine.
  const codeOf = (i: number) => `T${String(i).padStart(5, "0")}`;
  const rows = await rt.db
    .insert(children)
    .values(
      seed.map((c, i) => ({
        code: codeOf(i),
        name: `Anak ${i}`,
        sex: i % 2 ? ("L" as const) : ("P" as const),
        birthDate: c.birth,
        desaCode: w.desa[c.desa],
        posyanduId: c.posyandu ? w.posyandu[c.posyandu] : null,
        createdAt: new Date("2022-01-01T00:00:00Z"),
        remindersStoppedAt: c.stoppedOn ? new Date(`${c.stoppedOn}T00:00:00Z`) : null,
      })),
    )
    .returning({ id: children.id, code: children.code });
  const idOf = new Map(rows.map((r) => [r.code, r.id]));
  seed.forEach((c, i) => (c.id = idOf.get(codeOf(i))));
  await rt.db.insert(measurements).values(
    seed.flatMap((c) =>
      c.m.map((m) => ({
        childId: c.id!,
        measuredOn: m.on,
        weightKg: m.noWeight ? null : 9,
        zlen: m.zlen ?? null,
        zwei: m.noWeight ? null : (m.zwei ?? null),
        zwfl: m.zwfl ?? null,
        oedema: m.oedema ?? false,
        flags: (m.flagLen ? { zlen: 1 } : {}) as Record<string, 0 | 1 | null>,
        growthCode: m.growthCode ?? null,
        twoT: m.twoT ?? false,
        bgm: m.bgm ?? false,
        cancelledAt: m.cancelled ? new Date("2026-08-13T00:00:00Z") : null,
        createdAt: new Date(`${m.on}T02:00:00Z`),
      })),
    ),
  );
}, 300_000); // a busy machine may take minutes to migrate and seed
afterAll(async () => {
  await app?.close();
  await rt?.close();
});

const get = async (who: Who, url: string) => {
  const res = await app.inject({ method: "GET", url, headers: { cookie: w.cookie[who] } });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads the JSON loosely
  return { status: res.statusCode, body: res.json() as Record<string, any> };
};

describe("prevalence", () => {
  it("gives each kecamatan's figures with denominators, coverage, interval and last year, and the regency line", async () => {
    const { status, body } = await get("admin", "/api/v1/reports/prevalence?month=2026-08&level=kecamatan");
    expect(status).toBe(200);
    const paringin = seed.filter((c) => c.desa.startsWith("p"));
    const lampihong = seed.filter((c) => c.desa.startsWith("l"));
    for (const [code, list] of [
      ["63.11.06", paringin],
      ["63.11.05", lampihong],
    ] as const) {
      const area = body.areas.find((a: { code: string }) => a.code === code);
      const e = expected(list, "2026-08");
      const before = expected(list, "2025-08");
      expect(area.registered).toBe(e.registered);
      expect(area.measured).toBe(e.measured);
      expect(area.coverage).toBeCloseTo((100 * e.measured) / e.registered, 1);
      expect(area.indicators.stunting).toMatchObject({
        cases: e.stunted.cases,
        severe: e.stunted.severe,
        measured: e.stunted.measured,
        flagged: e.stunted.flagged,
      });
      expect(area.indicators.stunting.percent).toBeCloseTo((100 * e.stunted.cases) / e.stunted.measured, 1);
      expect(area.indicators.stunting.ci95.low).toBeLessThanOrEqual(area.indicators.stunting.percent);
      expect(area.indicators.stunting.ci95.high).toBeGreaterThanOrEqual(area.indicators.stunting.percent);
      expect(area.indicators.wasting).toMatchObject({ cases: e.wasted.cases, severe: e.wasted.severe, measured: e.wasted.measured });
      expect(area.indicators.stunting.lastYear).toMatchObject({ cases: before.stunted.cases, measured: before.stunted.measured });
      const st = area.indicators.stunting;
      if (st.smallN || st.lastYear.smallN)
        expect(st.change).toBeNull(); // no "naik/turun" from small numbers
      else
        expect(st.change.direction).toBe(st.percent > st.lastYear.percent ? "naik" : st.percent < st.lastYear.percent ? "turun" : "tetap");
    }
    expect(body.areas.find((a: { code: string }) => a.code === "63.11.06").name).toBe("Paringin");
    const all = expected(seed, "2026-08");
    expect(body.regency).toMatchObject({ registered: all.registered, measured: all.measured });
    expect(body.total).toMatchObject({ registered: all.registered });
    expect(body.regency.indicators.stunting.flagged).toBe(1);
  });

  it("marks a desa with fewer than 10 measured children and leaves it unranked", async () => {
    const { body } = await get("admin", "/api/v1/reports/prevalence?month=2026-08&level=desa&within=63.11.05");
    const small = body.areas.find((a: { code: string }) => a.code === w.desa.l1);
    expect(small.indicators.stunting.smallN).toBe(true);
    expect(small.stuntingRank).toBeNull();
    const big = body.areas.find((a: { code: string }) => a.code === w.desa.l0);
    expect(big.indicators.stunting.smallN).toBe(big.indicators.stunting.measured < 10);
    expect(body.areas.every((a: { code: string }) => a.code.startsWith("63.11.05"))).toBe(true);
  });

  it("limits each role to its area, while the regency line stays an aggregate", async () => {
    const bidan = await get("bidanP", "/api/v1/reports/prevalence?month=2026-08&level=desa");
    expect(bidan.body.areas.map((a: { code: string }) => a.code)).toEqual([w.desa.p0]);
    expect(bidan.body.total.registered).toBe(
      expected(
        seed.filter((c) => c.desa === "p0"),
        "2026-08",
      ).registered,
    );
    expect(bidan.body.regency.registered).toBe(expected(seed, "2026-08").registered);
    const kader = await get("kaderL", "/api/v1/reports/prevalence?month=2026-08&level=posyandu");
    expect(kader.body.areas.map((a: { code: string }) => a.code)).toEqual([w.posyandu.l0]);
    const pusk = await get("puskL", "/api/v1/reports/prevalence?month=2026-08&level=desa");
    expect(pusk.body.areas.map((a: { code: string }) => a.code).sort()).toEqual([w.desa.l0, w.desa.l1].sort());
    const byPuskesmas = await get("admin", "/api/v1/reports/prevalence?month=2026-08&level=puskesmas");
    expect(byPuskesmas.body.areas.map((a: { name: string }) => a.name).sort()).toEqual(["Puskesmas Lampihong", "Puskesmas Paringin"]);
  });

  it("refuses a malformed month and answers 401 without a session", async () => {
    expect((await get("admin", "/api/v1/reports/prevalence?month=2026-8")).status).toBe(400);
    expect((await app.inject({ method: "GET", url: "/api/v1/reports/prevalence?month=2026-08" })).statusCode).toBe(401);
  });
});

describe("trend", () => {
  it("gives each month of the range with the regency beside the caller's area", async () => {
    const { status, body } = await get("bidanL", "/api/v1/reports/trend?from=2025-07&to=2026-08");
    expect(status).toBe(200);
    expect(body.months.map((m: { month: string }) => m.month)).toHaveLength(14);
    const aug = body.months.at(-1);
    expect(aug.total.registered).toBe(
      expected(
        seed.filter((c) => c.desa === "l0"),
        "2026-08",
      ).registered,
    );
    expect(aug.regency.measured).toBe(expected(seed, "2026-08").measured);
    expect(body.months[0].total.measured).toBe(0); // July 2025: nobody measured
    expect((await get("admin", "/api/v1/reports/trend?from=2026-08&to=2025-08")).status).toBe(400);
  });
});

describe("SKDN", () => {
  it("counts S, K, D, N, T, O, B, 2T, BGM per posyandu and age group, with the ratios", async () => {
    const { status, body } = await get("admin", "/api/v1/reports/skdn?month=2026-08");
    expect(status).toBe(200);
    const unit = body.posyandu.find((p: { posyanduId: string }) => p.posyanduId === w.posyandu.p1);
    const kids = seed.filter((c) => c.posyandu === "p1" && isBalita(c, "2026-08"));
    const latest = (c: SeedChild) =>
      c.m.filter((m) => !m.cancelled && !m.noWeight && m.on.startsWith("2026-08")).sort((a, b) => b.on.localeCompare(a.on))[0];
    const weighed = kids.filter((c) => latest(c));
    expect(unit.all).toMatchObject({
      S: kids.length,
      K: kids.length,
      D: weighed.length,
      N: weighed.filter((c) => latest(c)!.growthCode === "N").length,
      T: weighed.filter((c) => latest(c)!.growthCode === "T").length,
      "2T": weighed.filter((c) => latest(c)!.twoT).length,
      BGM: weighed.filter((c) => latest(c)!.bgm).length,
    });
    expect(unit.all["D/S"]).toBeCloseTo((100 * weighed.length) / kids.length, 1);
    const groups = unit.groups as Record<string, { S: number }>;
    expect(groups["0-12"]!.S + groups["13-36"]!.S + groups["37-59"]!.S).toBe(kids.length);
    // A kader sees only its own posyandu.
    const kader = await get("kaderP", "/api/v1/reports/skdn?month=2026-08");
    expect(kader.body.posyandu.map((p: { posyanduId: string }) => p.posyanduId)).toEqual([w.posyandu.p0]);
  });
});

describe("public summary", () => {
  it("shows kecamatan and regency stunting for the latest round, suppresses small numbers, and names no child", async () => {
    // Three measured children in a third kecamatan: too few to publish.
    const [other] = await rt.db
      .select({ code: areas.code })
      .from(areas)
      .where(and(eq(areas.level, "desa"), like(areas.code, "63.11.01.%")))
      .limit(1);
    const few = await rt.db
      .insert(children)
      .values(
        [0, 1, 2].map((i) => ({
          code: `X${i}0000`,
          name: `Rahasia ${i}`,
          sex: "L" as const,
          birthDate: "2025-01-01",
          desaCode: other!.code,
          createdAt: new Date("2022-01-01T00:00:00Z"),
        })),
      )
      .returning({ id: children.id });
    await rt.db
      .insert(measurements)
      .values(
        few.map((c) => ({ childId: c.id, measuredOn: "2026-08-10", weightKg: 9, zlen: -2.5, createdAt: new Date("2026-08-10T02:00:00Z") })),
      );

    const res = await app.inject({ method: "GET", url: "/api/v1/public/summary" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toMatch(/public, max-age=\d+/);
    const s = res.json() as PublicSummary;
    expect(s.round).toBe("2026-08"); // the clock stands in September 2026
    const admin = await get("admin", "/api/v1/reports/prevalence?month=2026-08&level=kecamatan");
    expect(s.regency.stuntingPercent).toBe(admin.body.regency.indicators.stunting.percent);
    const paringin = s.kecamatan.find((k) => k.name === "Paringin")!;
    expect(paringin.suppressed).toBe(false);
    expect(paringin.stuntingPercent).toBe(
      admin.body.areas.find((a: { code: string }) => a.code === "63.11.06").indicators.stunting.percent,
    );
    const small = s.kecamatan.find((k) => k.suppressed)!;
    expect(small).toMatchObject({ stuntingPercent: null, ci95: null, measured: 0, registered: 0 });
    expect(s.trend.map((r) => r.round)).toEqual(["2024-02", "2024-08", "2025-02", "2025-08", "2026-02", "2026-08"]);

    const page = await app.inject({ method: "GET", url: "/publik" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toMatch(/text\/html/);
    expect(page.body).toContain("Paringin");
    expect(page.body).toContain("Kurang dari 10 anak diukur");
    expect(page.body).not.toMatch(/Anak \d|Rahasia/);
  });

  it("is computed once per ten minutes: a new measurement shows after that, not before", async () => {
    const first = (await app.inject({ method: "GET", url: "/api/v1/public/summary" })).json() as PublicSummary;
    const [near] = await rt.db.select({ desaCode: children.desaCode }).from(children).where(eq(children.name, "Rahasia 0"));
    const [child] = await rt.db
      .insert(children)
      .values({
        code: "X90000",
        name: "Rahasia 9",
        sex: "P",
        birthDate: "2025-01-01",
        desaCode: near!.desaCode,
        createdAt: new Date("2022-01-01T00:00:00Z"),
      })
      .returning({ id: children.id });
    await rt.db
      .insert(measurements)
      .values({ childId: child!.id, measuredOn: "2026-08-20", weightKg: 9, zlen: -2.6, createdAt: new Date("2026-08-20T02:00:00Z") });
    const [a, b] = await Promise.all(
      [0, 1].map(async () => (await app.inject({ method: "GET", url: "/api/v1/public/summary" })).json() as PublicSummary),
    );
    expect(a).toEqual(first);
    expect(b).toEqual(first);
    rt.clock.advance(10 * 60_000 + 1);
    const later = (await app.inject({ method: "GET", url: "/api/v1/public/summary" })).json() as PublicSummary;
    expect(later.regency.measured).toBe(first.regency.measured + 1);
  });
});

describe("e-PPGBM export", () => {
  const inAugust = (who: (c: SeedChild) => boolean) =>
    seed.filter(who).flatMap((c) => c.m.filter((m) => !m.cancelled && m.on >= "2026-08-01" && m.on <= "2026-08-31"));

  it("streams the caller's measurements as CSV in the 38-column layout and audits the export", async () => {
    const res = await app.inject({
      method: "GET",
      url: "/api/v1/reports/exports/eppgbm?from=2026-08-01&to=2026-08-31&format=csv",
      headers: { cookie: w.cookie.bidanP },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/csv/);
    expect(res.headers["content-disposition"]).toContain("eppgbm-2026-08-01-2026-08-31.csv");
    const lines = parse(res.body.replace(/^\uFEFF/, ""), { relaxColumnCount: false }) as string[][];
    expect(lines[0]).toEqual(EPPGBM_HEADER);
    expect(lines[0]).toHaveLength(38);
    expect(lines[0]![10]).toBe("Pukesmas");
    // The bidan of desa p0 gets exactly that desa's valid August measurements (the 62-month child's included: it was measured).
    expect(lines.length - 1).toBe(inAugust((c) => c.desa === "p0").length);
    const row = Object.fromEntries(EPPGBM_HEADER.map((h, i) => [h, lines[1]![i]]));
    expect(row["Tanggal Pengukuran"]).toMatch(/^\d{2}\/08\/2026$/);
    expect(row["Kec"]).toBe("PARINGIN");
    expect(row["Pukesmas"]).toBe("PARINGIN");
    expect(row["Usia Saat Ukur"]).toMatch(/^\d+ Tahun - \d+ Bulan - \d+ Hari$/);

    let audit: { after: unknown }[] = [];
    while (audit.length === 0) {
      audit = await rt.db.select().from(auditLog).where(eq(auditLog.action, "export.eppgbm"));
      if (audit.length === 0) await new Promise((r) => setImmediate(r));
    }
    expect(audit[0]!.after).toMatchObject({ format: "csv", rows: lines.length - 1 });
  });

  it("writes the same rows as an XLSX workbook", async () => {
    const res = await app.inject({
      method: "GET",
      url: "/api/v1/reports/exports/eppgbm?from=2026-08-01&to=2026-08-31&format=xlsx",
      headers: { cookie: w.cookie.admin },
    });
    expect(res.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet("e-PPGBM")!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(EPPGBM_HEADER);
    expect(sheet.actualRowCount - 1).toBe(inAugust(() => true).length + 4); // + the four children of the public-summary tests
  });

  it("refuses a range that ends before it starts", async () => {
    expect((await get("admin", "/api/v1/reports/exports/eppgbm?from=2026-08-31&to=2026-08-01")).status).toBe(400);
  });
});
