// A kader's measurement from parsed values to a stored row: assessment (z-scores, statuses), N/T
// against the child's history, plausibility warnings, referral, the reply and the parent message.
import { and, asc, desc, eq, gt, isNull } from "drizzle-orm";
import { enqueue } from "../channels/outbox.js";
import { children } from "../children/children.sql.js";
import type { Child } from "../children/index.js";
import { contactChannels, contacts } from "../contacts/contacts.sql.js";
import type { DbOrTx } from "../db/client.js";
import type { I18n, Lang } from "../i18n/index.js";
import { assessGrowth, type GrowthAssessment } from "./assess.js";
import { measurements } from "./growth.sql.js";
import type { KaderReport } from "./parse.js";
import { bareWeightReading, checkPlausibility, type PlausibilityWarning } from "./plausibility.js";
import type { StatusTbu } from "./classify.js";
import type { ReferralRule } from "./referral-rules.js";
import { createReferral, openReferralOfChild, type Referral } from "./referrals.js";
import { adviceFor, defaultPosition, formatDate, formatNumber, referralReasons, resolveMeasuredOn, type AdviceCode } from "./rules.js";
import type { ReferralReason } from "./growth.sql.js";
import { weightGainStatus, type WeighingAssessment } from "./weight-gain.js";
import { ageInDays, dayNumber, type Position } from "./zscore.js";
import { preferredChannel } from "../contacts/preferred-channel.js";

export type Measurement = typeof measurements.$inferSelect;

/** BATAL undoes the kader's own last report within this window. */
export const UNDO_WINDOW_MS = 24 * 60 * 60_000;

/** The values of one report, JSON-safe (they wait in the dialogue state during a confirmation). */
export interface ReportValues {
  childId: string;
  measuredOn: string;
  weightKg?: number;
  lengthCm?: number;
  position?: Position;
  headCm?: number;
  muacCm?: number;
  oedema?: boolean;
  /** The parser saw grams; weightKg holds the kg reading the kader is asked to confirm. */
  weightGrams?: number;
  /** A bare number read as kg with its comma lost ("820" → 8,2); weightKg holds that reading. */
  weightTyped?: number;
}

/** Turns a parsed line into values for a child, or null when the date cannot exist. */
export function reportValues(child: Pick<Child, "id" | "birthDate" | "sex">, report: KaderReport, today: string): ReportValues | null {
  const measuredOn = resolveMeasuredOn(report.measuredOn, today);
  if (!measuredOn) return null;
  const v: ReportValues = { childId: child.id, measuredOn };
  if (report.weightKg !== undefined) v.weightKg = report.weightKg;
  const ageDays = ageInDays(child.birthDate, measuredOn);
  const reading =
    report.weightGrams !== undefined && report.weightBare
      ? bareWeightReading(report.weightGrams, child.sex, Number.isFinite(ageDays) ? ageDays : null)
      : null;
  if (reading?.reading === "decimal" && report.weightGrams !== undefined) {
    v.weightTyped = report.weightGrams;
    v.weightKg = reading.kg;
  } else if (report.weightGrams !== undefined) {
    v.weightGrams = report.weightGrams;
    v.weightKg = Math.round(report.weightGrams) / 1000;
  }
  if (report.lengthCm !== undefined) {
    v.lengthCm = report.lengthCm;
    const age = ageInDays(child.birthDate, measuredOn);
    v.position = report.position ?? defaultPosition(Number.isFinite(age) && age >= 0 ? age : null, report.lengthKeyword);
  }
  if (report.headCm !== undefined) v.headCm = report.headCm;
  if (report.muacCm !== undefined) v.muacCm = report.muacCm;
  if (report.oedema !== undefined) v.oedema = report.oedema;
  return v;
}

export interface Evaluation {
  values: ReportValues;
  assessment: GrowthAssessment;
  weighing: WeighingAssessment | null;
  warnings: PlausibilityWarning[];
  reasons: ReferralReason[];
  advice: AdviceCode;
  /** The child's referral not yet closed, as it stood before this report. */
  openReferral: Pick<Referral, "number" | "reasons" | "priority"> | null;
  /** For a report without length: the latest recent length's date and PB/U–TB/U status. */
  latestLength: { date: string; tbu: StatusTbu } | null;
}

/**
 * A length/height this recent still describes the child when only the weight is re-measured
 * (stunting does not resolve within weeks). Team choice, not a Kemenkes rule.
 */
export const LATEST_LENGTH_WINDOW_DAYS = 92;

