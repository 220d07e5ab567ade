// Admin API over the children registry and their measurements, limited to the caller's area in
// the queries (whereInScope): read, correct a child's record and correct a measurement, each with a
// reason (audited).
import { and, asc, count, desc, eq, ilike, isNull, lt, or } from "drizzle-orm";
import type { FastifyPluginAsync } from "fastify";
import { principalOf } from "../admin/accounts.js";
import { auditSnapshot, recordAudit } from "../platform/audit.js";
import { badField, conflict, forbidden, notFound } from "../platform/errors.js";
import { actorOf, requireStaff } from "../platform/http/auth.js";
import type { AdminRouteOptions } from "../admin/plugin.js";
import { whereInScope, type ScopePrincipal } from "../platform/scope.js";
import { desaCode, errorSchema, idParams, pageOf, pageQuery, uuid, type Page } from "../platform/http/validation.js";
import { children, type Child } from "../children/index.js";
import type { DbOrTx } from "../db/client.js";
import { posyandu } from "../health-units/health-units.sql.js";
import { correctBirthDate, remindersOfChild, syncPosyanduDays } from "../reminders/index.js";
import { measurements } from "./growth.sql.js";
import { evaluateReport, reassessChild, saveMeasurement, type Measurement, type ReportValues } from "./reports.js";
import { checkBirthDate, localDate, normalisePhone } from "./rules.js";

const inScope = (p: ScopePrincipal) => whereInScope(p, { desaCode: children.desaCode, posyanduId: children.posyanduId });

/** A child as staff see it: the NIK itself stays in the database (only whether one is known). */
function childView(c: Child) {
  const { nik, nikHash: _hash, parentPhone: _phone, ...rest } = c as Child & { parentPhone?: string | null };
  return { ...rest, hasNik: Boolean(nik) };
}

/** A child for the audit log: as staff see it, the NIK left out. */
function childAudit(c: Child) {
  const { nik, nikHash: _hash, ...rest } = c;
  return { ...rest, hasNik: Boolean(nik) };
}

async function childInScope(db: DbOrTx, p: ScopePrincipal, id: string): Promise<Child | undefined> {
  const [row] = await db.select().from(children).where(and(eq(children.id, id), inScope(p)));
  return row;
}

async function measurementsOf(db: DbOrTx, childId: string): Promise<Measurement[]> {
  return db.select().from(measurements).where(eq(measurements.childId, childId)).orderBy(desc(measurements.measuredOn), desc(measurements.createdAt));
}

interface ChildCorrection {
  reason: string;
  name?: string;
  sex?: "L" | "P";
  birthDate?: string;
  posyanduId?: string | null;
  motherName?: string | null;
  parentPhone?: string | null;
}

// A person's name as the kader chat takes it (ANAK BARU): letters first, then letters, spaces, . ' -
const personName = { type: "string", pattern: "^\\s*[\\p{L}][\\p{L} .'’-]{1,59}\\s*$" } as const;
const tidyName = (s: string) => s.trim().replace(/\s+/g, " ");

interface Correction {
  reason: string;
  measuredOn?: string;
  weightKg?: number;
  lengthCm?: number;
  position?: "lying" | "standing";
  headCm?: number;
  muacCm?: number;
  oedema?: boolean;
}

/** A correction's body: a reason, and at least one field to change. */
const correctionBody = (properties: Record<string, unknown>) => ({
  type: "object",
  required: ["reason"],
  additionalProperties: false,
  minProperties: 2,
  properties: { reason: { type: "string", minLength: 3, maxLength: 500 }, ...properties },
});

