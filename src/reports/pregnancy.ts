// Pregnancy figures for a month (the F3 gizi report's maternal part): women followed per trimester,
// KEK (LiLA < 23,5 cm) and anaemia (Hb < 11 g/dL) among those measured, and ANC visits K1–K6 the
// mothers confirmed (SUDAH) by the end of the month. Per kecamatan and in total, for the caller's
// area (the mother's desa or posyandu).
import { and, eq, gt, inArray, lte, or, sql } from "drizzle-orm";
import { reportScope, type Viewer } from "./scope.js";
import { areas } from "../areas/areas.sql.js";
import { pregnancies } from "../children/children.sql.js";
import { contacts } from "../contacts/contacts.sql.js";
import type { DbOrTx } from "../db/client.js";
import { maternalMeasurements } from "../growth/growth.sql.js";
import { gestationalAge, trimesterOf } from "../reminders/schedule.js";
import { reminderFires, reminderPlans } from "../reminders/reminders.sql.js";
import { kecamatanOf, percent, periodOf } from "./stats.js";

export const ANC_VISITS = ["K1", "K2", "K3", "K4", "K5", "K6"] as const;
export type AncVisit = (typeof ANC_VISITS)[number];

/**
 * A pregnancy past 42 completed weeks that nobody has closed is counted apart: post-term (WHO:
 * ≥ 42 weeks) or, more often, a birth not yet reported (SUDAH LAHIR).
 */
const POST_TERM_DAYS = 42 * 7;

export interface PregnancyFigures {
  followed: number;
  trimester: { 1: number; 2: number; 3: number; beyond42Weeks: number };
  kek: { cases: number; measured: number; percent: number | null };
  anaemia: { cases: number; measured: number; percent: number | null };
  /** Women who confirmed each ANC visit (SUDAH), counted up to the end of the month. */
  ancConfirmed: Record<AncVisit, number>;
}

const empty = (): PregnancyFigures => ({
  followed: 0,
  trimester: { 1: 0, 2: 0, 3: 0, beyond42Weeks: 0 },
  kek: { cases: 0, measured: 0, percent: null },
  anaemia: { cases: 0, measured: 0, percent: null },
  ancConfirmed: { K1: 0, K2: 0, K3: 0, K4: 0, K5: 0, K6: 0 },
});

interface Followed {
  id: string;
  hpht: string;
  desaCode: string | null;
}

/** Trimester (Indonesian programme cut-offs: ≤ 12, ≤ 24, > 24 weeks) or beyond 42 weeks on `day`. */
export function stageOn(hpht: string, day: string): 1 | 2 | 3 | "beyond42Weeks" {
  const age = gestationalAge(hpht, day);
  return age.totalDays > POST_TERM_DAYS ? "beyond42Weeks" : trimesterOf(age);
}

export interface PregnancyReport {
  month: string;
  kecamatan: (PregnancyFigures & { code: string; name: string })[];
  total: PregnancyFigures;
}