export interface EvaluateOptions {
  /** The Pokja's weighing referral rules (config GROWTH_REFERRAL_RULES). */
  rules?: readonly ReferralRule[];
}

async function history(db: DbOrTx, childId: string): Promise<Measurement[]> {
  return db
    .select()
    .from(measurements)
    .where(and(eq(measurements.childId, childId), isNull(measurements.cancelledAt)))
    .orderBy(asc(measurements.measuredOn), asc(measurements.createdAt));
}

/** Z-scores and statuses of measured values for this child (no history, nothing written). */
function assessValues(child: Pick<Child, "sex" | "birthDate">, v: Omit<ReportValues, "childId" | "weightGrams">): GrowthAssessment {
  const { measuredOn, weightKg, lengthCm, position, headCm, muacCm, oedema } = v;
  return assessGrowth({ sex: child.sex, birthDate: child.birthDate, measuredOn, weightKg, lengthCm, position, headCm, muacCm, oedema });
}

/** Assesses a report against the child's stored history; nothing is written. */
export async function evaluateReport(
  db: DbOrTx,
  child: Child,
  values: ReportValues,
  today: string,
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  const assessment = assessValues(child, values);
  const past = await history(db, child.id);
  const warnings = checkPlausibility(assessment, {
    measuredOn: values.measuredOn,
    today,
    birthDate: child.birthDate,
    weightKg: values.weightKg,
    weightGrams: values.weightGrams,
    weightTyped: values.weightTyped,
    previous: past.map((p) => ({ date: p.measuredOn, weightKg: p.weightKg ?? undefined, clenhei: p.lengthCorrectedCm ?? undefined })),
  });
  let weighing: WeighingAssessment | null = null;
  if (values.weightKg !== undefined && assessment.ageDays !== null && !assessment.ageProblem) {
    // Tag the new weighing so it can be found again after sorting (a late entry may land mid-history).
    const mine = { date: values.measuredOn, weightKg: values.weightKg, mine: true };
    const weighings = [
      ...past.filter((p) => p.weightKg !== null).map((p) => ({ date: p.measuredOn, weightKg: p.weightKg as number, mine: false })),
      mine,
    ];
    const all = weightGainStatus({ sex: child.sex, birthDate: child.birthDate }, weighings) as (WeighingAssessment & { mine?: boolean })[];
    weighing = all.find((w) => w.mine) ?? null;
  }
  const reasons = assessment.ageProblem
    ? []
    : referralReasons(assessment, { oedema: values.oedema === true, weighing, muacCm: values.muacCm, rules: options.rules });
  // A weight-only re-measure still describes a child whose recent length was short.
  let latestLength: Evaluation["latestLength"] = null;
  if (values.lengthCm === undefined) {
    const day = dayNumber(values.measuredOn);
    const recent = past
      .filter((p) => p.statusTbu !== null && dayNumber(p.measuredOn) <= day && day - dayNumber(p.measuredOn) <= LATEST_LENGTH_WINDOW_DAYS)
      .at(-1);
    if (recent) latestLength = { date: recent.measuredOn, tbu: recent.statusTbu as StatusTbu };
  }
  const open = await openReferralOfChild(db, child.id);
  const openReferral = open ? { number: open.number, reasons: open.reasons, priority: open.priority } : null;
  const advice = adviceFor(assessment, reasons, weighing?.code ?? null, {
    openReferral: openReferral !== null,
    latestTbu: latestLength?.tbu ?? null,
  });
  return { values, assessment, weighing, warnings, reasons, advice, openReferral, latestLength };
}

export interface SaveOptions {
  sentByContactId: string | null;
  now: Date;
  confirmed: boolean;
  source: "chat" | "api";
}

/** The columns of a measurement row derived from its assessment (age, z-scores, flags, statuses). */
export function assessedColumns(a: GrowthAssessment) {
  return {
    ageDays: a.ageDays,
    lengthCorrectedCm: a.clenhei,
    zlen: a.z.zlen,
    zwei: a.z.zwei,
    zwfl: a.z.zwfl,
    zbmi: a.z.zbmi,
    zhc: a.z.zhc,
    flags: { ...a.flags },
    statusTbu: a.status.tbu,
    statusBbu: a.status.bbu,
    statusBbtb: a.status.bbtb,
    statusImtu: a.status.imtu,
  } satisfies Partial<typeof measurements.$inferInsert>;
}