export const childrenRoutes =
  ({ rt }: AdminRouteOptions): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Querystring: Page & { desaCode?: string; posyanduId?: string; q?: string } }>(
      "/api/v1/children",
      {
        schema: {
          tags: ["children"],
          summary: "Children in my area (by desa, posyandu, or a name/code search)",
          querystring: {
            type: "object",
            additionalProperties: false,
            properties: { ...pageQuery, desaCode, posyanduId: uuid, q: { type: "string", minLength: 2, maxLength: 60 } },
          },
          response: { 401: errorSchema },
        },
      },
      async (request) => {
        const staff = requireStaff(request);
        const { desaCode: desa, posyanduId, q } = request.query;
        const where = and(
          inScope(principalOf(staff)),
          desa ? eq(children.desaCode, desa) : undefined,
          posyanduId ? eq(children.posyanduId, posyanduId) : undefined,
          q ? or(ilike(children.name, `%${q}%`), ilike(children.motherName, `%${q}%`), eq(children.code, q.toUpperCase())) : undefined,
        );
        const rows = await rt.db.select().from(children).where(where).orderBy(asc(children.name), asc(children.id)).limit(request.query.limit).offset(request.query.offset);
        const [total] = await rt.db.select({ n: count() }).from(children).where(where);
        return pageOf(rows.map(childView), Number(total?.n ?? 0), request.query);
      },
    );

    app.get<{ Params: { id: string } }>(
      "/api/v1/children/:id",
      { schema: { tags: ["children"], summary: "One child with its measurements (newest first)", params: idParams, response: { 404: errorSchema } } },
      async (request) => {
        const staff = requireStaff(request);
        const child = await childInScope(rt.db, principalOf(staff), request.params.id);
        if (!child) throw notFound("Child");
        return { child: childView(child), measurements: await measurementsOf(rt.db, child.id) };
      },
    );

    app.get<{ Params: { id: string } }>(
      "/api/v1/children/:id/reminders",
      {
        schema: {
          tags: ["children"],
          summary: "A child's reminders: its programmes and each reminder made so far (planned, sent, confirmed, skipped, cancelled)",
          params: idParams,
          response: { 404: errorSchema },
        },
      },
      async (request) => {
        const staff = requireStaff(request);
        const child = await childInScope(rt.db, principalOf(staff), request.params.id);
        if (!child) throw notFound("Child");
        return remindersOfChild(rt.db, child.id);
      },
    );

    app.patch<{ Params: { id: string }; Body: ChildCorrection }>(
      "/api/v1/children/:id",
      {
        schema: {
          tags: ["children"],
          summary:
            "Correct a child's record (with a reason): a new sex or birth date re-assesses its measurements, a new birth date moves its reminders, a new posyandu moves the child (and its desa) there",
          params: idParams,
          body: correctionBody({
            name: personName,
            sex: { type: "string", enum: ["L", "P"] },
            birthDate: { type: "string", format: "date" },
            posyanduId: { anyOf: [uuid, { type: "null" }] },
            motherName: { anyOf: [personName, { type: "null" }] },
            parentPhone: { anyOf: [{ type: "string", minLength: 8, maxLength: 30 }, { type: "null" }] },
          }),
          response: { 400: errorSchema, 403: errorSchema, 404: errorSchema },
        },
      },
      async (request) => {
        // Any staff role within its area, as for measurement corrections (a kader its own posyandu).
        const staff = requireStaff(request);
        const principal = principalOf(staff);
        const now = rt.clock.now();
        const today = localDate(now, rt.config.TIMEZONE);
        const { reason, name, sex, birthDate, posyanduId, motherName, parentPhone } = request.body;
        if (birthDate !== undefined) {
          const checked = checkBirthDate(birthDate, today);
          if ("problem" in checked) throw badField("body.birthDate", checked.problem === "future" ? "is in the future" : "is too long ago for a child under five");
        }
        const phone = parentPhone === undefined || parentPhone === null ? parentPhone : normalisePhone(parentPhone);
        if (phone === null && parentPhone) throw badField("body.parentPhone", "is not an Indonesian phone number");

        const child = await rt.db.transaction(async (tx) => {
          const [before] = await tx
            .select()
            .from(children)
            .where(and(eq(children.id, request.params.id), inScope(principal)))
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

          // The caller must still reach the child (e.g. a kader taking it off their posyandu may not).
          const after = await childInScope(tx, principal, before.id);
          if (!after) throw forbidden("After this change the child would be outside your area");
          await recordAudit(tx, {
            actor: actorOf(staff),
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
        return { child: childView(child), measurements: await measurementsOf(rt.db, child.id) };
      },
    );

    app.patch<{ Params: { id: string }; Body: Correction }>(
      "/api/v1/measurements/:id",
      {
        schema: {
          tags: ["children"],
          summary: "Correct a measurement (with a reason): a new, re-assessed measurement replaces it; both stay on record",
          params: idParams,
          body: correctionBody({
            measuredOn: { type: "string", format: "date" },
            weightKg: { type: "number", exclusiveMinimum: 0, maximum: 60 },
            lengthCm: { type: "number", minimum: 30, maximum: 150 },
            position: { type: "string", enum: ["lying", "standing"] },
            headCm: { type: "number", minimum: 20, maximum: 70 },
            muacCm: { type: "number", minimum: 5, maximum: 40 },
            oedema: { type: "boolean" },
          }),
          response: { 400: errorSchema, 404: errorSchema, 409: errorSchema },
        },
      },
      async (request) => {
        const staff = requireStaff(request);
        const now = rt.clock.now();
        const { reason, ...patch } = request.body;
        const corrected = await rt.db.transaction(async (tx) => {
          const [old] = await tx
            .select({ m: measurements, child: children })
            .from(measurements)
            .innerJoin(children, eq(children.id, measurements.childId))
            .where(and(eq(measurements.id, request.params.id), inScope(principalOf(staff))));
          if (!old) throw notFound("Measurement");
          if (old.m.cancelledAt) throw conflict("measurement_replaced", "This measurement was cancelled or corrected already");
          await tx.update(measurements).set({ cancelledAt: now }).where(and(eq(measurements.id, old.m.id), isNull(measurements.cancelledAt)));
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
            actor: actorOf(staff),
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
        return { measurement: corrected };
      },
    );
  };

function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: NonNullable<T[K]> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]?: NonNullable<T[K]> };
}