/** The month's pregnancy figures for the caller's area. */
export async function pregnancyReport(db: DbOrTx, principal: Viewer, month: string): Promise<PregnancyReport> {
  const p = periodOf(month);
  if (!p) throw new RangeError("month");
  const monthEnd = new Date(`${p.end}T23:59:59.999+08:00`);
  // Followed at the end of the month: conceived by then, not ended before it (a birth or loss on a
  // later day still counts), registered by then.
  const followed: Followed[] = await db
    .select({ id: pregnancies.id, hpht: pregnancies.hpht, desaCode: contacts.desaCode })
    .from(pregnancies)
    .innerJoin(contacts, eq(contacts.id, pregnancies.contactId))
    .where(
      and(
        reportScope(principal, { desaCode: contacts.desaCode, posyanduId: contacts.posyanduId }),
        lte(pregnancies.hpht, p.end),
        lte(pregnancies.createdAt, monthEnd),
        or(eq(pregnancies.status, "active"), gt(pregnancies.endedOn, p.end)),
      ),
    );
  const ids = followed.map((f) => f.id);
  const measured = ids.length
    ? await db
        .select({
          pregnancyId: maternalMeasurements.pregnancyId,
          measuredOn: maternalMeasurements.measuredOn,
          createdAt: maternalMeasurements.createdAt,
          muac: maternalMeasurements.muacCm,
          hb: maternalMeasurements.hbGdl,
          kek: maternalMeasurements.kek,
          anaemia: maternalMeasurements.anaemia,
        })
        .from(maternalMeasurements)
        .where(and(inArray(maternalMeasurements.pregnancyId, ids), lte(maternalMeasurements.measuredOn, p.end)))
    : [];
  const confirmed = ids.length
    ? await db
        .select({ pregnancyId: reminderPlans.pregnancyId, ruleKey: reminderFires.ruleKey })
        .from(reminderFires)
        .innerJoin(reminderPlans, eq(reminderPlans.id, reminderFires.planId))
        .where(
          and(
            inArray(reminderPlans.pregnancyId, ids),
            eq(reminderFires.status, "done"),
            lte(reminderFires.doneAt, monthEnd),
            sql`${reminderFires.ruleKey} in ('anc-k1','anc-k2','anc-k3','anc-k4','anc-k5','anc-k6')`,
          ),
        )
    : [];

  // The latest LiLA and the latest Hb of each pregnancy up to the month's end.
  const latest = (pick: (m: (typeof measured)[number]) => boolean) => {
    const out = new Map<string, (typeof measured)[number]>();
    for (const m of measured) {
      if (!pick(m)) continue;
      const seen = out.get(m.pregnancyId);
      if (!seen || m.measuredOn > seen.measuredOn || (m.measuredOn === seen.measuredOn && m.createdAt > seen.createdAt))
        out.set(m.pregnancyId, m);
    }
    return out;
  };
  const lila = latest((m) => m.muac !== null);
  const hb = latest((m) => m.hb !== null);
  const visits = new Map<string, Set<AncVisit>>();
  for (const c of confirmed) {
    if (!c.pregnancyId) continue;
    const visit = c.ruleKey.slice(4).toUpperCase() as AncVisit;
    visits.set(c.pregnancyId, (visits.get(c.pregnancyId) ?? new Set()).add(visit));
  }

  const total = empty();
  const groups = new Map<string, PregnancyFigures>();
  const add = (f: PregnancyFigures, w: Followed) => {
    f.followed++;
    f.trimester[stageOn(w.hpht, p.end)]++;
    const l = lila.get(w.id);
    if (l) {
      f.kek.measured++;
      if (l.kek) f.kek.cases++;
    }
    const h = hb.get(w.id);
    if (h) {
      f.anaemia.measured++;
      if (h.anaemia) f.anaemia.cases++;
    }
    for (const v of visits.get(w.id) ?? []) f.ancConfirmed[v]++;
  };
  for (const w of followed) {
    add(total, w);
    const key = kecamatanOf(w.desaCode);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = empty()));
    add(g, w);
  }
  const finish = (f: PregnancyFigures): PregnancyFigures => ({
    ...f,
    kek: { ...f.kek, percent: percent(f.kek.cases, f.kek.measured) },
    anaemia: { ...f.anaemia, percent: percent(f.anaemia.cases, f.anaemia.measured) },
  });
  const names = new Map(
    (
      await db
        .select({ code: areas.code, name: areas.name })
        .from(areas)
        .where(inArray(areas.code, [...groups.keys()].filter((k) => k !== "unknown").concat("-")))
    ).map((a) => [a.code, a.name]),
  );
  return {
    month,
    kecamatan: [...groups.entries()]
      .map(([code, f]) => ({ code, name: names.get(code) ?? code, ...finish(f) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    total: finish(total),
  };
}