export async function saveMeasurement(db: DbOrTx, child: Child, ev: Evaluation, o: SaveOptions): Promise<Measurement> {
  const { values: v, assessment: a, weighing: w } = ev;
  const [row] = await db
    .insert(measurements)
    .values({
      childId: child.id,
      measuredOn: v.measuredOn,
      weightKg: v.weightKg ?? null,
      lengthCm: v.lengthCm ?? null,
      position: v.position ?? null,
      headCm: v.headCm ?? null,
      muacCm: v.muacCm ?? null,
      oedema: v.oedema === true,
      ...assessedColumns(a),
      growthCode: w?.code ?? null,
      twoT: w?.twoT ?? false,
      bgm: w?.bgm ?? false,
      gainG: w?.gainG ?? null,
      kbmG: w?.kbmG ?? null,
      warnings: ev.warnings.map((x) => x.code),
      confirmedImplausible: o.confirmed && ev.warnings.length > 0,
      source: o.source,
      sentByContactId: o.sentByContactId,
      createdAt: o.now,
    })
    .returning();
  if (!row) throw new Error("storing a measurement");
  await restampWeighings(db, row.childId);
  return row;
}

/**
 * Recomputes N/T/O/B, 2T, gain, KBM and BGM of every live weighing of a child. A BATAL, a correction
 * or a back-dated entry changes which weighing was "last month" for the ones after it, so their codes
 * are judged again against the history as it now stands (BGM too, after a corrected sex or birth
 * date). Returns how many rows changed.
 */
export async function restampWeighings(db: DbOrTx, childId: string): Promise<number> {
  const [child] = await db.select({ sex: children.sex, birthDate: children.birthDate }).from(children).where(eq(children.id, childId));
  if (!child) return 0;
  const rows = (await history(db, childId)).filter((m) => m.weightKg !== null && m.ageDays !== null);
  const assessed = weightGainStatus(
    child,
    rows.map((m) => ({ date: m.measuredOn, weightKg: m.weightKg as number, id: m.id })),
  ) as (WeighingAssessment & { id: string })[];
  const stored = new Map(rows.map((m) => [m.id, m]));
  let changed = 0;
  for (const w of assessed) {
    const m = stored.get(w.id);
    if (!m || (m.growthCode === w.code && m.twoT === w.twoT && m.gainG === w.gainG && m.kbmG === w.kbmG && m.bgm === w.bgm)) continue;
    await db
      .update(measurements)
      .set({ growthCode: w.code, twoT: w.twoT, gainG: w.gainG, kbmG: w.kbmG, bgm: w.bgm })
      .where(eq(measurements.id, w.id));
    changed++;
  }
  return changed;
}

/**
 * After a child's sex or birth date is corrected: every live measurement is assessed again exactly
 * as a kader's report would be now (age, z-scores, flags, statuses), then N/T is judged again. The
 * rows are updated in place: these are derived values of the same measurement. The values as
 * measured (position included) and the warnings the kader saw then stay as they were.
 * Returns how many measurements were assessed.
 */
export async function reassessChild(db: DbOrTx, childId: string): Promise<number> {
  const [child] = await db.select({ sex: children.sex, birthDate: children.birthDate }).from(children).where(eq(children.id, childId));
  if (!child) return 0;
  const rows = await history(db, childId);
  for (const m of rows) {
    const a = assessValues(child, {
      measuredOn: m.measuredOn,
      weightKg: m.weightKg ?? undefined,
      lengthCm: m.lengthCm ?? undefined,
      position: m.position ?? undefined,
      headCm: m.headCm ?? undefined,
      muacCm: m.muacCm ?? undefined,
      oedema: m.oedema,
    });
    await db.update(measurements).set(assessedColumns(a)).where(eq(measurements.id, m.id));
  }
  await restampWeighings(db, childId);
  return rows.length;
}

export interface Stored {
  measurement: Measurement;
  referral: Referral | null;
  referralCreated: boolean;
  /** Reasons added to an open referral by this report. */
  referralAdded: ReferralReason[];
  puskesmasName: string | null;
  parentNotified: boolean;
}

