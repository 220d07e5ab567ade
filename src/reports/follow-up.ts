// Follow-up lists for the Pokja and the puskesmas: who is waiting for care and whether the loop
// closes. Open referrals (urgent first), time from referral to acknowledgement and to outcome with
// the loop-closed rate per kecamatan, children whose last measurement calls for a referral but who
// have none open (this list must be empty), and children not measured for two months or more.
// Every read is limited to the caller's area in the query itself.
import { and, asc, eq, gte, inArray, isNull, lte, or, sql } from "drizzle-orm";
import { reportScope, type Viewer } from "./scope.js";
import { areas } from "../areas/areas.sql.js";
import { children } from "../children/children.sql.js";
import { queryRows, type DbOrTx } from "../db/client.js";
import { referrals, type ReferralPriority, type ReferralReason } from "../growth/growth.sql.js";
import { posyandu } from "../health-units/health-units.sql.js";
import { BALITA_MONTHS, kecamatanOf } from "./stats.js";

const OPEN_STATUSES = ["open", "acknowledged"] as const;
const DAY_MS = 86_400_000;

/** Why a child's latest measurement needs the puskesmas (Permenkes 2/2020 cut-offs; Buku KIA KBM). */
export type FollowUpReason = "gizi-buruk" | "sangat-pendek" | "2T" | "BGM";

export interface LatestMeasurement {
  measuredOn: string;
  zlen: number | null;
  zwfl: number | null;
  oedema: boolean;
  twoT: boolean;
  bgm: boolean;
  flags: Record<string, 0 | 1 | null>;
}

/**
 * The reasons a child's latest measurement calls for a referral: gizi buruk (BB/PB or BB/TB < −3, or
 * bilateral pitting oedema whatever the weight: WHO 2013 SAM guideline), sangat pendek (PB/U or TB/U
 * < −3), weight not gained twice in a row (2T) or below the red line (BGM). A z-score carrying a WHO
 * implausibility flag is not a reason (the value is likely wrong; the kader is asked to re-measure).
 */
export function followUpReasons(m: LatestMeasurement): FollowUpReason[] {
  const valid = (key: "zlen" | "zwfl") => (m[key] !== null && Number.isFinite(m[key]) && m.flags[key] !== 1 ? m[key] : null);
  const out: FollowUpReason[] = [];
  const zwfl = valid("zwfl");
  if (m.oedema || (zwfl !== null && zwfl < -3)) out.push("gizi-buruk");
  const zlen = valid("zlen");
  if (zlen !== null && zlen < -3) out.push("sangat-pendek");
  if (m.twoT) out.push("2T");
  if (m.bgm) out.push("BGM");
  return out;
}

/** Median of a list (null when empty), one decimal. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const m = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return Math.round(m * 10) / 10;
}

/** Days from one instant to another, one decimal. */
export const daysFrom = (a: Date, b: Date): number => Math.round(((b.getTime() - a.getTime()) / DAY_MS) * 10) / 10;

