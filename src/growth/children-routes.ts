// Admin API over the children registry and their measurements, limited to the caller's area in
// the queries (whereInScope): read, and correct a measurement with a reason (audited).
import { and, asc, count, desc, eq, ilike, isNull, or } from "drizzle-orm";
import type { FastifyPluginAsync } from "fastify";
import { principalOf } from "../admin/accounts.js";
import { auditSnapshot, recordAudit } from "../admin/audit.js";
import { conflict, notFound } from "../admin/errors.js";
import { actorOf, requireStaff } from "../admin/http.js";
import type { AdminRouteOptions } from "../admin/plugin.js";
import { whereInScope, type ScopePrincipal } from "../admin/scope.js";
import { desaCode, errorSchema, idParams, pageOf, pageQuery, uuid, type Page } from "../admin/validation.js";
import { children, type Child } from "../children/index.js";
import type { DbOrTx } from "../db/client.js";
import { measurements } from "./growth.sql.js";
import { evaluateReport, saveMeasurement, type Measurement, type ReportValues } from "./reports.js";
import { localDate } from "./rules.js";

const inScope = (p: ScopePrincipal) => whereInScope(p, { desaCode: children.desaCode, posyanduId: children.posyanduId });

/** A child as staff see it: the NIK itself stays in the database (only whether one is known). */
function childView(c: Child) {
  const { nik, parentPhone: _phone, ...rest } = c as Child & { parentPhone?: string | null };
  return { ...rest, hasNik: Boolean(nik) };
}

async function childInScope(db: DbOrTx, p: ScopePrincipal, id: string): Promise<Child | undefined> {
  const [row] = await db.select().from(children).where(and(eq(children.id, id), inScope(p)));
  return row;
}

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
        const rows = await rt.db
          .select()
          .from(measurements)
          .where(eq(measurements.childId, child.id))
          .orderBy(desc(measurements.measuredOn), desc(measurements.createdAt));
        return { child: childView(child), measurements: rows };
      },
    );

    app.patch<{ Params: { id: string }; Body: Correction }>(
      "/api/v1/measurements/:id",
      {
        schema: {
          tags: ["children"],
          summary: "Correct a measurement (with a reason): a new, re-assessed measurement replaces it; both stay on record",
          params: idParams,
          body: {
            type: "object",
            required: ["reason"],
            additionalProperties: false,
            minProperties: 2,
            properties: {
              reason: { type: "string", minLength: 3, maxLength: 500 },
              measuredOn: { type: "string", format: "date" },
              weightKg: { type: "number", exclusiveMinimum: 0, maximum: 60 },
              lengthCm: { type: "number", minimum: 30, maximum: 150 },
              position: { type: "string", enum: ["lying", "standing"] },
              headCm: { type: "number", minimum: 20, maximum: 70 },
              muacCm: { type: "number", minimum: 5, maximum: 40 },
              oedema: { type: "boolean" },
            },
          },
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
