// The edges where counting in SQL could part from the rules of stats.ts: two measurements on the
// same day, flagged values (excluded, and counted), oedema, z exactly on a cut-off, a later
// weighing without length, cancelled rows, month and registration boundaries, and SKDN ties. The
// expected figures come from the pure rules applied here to the seeded rows (not from the query).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { children } from "../../src/children/children.sql.js";
import { measurements } from "../../src/growth/growth.sql.js";
import { INDICATORS, addStanding, emptyCount, standing, wilson95, SMALL_N, type MeasuredRow } from "../../src/reports/stats.js";
import type { TestRuntime } from "../helpers/runtime.js";
import { startReportWorld } from "./fixture.js";
import type { World } from "../admin/fixture.js";

let rt: TestRuntime;
let app: FastifyInstance;
let w: World;

interface Row {
  on: string;
  at: string; // created_at
  zlen?: number;
  zwei?: number;
  zwfl?: number;
  oedema?: boolean;
  flag?: "zlen" | "zwei" | "zwfl";
  flagZero?: boolean;
  cancelled?: boolean;
  weight?: boolean;
  code?: "N" | "T" | "O" | "B";
  twoT?: boolean;
}
interface Kid {
  note: string;
  rows: Row[];
  createdAt?: string;
}

const at = (day: string, hh: number) => `${day}T${String(hh).padStart(2, "0")}:00:00Z`;
// Paringin p0 (posyandu Melati), all born 2025-01-01.
const kids: Kid[] = [
  // Same day: the row entered later is the latest, whichever was inserted first.
  {
    note: "tie, later entry normal",
    rows: [
      { on: "2026-08-10", at: at("2026-08-10", 3), zlen: -1 },
      { on: "2026-08-10", at: at("2026-08-10", 2), zlen: -2.5 },
    ],
  },
  {
    note: "tie, later entry stunted",
    rows: [
      { on: "2026-08-10", at: at("2026-08-10", 2), zlen: -1 },
      { on: "2026-08-10", at: at("2026-08-10", 3), zlen: -3.5 },
    ],
  },
  {
    note: "latest flagged hides an earlier valid value",
    rows: [
      { on: "2026-08-05", at: at("2026-08-05", 2), zlen: -2.5 },
      { on: "2026-08-20", at: at("2026-08-20", 2), zlen: -6.5, flag: "zlen" },
    ],
  },
  {
    note: "earlier flagged, later valid",
    rows: [
      { on: "2026-08-05", at: at("2026-08-05", 2), zwei: -6.5, flag: "zwei" },
      { on: "2026-08-20", at: at("2026-08-20", 2), zwei: -2.1 },
    ],
  },
  { note: "a flag of 0 is no flag", rows: [{ on: "2026-08-05", at: at("2026-08-05", 2), zlen: -2.2, flagZero: true }] },
  { note: "oedema without BB/TB", rows: [{ on: "2026-08-07", at: at("2026-08-07", 2), oedema: true, zwei: -2.5 }] },
  { note: "oedema with a high BB/TB", rows: [{ on: "2026-08-07", at: at("2026-08-07", 2), oedema: true, zwfl: 3.5 }] },
  { note: "oedema with a flagged BB/TB", rows: [{ on: "2026-08-07", at: at("2026-08-07", 2), oedema: true, zwfl: -6, flag: "zwfl" }] },
  { note: "on the cut-offs", rows: [{ on: "2026-08-08", at: at("2026-08-08", 2), zlen: -2, zwei: -3, zwfl: 2 }] },
  { note: "just past them", rows: [{ on: "2026-08-08", at: at("2026-08-08", 2), zlen: -3.01, zwei: -2.01, zwfl: 3.01 }] },
  { note: "wasted severely", rows: [{ on: "2026-08-08", at: at("2026-08-08", 2), zwfl: -3.2 }] },
  {
    note: "later weighing without length",
    rows: [
      { on: "2026-08-03", at: at("2026-08-03", 2), zlen: -2.4, zwfl: -2.5 },
      { on: "2026-08-25", at: at("2026-08-25", 2), zwei: 0.3, zwfl: 0.1 },
    ],
  },
  {
    note: "latest cancelled",
    rows: [
      { on: "2026-08-03", at: at("2026-08-03", 2), zlen: 0.5 },
      { on: "2026-08-28", at: at("2026-08-28", 2), zlen: -3.3, cancelled: true },
    ],
  },
  { note: "only cancelled: registered, not measured", rows: [{ on: "2026-08-28", at: at("2026-08-28", 2), zlen: -3.3, cancelled: true }] },
  {
    note: "measured in July and September only",
    rows: [
      { on: "2026-07-31", at: at("2026-07-31", 2), zlen: -2.5 },
      { on: "2026-09-01", at: at("2026-09-01", 2), zlen: -2.5 },
    ],
  },
  { note: "measured, no z at all", rows: [{ on: "2026-08-12", at: at("2026-08-12", 2) }] },
  // Registered at 23:00 WITA on 31 August: counts in August.
  {
    note: "registered on the last evening",
    createdAt: "2026-08-31T15:00:00Z",
    rows: [{ on: "2026-08-31", at: "2026-08-31T15:10:00Z", zlen: -2.6 }],
  },
  // Registered at 00:30 WITA on 1 September: not in August, even with an August date on its row.
  {
    note: "registered after the month",
    createdAt: "2026-08-31T16:30:00Z",
    rows: [{ on: "2026-08-31", at: "2026-08-31T16:40:00Z", zlen: -2.6 }],
  },
  // SKDN: two weighings the same day, the later entry decides N/T and 2T.
  {
    note: "SKDN tie",
    rows: [
      { on: "2026-08-10", at: at("2026-08-10", 4), weight: true, code: "T", twoT: true, zwei: -1 },
      { on: "2026-08-10", at: at("2026-08-10", 1), weight: true, code: "N", zwei: -1 },
    ],
  },
  {
    note: "SKDN: length only later",
    rows: [
      { on: "2026-08-02", at: at("2026-08-02", 2), weight: true, code: "O", zwei: 0 },
      { on: "2026-08-20", at: at("2026-08-20", 2), zlen: 0 },
    ],
  },
];