/** The day `months` calendar months before `on` (YYYY-MM-DD), clamped to the month's last day. */
export function monthsBefore(on: string, months: number): string {
  const [y, m, d] = on.split("-").map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) - months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, "0")}-${String(Math.min(d, last)).padStart(2, "0")}`;
}

export interface OpenReferral {
  number: number;
  priority: ReferralPriority;
  status: "open" | "acknowledged";
  reasons: ReferralReason[];
  subject: "child" | "pregnancy";
  childName: string | null;
  childCode: string | null;
  desaCode: string | null;
  desaName: string | null;
  posyanduName: string | null;
  createdAt: string;
  acknowledgedAt: string | null;
  daysOpen: number;
}

export interface LoopFigures {
  kecamatanCode: string;
  kecamatanName: string;
  referred: number;
  acknowledged: number;
  withOutcome: number;
  /** Median days from referral to acknowledgement / to the outcome the puskesmas recorded. */
  medianDaysToAcknowledge: number | null;
  medianDaysToOutcome: number | null;
  /** Referrals with an outcome / referrals made, percent. */
  loopClosedPercent: number | null;
}

export interface ChildOnList {
  childId: string;
  name: string;
  code: string;
  birthDate: string;
  desaCode: string | null;
  desaName: string | null;
  posyanduName: string | null;
  lastMeasuredOn: string | null;
}

export interface FollowUpReport {
  asOf: string;
  openReferrals: { total: number; urgent: number; items: OpenReferral[] };
  loop: { from: string; to: string; kecamatan: LoopFigures[]; total: LoopFigures };
  /** Must be empty: each child here needs a referral that nobody has made. */
  unreferred: (ChildOnList & { reasons: FollowUpReason[] })[];
  notMeasured: { months: number; total: number; items: ChildOnList[] };
}

export interface FollowUpOptions {
  asOf: string;
  /** Referrals made from this day (inclusive) count in the loop figures. */
  from: string;
  notMeasuredMonths: number;
  limit: number;
  /** The present instant (the service clock), for how long open referrals have waited. */
  now: Date;
}

const percent1 = (k: number, n: number) => (n > 0 ? Math.round((k / n) * 1000) / 10 : null);

function loopOf(
  code: string,
  name: string,
  rows: readonly { createdAt: Date; acknowledgedAt: Date | null; outcomeAt: Date | null }[],
): LoopFigures {
  const acks = rows.filter((r) => r.acknowledgedAt).map((r) => daysFrom(r.createdAt, r.acknowledgedAt!));
  const outcomes = rows.filter((r) => r.outcomeAt).map((r) => daysFrom(r.createdAt, r.outcomeAt!));
  return {
    kecamatanCode: code,
    kecamatanName: name,
    referred: rows.length,
    acknowledged: acks.length,
    withOutcome: outcomes.length,
    medianDaysToAcknowledge: median(acks),
    medianDaysToOutcome: median(outcomes),
    loopClosedPercent: percent1(outcomes.length, rows.length),
  };
}

/** The follow-up lists of the caller's area on `asOf` (a WITA calendar day). */
export async function followUpReport(db: DbOrTx, principal: Viewer, o: FollowUpOptions): Promise<FollowUpReport> {
  const endOfDay = new Date(`${o.asOf}T23:59:59.999+08:00`);
  const referralScope = reportScope(principal, { desaCode: referrals.desaCode, posyanduId: referrals.posyanduId });
  const areaNames = new Map((await db.select({ code: areas.code, name: areas.name }).from(areas)).map((a) => [a.code, a.name]));

  const open = await db
    .select({
      number: referrals.number,
      priority: referrals.priority,
      status: referrals.status,
      reasons: referrals.reasons,
      childId: referrals.childId,
      childName: children.name,
      childCode: children.code,
      desaCode: referrals.desaCode,
      posyanduName: posyandu.name,
      createdAt: referrals.createdAt,
      acknowledgedAt: referrals.acknowledgedAt,
    })
    .from(referrals)
    .leftJoin(children, eq(children.id, referrals.childId))
    .leftJoin(posyandu, eq(posyandu.id, referrals.posyanduId))
    .where(and(referralScope, inArray(referrals.status, [...OPEN_STATUSES]), lte(referrals.createdAt, endOfDay)))
    // Urgent first (severe acute malnutrition is seen the same day), then the longest waiting.
    .orderBy(sql`case when ${referrals.priority} = 'urgent' then 0 else 1 end`, asc(referrals.createdAt), asc(referrals.number));

  const made = await db
    .select({
      desaCode: referrals.desaCode,
      createdAt: referrals.createdAt,
      acknowledgedAt: referrals.acknowledgedAt,
      outcomeAt: referrals.outcomeAt,
    })
    .from(referrals)
    .where(and(referralScope, gte(referrals.createdAt, new Date(`${o.from}T00:00:00+08:00`)), lte(referrals.createdAt, endOfDay)));
  const byKecamatan = new Map<string, typeof made>();
  for (const r of made) {
    const k = kecamatanOf(r.desaCode);
    byKecamatan.set(k, [...(byKecamatan.get(k) ?? []), r]);
  }

  // Children under five, registered by asOf and still followed, with their latest valid measurement.
  const oldest = monthsBefore(o.asOf, BALITA_MONTHS);
  const childScope = reportScope(principal, { desaCode: children.desaCode, posyanduId: children.posyanduId });
  const kids = await db
    .select({
      id: children.id,
      name: children.name,
      code: children.code,
      birthDate: children.birthDate,
      desaCode: children.desaCode,
      posyanduName: posyandu.name,
      createdAt: children.createdAt,
    })
    .from(children)
    .leftJoin(posyandu, eq(posyandu.id, children.posyanduId))
    .where(
      and(
        childScope,
        lte(children.birthDate, o.asOf),
        sql`${children.birthDate} > ${oldest}`,
        lte(children.createdAt, endOfDay),
        or(isNull(children.remindersStoppedAt), sql`${children.remindersStoppedAt} > ${endOfDay.toISOString()}::timestamptz`),
      ),
    )
    .orderBy(asc(children.name), asc(children.id));
  const latest = new Map(
    (
      await queryRows<{
        child_id: string;
        measured_on: string;
        zlen: number | null;
        zwfl: number | null;
        oedema: boolean;
        two_t: boolean;
        bgm: boolean;
        flags: Record<string, 0 | 1 | null> | null;
      }>(
        db,
        sql`select distinct on (m.child_id) m.child_id, m.measured_on::text as measured_on, m.zlen, m.zwfl, m.oedema, m.two_t, m.bgm, m.flags
            from measurements m join children on children.id = m.child_id
            where m.cancelled_at is null and m.measured_on <= ${o.asOf} and ${childScope}
            order by m.child_id, m.measured_on desc, m.created_at desc`,
      )
    ).map((r) => [
      r.child_id,
      { measuredOn: r.measured_on, zlen: r.zlen, zwfl: r.zwfl, oedema: r.oedema, twoT: r.two_t, bgm: r.bgm, flags: r.flags ?? {} },
    ]),
  );
  const referred = new Set(open.map((r) => r.childId).filter((id): id is string => id !== null));
  const onList = (k: (typeof kids)[number]): ChildOnList => ({
    childId: k.id,
    name: k.name,
    code: k.code,
    birthDate: k.birthDate,
    desaCode: k.desaCode,
    desaName: k.desaCode ? (areaNames.get(k.desaCode) ?? null) : null,
    posyanduName: k.posyanduName,
    lastMeasuredOn: latest.get(k.id)?.measuredOn ?? null,
  });

  const unreferred: FollowUpReport["unreferred"] = [];
  const notMeasured: ChildOnList[] = [];
  const cutoff = monthsBefore(o.asOf, o.notMeasuredMonths);
  for (const k of kids) {
    const m = latest.get(k.id);
    if (m && !referred.has(k.id)) {
      const reasons = followUpReasons(m);
      if (reasons.length > 0) unreferred.push({ ...onList(k), reasons });
    }
    // Never measured counts only once the child has been registered for the whole interval.
    const last = m?.measuredOn ?? null;
    const registeredOn = new Date(k.createdAt.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    if (last ? last <= cutoff : registeredOn <= cutoff) notMeasured.push(onList(k));
  }

  const kecamatan = [...byKecamatan.entries()]
    .map(([code, rows]) => loopOf(code, code === "unknown" ? "unknown" : (areaNames.get(code) ?? code), rows))
    .sort((a, b) => a.kecamatanName.localeCompare(b.kecamatanName));
  return {
    asOf: o.asOf,
    openReferrals: {
      total: open.length,
      urgent: open.filter((r) => r.priority === "urgent").length,
      items: open.slice(0, o.limit).map((r) => ({
        number: r.number,
        priority: r.priority,
        status: r.status as OpenReferral["status"],
        reasons: r.reasons,
        subject: r.childId ? "child" : "pregnancy",
        childName: r.childName,
        childCode: r.childCode,
        desaCode: r.desaCode,
        desaName: r.desaCode ? (areaNames.get(r.desaCode) ?? null) : null,
        posyanduName: r.posyanduName,
        createdAt: r.createdAt.toISOString(),
        acknowledgedAt: r.acknowledgedAt?.toISOString() ?? null,
        daysOpen: daysFrom(r.createdAt, endOfDay < o.now ? endOfDay : o.now),
      })),
    },
    loop: { from: o.from, to: o.asOf, kecamatan, total: loopOf("regency", "total", made) },
    unreferred,
    notMeasured: { months: o.notMeasuredMonths, total: notMeasured.length, items: notMeasured.slice(0, o.limit) },
  };
}