/** Stores an evaluated report, refers the child when needed and queues the parent's message. */
export async function storeReport(db: DbOrTx, i18n: I18n, child: Child, ev: Evaluation, o: SaveOptions): Promise<Stored> {
  const measurement = await saveMeasurement(db, child, ev, o);
  let referral: Referral | null = null;
  let referralCreated = false;
  let referralAdded: ReferralReason[] = [];
  let puskesmasName: string | null = null;
  if (ev.reasons.length > 0) {
    const r = await createReferral(
      db,
      i18n,
      {
        childId: child.id,
        measurementId: measurement.id,
        desaCode: child.desaCode,
        posyanduId: child.posyanduId,
        reasons: ev.reasons,
        createdByContactId: o.sentByContactId,
      },
      o.now,
    );
    referral = r.referral;
    referralCreated = r.created;
    referralAdded = r.added;
    puskesmasName = r.puskesmasName;
  }
  const parentNotified = await notifyParent(db, i18n, await linkParentByPhone(db, child), ev, measurement, o.now);
  return { measurement, referral, referralCreated, referralAdded, puskesmasName, parentNotified };
}

/**
 * A parent who registered in the chat after the kader gave their phone number is linked now: the
 * child's parentPhone matches the phone their channel reported.
 */
export async function linkParentByPhone(db: DbOrTx, child: Child): Promise<Child> {
  if (child.parentContactId || !child.parentPhone) return child;
  const [channel] = await db
    .select({ contactId: contactChannels.contactId })
    .from(contactChannels)
    .where(eq(contactChannels.phone, child.parentPhone))
    .limit(1);
  if (!channel) return child;
  const [row] = await db.update(children).set({ parentContactId: channel.contactId }).where(eq(children.id, child.id)).returning();
  return row ?? child;
}

/**
 * A plain-language message to the parent, only with consent (UU PDP: the parent registered and
 * agreed) and not opted out (BERHENTI); once per measurement.
 */
export async function notifyParent(db: DbOrTx, i18n: I18n, child: Child, ev: Evaluation, m: Measurement, now: Date): Promise<boolean> {
  if (!child.parentContactId) return false;
  const [parent] = await db.select().from(contacts).where(eq(contacts.id, child.parentContactId));
  if (!parent?.consentAt || parent.optedOutAt) return false;
  const channel = await preferredChannel(db, parent.id);
  if (!channel) return false;
  const lang: Lang = parent.lang ?? "id";
  const t = (key: string, vars?: Record<string, unknown>) => i18n.t(lang, key, vars);
  const lines = [t("growth:parent.intro", { name: child.name, date: formatDate(m.measuredOn) })];
  if (ev.values.weightKg !== undefined) lines.push(t("growth:parent.weight", { kg: formatNumber(ev.values.weightKg, 1) }));
  if (ev.values.lengthCm !== undefined) lines.push(t("growth:parent.length", { cm: formatNumber(ev.values.lengthCm, 1) }));
  lines.push(t(`growth:parent.advice.${ev.advice}`));
  if (ev.advice === "refer-urgent") lines.push(t("growth:danger_signs"));
  const ids = await enqueue(
    db,
    [
      {
        contactId: parent.id,
        channel: channel.channel,
        address: channel.address,
        kind: "growth",
        message: { text: lines.join("\n") },
        dedupeKey: `growth:parent:${m.id}`,
      },
    ],
    now,
  );
  return ids.length > 0;
}

/** The kader's own latest report still inside the undo window, if any. */
export async function lastUndoableReport(db: DbOrTx, kaderContactId: string, now: Date): Promise<Measurement | undefined> {
  const [row] = await db
    .select()
    .from(measurements)
    .where(
      and(
        eq(measurements.sentByContactId, kaderContactId),
        isNull(measurements.cancelledAt),
        gt(measurements.createdAt, new Date(now.getTime() - UNDO_WINDOW_MS)),
      ),
    )
    .orderBy(desc(measurements.createdAt))
    .limit(1);
  return row;
}

export async function cancelMeasurement(db: DbOrTx, id: string, now: Date): Promise<void> {
  const [row] = await db
    .update(measurements)
    .set({ cancelledAt: now })
    .where(eq(measurements.id, id))
    .returning({ childId: measurements.childId });
  if (row) await restampWeighings(db, row.childId);
}

export async function childHistory(db: DbOrTx, childId: string, limit = 12): Promise<Measurement[]> {
  const rows = await db
    .select()
    .from(measurements)
    .where(and(eq(measurements.childId, childId), isNull(measurements.cancelledAt)))
    .orderBy(desc(measurements.measuredOn), desc(measurements.createdAt))
    .limit(limit);
  return rows.reverse();
}

export async function childById(db: DbOrTx, id: string): Promise<Child | undefined> {
  const [row] = await db.select().from(children).where(eq(children.id, id));
  return row;
}
