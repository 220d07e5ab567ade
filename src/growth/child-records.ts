// The children registry as staff keep it: find children and their measurements within the
// caller's area (whereInScope), correct a child's record and correct a measurement, each with a
// reason (audited). Shared by the admin API and the console; callable from a CLI or a job.
import { and, asc, count, desc, eq, ilike, isNull, lt, or } from "drizzle-orm";
import { auditSnapshot, recordAudit, type AuditActor } from "../platform/audit.js";
import { badField, conflict, forbidden, notFound } from "../platform/errors.js";
import { whereInScope, type ScopePrincipal } from "../platform/scope.js";
import { children, type Child } from "../children/index.js";
import type { DbOrTx } from "../db/client.js";
import { posyandu } from "../health-units/health-units.sql.js";
import { correctBirthDate, remindersOfChild, syncPosyanduDays } from "../reminders/index.js";
import type { Runtime } from "../runtime.js";
import { measurements } from "./growth.sql.js";
import { evaluateReport, reassessChild, saveMeasurement, type Measurement, type ReportValues } from "./reports.js";
import { checkBirthDate, localDate, normalisePhone } from "./rules.js";

const inScope = (p: ScopePrincipal) => whereInScope(p, { desaCode: children.desaCode, posyanduId: children.posyanduId });

/** A child for the audit log: as staff see it, the NIK left out. */
function childAudit(c: Child) {
  const { nik, nikHash: _hash, ...rest } = c;
  return { ...rest, hasNik: Boolean(nik) };
}

const tidyName = (s: string) => s.trim().replace(/\s+/g, " ");

export async function childInScope(db: DbOrTx, p: ScopePrincipal, id: string): Promise<Child | undefined> {
  const [row] = await db
    .select()
    .from(children)
    .where(and(eq(children.id, id), inScope(p)));
  return row;
}

/** A child's measurements, newest first (cancelled and corrected ones included). */
export async function measurementsOf(db: DbOrTx, childId: string): Promise<Measurement[]> {
  return db
    .select()
    .from(measurements)
    .where(eq(measurements.childId, childId))
    .orderBy(desc(measurements.measuredOn), desc(measurements.createdAt));
}

export interface ChildFilter {
  desaCode?: string;
  posyanduId?: string;
  /** Part of the child's or mother's name, or the child's code. */
  q?: string;
  limit: number;
  offset: number;
}

/** Children in the caller's area, by name, with the total for paging. */
export async function listChildren(db: DbOrTx, p: ScopePrincipal, f: ChildFilter): Promise<{ rows: Child[]; total: number }> {
  const where = and(
    inScope(p),
    f.desaCode ? eq(children.desaCode, f.desaCode) : undefined,
    f.posyanduId ? eq(children.posyanduId, f.posyanduId) : undefined,
    f.q ? or(ilike(children.name, `%${f.q}%`), ilike(children.motherName, `%${f.q}%`), eq(children.code, f.q.toUpperCase())) : undefined,
  );
  const rows = await db.select().from(children).where(where).orderBy(asc(children.name), asc(children.id)).limit(f.limit).offset(f.offset);
  const [total] = await db.select({ n: count() }).from(children).where(where);
  return { rows, total: Number(total?.n ?? 0) };
}

/** One child in the caller's area with its measurements; not found outside it. */
export async function childRecord(db: DbOrTx, p: ScopePrincipal, id: string): Promise<{ child: Child; measurements: Measurement[] }> {
  const child = await childInScope(db, p, id);
  if (!child) throw notFound("Child");
  return { child, measurements: await measurementsOf(db, child.id) };
}

/** A child's reminders (its programmes and each reminder made so far), if the child is in the area. */
export async function childReminders(db: DbOrTx, p: ScopePrincipal, id: string): Promise<Awaited<ReturnType<typeof remindersOfChild>>> {
  const child = await childInScope(db, p, id);
  if (!child) throw notFound("Child");
  return remindersOfChild(db, child.id);
}

export interface ChildCorrection {
  reason: string;
  name?: string;
  sex?: "L" | "P";
  birthDate?: string;
  posyanduId?: string | null;
  motherName?: string | null;
  parentPhone?: string | null;
}

/** Who corrects a record: their area and how the audit log names them. */
export interface Corrector {
  principal: ScopePrincipal;
  actor: AuditActor;
}

/**
 * Corrects a child's record. A new sex or birth date re-assesses its measurements, a new birth
 * date moves its reminders, a new posyandu moves the child (and its desa) there. The caller must
 * still reach the child afterwards (a kader taking it off their posyandu may not).
 */