const ids: string[] = [];

beforeAll(async () => {
  ({ rt, app, w } = await startReportWorld("2026-09-05T02:00:00Z"));
  for (const [i, k] of kids.entries()) {
    const [c] = await rt.db
      .insert(children)
      .values({
        code: `ED${i}K4M`,
        name: `Anak ${i}`,
        sex: "P",
        birthDate: "2025-01-01",
        desaCode: w.desa.p0,
        posyanduId: w.posyandu.p0,
        createdAt: new Date(k.createdAt ?? "2025-02-01T00:00:00Z"),
      })
      .returning({ id: children.id });
    ids.push(c!.id);
    for (const r of k.rows) {
      await rt.db.insert(measurements).values({
        childId: c!.id,
        measuredOn: r.on,
        weightKg: r.weight || r.zwei !== undefined || r.zwfl !== undefined ? 9 : null,
        zlen: r.zlen ?? null,
        zwei: r.zwei ?? null,
        zwfl: r.zwfl ?? null,
        oedema: r.oedema ?? false,
        flags: (r.flag ? { [r.flag]: 1 } : r.flagZero ? { zlen: 0 } : {}) as Record<string, 0 | 1 | null>,
        growthCode: r.code ?? null,
        twoT: r.twoT ?? false,
        cancelledAt: r.cancelled ? new Date("2026-08-29T00:00:00Z") : null,
        createdAt: new Date(r.at),
      });
    }
  }
}, 300_000);
afterAll(async () => {
  await app?.close();
  await rt?.close();
});

const registeredInAugust = (k: Kid) => !k.createdAt || new Date(k.createdAt) <= new Date("2026-08-31T23:59:59.999+08:00");
const augustRows = (k: Kid): MeasuredRow[] =>
  k.rows
    .filter((r) => !r.cancelled && r.on.startsWith("2026-08"))
    .map((r) => ({
      childId: "x",
      measuredOn: r.on,
      createdAt: new Date(r.at),
      weightKg: r.weight || r.zwei !== undefined || r.zwfl !== undefined ? 9 : null,
      zlen: r.zlen ?? null,
      zwei: r.zwei ?? null,
      zwfl: r.zwfl ?? null,
      oedema: r.oedema ?? false,
      flags: r.flag ? { [r.flag]: 1 } : {},
      growthCode: r.code ?? null,
      twoT: r.twoT ?? false,
      bgm: false,
    }));

describe("figures at the edges", () => {
  it("count as the rules of stats.ts do, indicator by indicator", async () => {
    const res = await app.inject({
      method: "GET",
      url: "/api/v1/reports/prevalence?month=2026-08&level=desa&within=63.11.06",
      headers: { cookie: w.cookie.admin },
    });
    expect(res.statusCode).toBe(200);
    const area = res.json().areas.find((a: { code: string }) => a.code === w.desa.p0);
    const registered = kids.filter(registeredInAugust);
    expect(area.registered).toBe(registered.length);
    expect(area.measured).toBe(registered.filter((k) => augustRows(k).length > 0).length);
    for (const ind of INDICATORS) {
      const c = emptyCount();
      for (const k of registered) addStanding(c, standing(augustRows(k), ind));
      expect({ ind, ...area.indicators[ind] }).toMatchObject({
        ind,
        ...c,
        ci95: wilson95(c.cases, c.measured),
        smallN: c.measured < SMALL_N,
      });
    }
    // Spelled out for the cases that matter most, so a change to the rules themselves shows here too.
    expect(area.indicators.stunting).toMatchObject({ flagged: 1, cases: 5, severe: 2 });
    expect(area.indicators.wasting).toMatchObject({ cases: 4, severe: 4 });
    expect(area.indicators.overweight).toMatchObject({ cases: 1, severe: 1, flagged: 0 });
  });

  it("reads the latest weighing for SKDN, ties broken by the later entry", async () => {
    const res = await app.inject({
      method: "GET",
      url: `/api/v1/reports/skdn?month=2026-08&posyanduId=${w.posyandu.p0}`,
      headers: { cookie: w.cookie.admin },
    });
    expect(res.statusCode).toBe(200);
    const unit = res.json().posyandu[0];
    const registered = kids.filter(registeredInAugust);
    const latestWeighing = (k: Kid) =>
      augustRows(k)
        .filter((r) => r.weightKg !== null)
        .sort((a, b) => b.measuredOn.localeCompare(a.measuredOn) || b.createdAt.getTime() - a.createdAt.getTime())[0];
    const weighed = registered.map(latestWeighing).filter((r) => r !== undefined);
    expect(unit.all).toMatchObject({
      S: registered.length,
      K: registered.length,
      D: weighed.length,
      N: weighed.filter((r) => r.growthCode === "N").length,
      T: weighed.filter((r) => r.growthCode === "T").length,
      O: weighed.filter((r) => r.growthCode === "O").length,
      "2T": weighed.filter((r) => r.twoT).length,
    });
    expect(unit.all).toMatchObject({ T: 1, O: 1, "2T": 1, N: 0 });
  });
});