export async function correctChild(rt: Runtime, by: Corrector, childId: string, correction: ChildCorrection): Promise<Child> {
  const { principal } = by;
  const now = rt.clock.now();
  const today = localDate(now, rt.config.TIMEZONE);
  const { reason, name, sex, birthDate, posyanduId, motherName, parentPhone } = correction;
  if (birthDate !== undefined) {
    const checked = checkBirthDate(birthDate, today);
    if ("problem" in checked)
      throw badField("body.birthDate", checked.problem === "future" ? "is in the future" : "is too long ago for a child under five");
  }
  const phone = parentPhone === undefined || parentPhone === null ? parentPhone : normalisePhone(parentPhone);
  if (phone === null && parentPhone) throw badField("body.parentPhone", "is not an Indonesian phone number");

  return rt.db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(children)
      .where(and(eq(children.id, childId), inScope(principal)))
      .for("update");
    if (!before) throw notFound("Child");

    const set: Partial<typeof children.$inferInsert> = {};
    if (name !== undefined) set.name = tidyName(name);
    if (sex !== undefined) set.sex = sex;
    if (motherName !== undefined) set.motherName = motherName === null ? null : tidyName(motherName);
    if (phone !== undefined) set.parentPhone = phone;
    if (posyanduId !== undefined && posyanduId !== before.posyanduId) {
      set.posyanduId = posyanduId;
      if (posyanduId !== null) {
        const [unit] = await tx.select({ desaCode: posyandu.desaCode }).from(posyandu).where(eq(posyandu.id, posyanduId));
        if (!unit) throw badField("body.posyanduId", "is not a known posyandu");
        const [reached] = await tx
          .select({ id: posyandu.id })
          .from(posyandu)
          .where(and(eq(posyandu.id, posyanduId), whereInScope(principal, { desaCode: posyandu.desaCode, posyanduId: posyandu.id })));
        if (!reached) throw forbidden("That posyandu is outside your area");
        set.desaCode = unit.desaCode;
      }
    }
    const birthMoved = birthDate !== undefined && birthDate !== before.birthDate;
    if (birthMoved) {
      // Measurements dated before the new birth date would have no age: those come first.
      const [early] = await tx
        .select({ on: measurements.measuredOn })
        .from(measurements)
        .where(and(eq(measurements.childId, before.id), isNull(measurements.cancelledAt), lt(measurements.measuredOn, birthDate)))
        .orderBy(asc(measurements.measuredOn))
        .limit(1);
      if (early) throw badField("body.birthDate", `is after a measurement of this child (${early.on}); correct that measurement first`);
    }

    if (Object.keys(set).length > 0) await tx.update(children).set(set).where(eq(children.id, before.id));
    const [current] = await tx.select().from(children).where(eq(children.id, before.id));
    if (birthMoved) await correctBirthDate(rt, tx, current as Child, birthDate);
    if (birthMoved || (sex !== undefined && sex !== before.sex)) await reassessChild(tx, before.id);
    if ("posyanduId" in set) await syncPosyanduDays(rt, tx, { childId: before.id });

    const after = await childInScope(tx, principal, before.id);
    if (!after) throw forbidden("After this change the child would be outside your area");
    await recordAudit(tx, {
      actor: by.actor,
      action: "child.update",
      entity: "child",
      entityId: before.id,
      before: childAudit(before),
      after: childAudit(after),
      reason,
      at: now,
    });
    return after;
  });
}

export interface MeasurementCorrection {
  reason: string;
  measuredOn?: string;
  weightKg?: number;
  lengthCm?: number;
  position?: "lying" | "standing";
  headCm?: number;
  muacCm?: number;
  oedema?: boolean;
}

/**
 * Corrects a measurement: a new, re-assessed measurement replaces it and both stay on record (the
 * old one cancelled, the new one pointing at it with the reason).
 */
export async function correctMeasurement(
  rt: Runtime,
  by: Corrector,
  measurementId: string,
  correction: MeasurementCorrection,
): Promise<Measurement> {
  const now = rt.clock.now();
  const { reason, ...patch } = correction;
  return rt.db.transaction(async (tx) => {
    const [old] = await tx
      .select({ m: measurements, child: children })
      .from(measurements)
      .innerJoin(children, eq(children.id, measurements.childId))
      .where(and(eq(measurements.id, measurementId), inScope(by.principal)));
    if (!old) throw notFound("Measurement");
    if (old.m.cancelledAt) throw conflict("measurement_replaced", "This measurement was cancelled or corrected already");
    await tx
      .update(measurements)
      .set({ cancelledAt: now })
      .where(and(eq(measurements.id, old.m.id), isNull(measurements.cancelledAt)));
    const values: ReportValues = {
      childId: old.child.id,
      measuredOn: patch.measuredOn ?? old.m.measuredOn,
      ...defined({
        weightKg: patch.weightKg ?? old.m.weightKg,
        lengthCm: patch.lengthCm ?? old.m.lengthCm,
        position: patch.position ?? old.m.position,
        headCm: patch.headCm ?? old.m.headCm,
        muacCm: patch.muacCm ?? old.m.muacCm,
      }),
      oedema: patch.oedema ?? old.m.oedema,
    };
    const evaluation = await evaluateReport(tx, old.child, values, localDate(now, rt.config.TIMEZONE));
    const saved = await saveMeasurement(tx, old.child, evaluation, { sentByContactId: null, now, confirmed: true, source: "api" });
    const [row] = await tx
      .update(measurements)
      .set({ correctedFromId: old.m.id, correctionReason: reason })
      .where(eq(measurements.id, saved.id))
      .returning();
    await recordAudit(tx, {
      actor: by.actor,
      action: "measurement.correct",
      entity: "measurement",
      entityId: old.m.id,
      before: auditSnapshot(old.m),
      after: auditSnapshot(row),
      reason,
      at: now,
    });
    return row as Measurement;
  });
}

function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: NonNullable<T[K]> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]?: NonNullable<T[K]> };
}
