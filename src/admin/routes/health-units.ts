// Puskesmas (with the desa each serves) and posyandu (in a desa, with its monthly day).
// Reads are limited to the caller's area; puskesmas are managed by the Pokja only, posyandu by
// pokja_admin, puskesmas and bidan within their area.
import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import type { FastifyPluginAsync } from "fastify";
import { areas } from "../../areas/areas.sql.js";
import { contacts } from "../../contacts/contacts.sql.js";
import type { DbOrTx } from "../../db/client.js";
import { posyandu, puskesmas, puskesmasDesa } from "../../health-units/health-units.sql.js";
import { syncPosyanduDays } from "../../reminders/index.js";
import { staffAccounts } from "../accounts.sql.js";
import { principalOf } from "../accounts.js";
import { recordAudit } from "../../platform/audit.js";
import type { StaffAccount } from "../auth.js";
import { badField, conflict, forbidden, notFound, pgErrorCode, UNIQUE_VIOLATION } from "../../platform/errors.js";
import { actorOf, requireRole, requireStaff } from "../../platform/http/auth.js";
import type { AdminRouteOptions } from "../plugin.js";
import { desaInScope, whereInScope } from "../../platform/scope.js";
import { desaCode, errorSchema, idParams, pageOf, pageQuery, type Page } from "../../platform/http/validation.js";

const unitName = { type: "string", minLength: 1, maxLength: 120, pattern: "\\S" } as const;
// The posyandu's monthly day, 1–31; in short months it falls on the last day (health-units.sql.ts).
const dayOfMonth = { type: "integer", minimum: 1, maximum: 31 } as const;
const desaCodes = { type: "array", items: desaCode, maxItems: 100, uniqueItems: true } as const;

/** A puskesmas is in scope when it serves a desa the caller reaches. */
function puskesmasInScope(staff: StaffAccount) {
  return sql`exists (select 1 from ${puskesmasDesa} where ${puskesmasDesa.puskesmasId} = ${puskesmas.id} and ${whereInScope(principalOf(staff), { desaCode: puskesmasDesa.desaCode })})`;
}

function posyanduInScopeSql(staff: StaffAccount) {
  return whereInScope(principalOf(staff), { desaCode: posyandu.desaCode, posyanduId: posyandu.id });
}

async function desaOf(db: DbOrTx, puskesmasId: string): Promise<string[]> {
  const rows = await db
    .select({ code: puskesmasDesa.desaCode })
    .from(puskesmasDesa)
    .where(eq(puskesmasDesa.puskesmasId, puskesmasId))
    .orderBy(asc(puskesmasDesa.desaCode));
  return rows.map((r) => r.code);
}

async function assertAllDesa(db: DbOrTx, codes: string[]): Promise<void> {
  if (codes.length === 0) return;
  const found = await db.select({ code: areas.code }).from(areas).where(and(inArray(areas.code, codes), eq(areas.level, "desa")));
  const known = new Set(found.map((f) => f.code));
  codes.forEach((code, i) => {
    if (!known.has(code)) throw badField(`body.desaCodes[${i}]`, "is not a desa/kelurahan of Balangan");
  });
}

/** Sets the desa a puskesmas serves; a desa already served by another puskesmas is a conflict. */
async function setDesa(db: DbOrTx, puskesmasId: string, codes: string[]): Promise<void> {
  await db.delete(puskesmasDesa).where(eq(puskesmasDesa.puskesmasId, puskesmasId));
  if (codes.length === 0) return;
  try {
    await db.insert(puskesmasDesa).values(codes.map((c) => ({ puskesmasId, desaCode: c })));
  } catch (err) {
    if (pgErrorCode(err) === UNIQUE_VIOLATION) throw conflict("desa_already_served", "A desa in desaCodes is already served by another puskesmas");
    throw err;
  }
}

type PuskesmasRow = typeof puskesmas.$inferSelect;
type PosyanduRow = typeof posyandu.$inferSelect;
const puskesmasView = (p: PuskesmasRow, desa: string[]) => ({ id: p.id, name: p.name, desaCodes: desa, createdAt: p.createdAt.toISOString() });
const posyanduView = (p: PosyanduRow) => ({ id: p.id, name: p.name, desaCode: p.desaCode, dayOfMonth: p.dayOfMonth, createdAt: p.createdAt.toISOString() });

export const healthUnitRoutes =
  ({ rt }: AdminRouteOptions): FastifyPluginAsync =>
  async (app) => {
    // --- puskesmas ---
    app.get<{ Querystring: Page }>(
      "/api/v1/puskesmas",
      { schema: { tags: ["puskesmas"], summary: "Puskesmas in my area", querystring: { type: "object", additionalProperties: false, properties: pageQuery } } },
      async (request) => {
        const staff = requireStaff(request);
        const where = puskesmasInScope(staff);
        const scoped = staff.role === "pokja_admin" ? undefined : where; // the Pokja also sees puskesmas with no desa yet
        const rows = await rt.db.select().from(puskesmas).where(scoped).orderBy(asc(puskesmas.name)).limit(request.query.limit).offset(request.query.offset);
        const [total] = await rt.db.select({ n: count() }).from(puskesmas).where(scoped);
        const items = await Promise.all(rows.map(async (p) => puskesmasView(p, await desaOf(rt.db, p.id))));
        return pageOf(items, Number(total?.n ?? 0), request.query);
      },
    );

    app.get<{ Params: { id: string } }>(
      "/api/v1/puskesmas/:id",
      { schema: { tags: ["puskesmas"], summary: "One puskesmas in my area", params: idParams, response: { 404: errorSchema } } },
      async (request) => {
        const staff = requireStaff(request);
        const [row] = await rt.db
          .select()
          .from(puskesmas)
          .where(and(eq(puskesmas.id, request.params.id), staff.role === "pokja_admin" ? undefined : puskesmasInScope(staff)));
        if (!row) throw notFound("Puskesmas");
        return { puskesmas: puskesmasView(row, await desaOf(rt.db, row.id)) };
      },
    );

    app.post<{ Body: { name: string; desaCodes?: string[] } }>(
      "/api/v1/puskesmas",
      {
        schema: {
          tags: ["puskesmas"],
          summary: "Create a puskesmas and the desa it serves (pokja_admin)",
          body: { type: "object", required: ["name"], additionalProperties: false, properties: { name: unitName, desaCodes } },
          response: { 400: errorSchema, 403: errorSchema, 409: errorSchema },
        },
      },
      async (request, reply) => {
        const staff = requireRole(request, "pokja_admin");
        const now = rt.clock.now();
        const codes = request.body.desaCodes ?? [];
        const created = await rt.db.transaction(async (tx) => {
          await assertAllDesa(tx, codes);
          let row: PuskesmasRow | undefined;
          try {
            [row] = await tx.insert(puskesmas).values({ name: request.body.name.trim(), createdAt: now }).returning();
          } catch (err) {
            if (pgErrorCode(err) === UNIQUE_VIOLATION) throw conflict("name_taken", "A puskesmas with that name exists");
            throw err;
          }
          const p = row as PuskesmasRow;
          await setDesa(tx, p.id, codes);
          const view = puskesmasView(p, [...codes].sort());
          await recordAudit(tx, { actor: actorOf(staff), action: "puskesmas.create", entity: "puskesmas", entityId: p.id, after: view, at: now });
          return view;
        });
        return reply.status(201).send({ puskesmas: created });
      },
    );

    app.patch<{ Params: { id: string }; Body: { name?: string; desaCodes?: string[] } }>(
      "/api/v1/puskesmas/:id",
      {
        schema: {
          tags: ["puskesmas"],
          summary: "Rename a puskesmas or replace the desa it serves (pokja_admin)",
          params: idParams,
          body: { type: "object", additionalProperties: false, minProperties: 1, properties: { name: unitName, desaCodes } },
          response: { 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
        },
      },
      async (request) => {
        const staff = requireRole(request, "pokja_admin");
        const now = rt.clock.now();
        const view = await rt.db.transaction(async (tx) => {
          const [row] = await tx.select().from(puskesmas).where(eq(puskesmas.id, request.params.id)).for("update");
          if (!row) throw notFound("Puskesmas");
          const before = puskesmasView(row, await desaOf(tx, row.id));
          let after = row;
          if (request.body.name !== undefined) {
            try {
              [after = row] = await tx.update(puskesmas).set({ name: request.body.name.trim() }).where(eq(puskesmas.id, row.id)).returning();
            } catch (err) {
              if (pgErrorCode(err) === UNIQUE_VIOLATION) throw conflict("name_taken", "A puskesmas with that name exists");
              throw err;
            }
          }
          if (request.body.desaCodes) {
            await assertAllDesa(tx, request.body.desaCodes);
            await setDesa(tx, row.id, request.body.desaCodes);
          }
          const afterView = puskesmasView(after, await desaOf(tx, row.id));
          await recordAudit(tx, { actor: actorOf(staff), action: "puskesmas.update", entity: "puskesmas", entityId: row.id, before, after: afterView, at: now });
          return afterView;
        });
        return { puskesmas: view };
      },
    );

    app.delete<{ Params: { id: string } }>(
      "/api/v1/puskesmas/:id",
      { schema: { tags: ["puskesmas"], summary: "Delete a puskesmas no account belongs to (pokja_admin)", params: idParams, response: { 404: errorSchema, 409: errorSchema } } },
      async (request, reply) => {
        const staff = requireRole(request, "pokja_admin");
        const now = rt.clock.now();
        await rt.db.transaction(async (tx) => {
          const [row] = await tx.select().from(puskesmas).where(eq(puskesmas.id, request.params.id)).for("update");
          if (!row) throw notFound("Puskesmas");
          const [used] = await tx.select({ n: count() }).from(staffAccounts).where(eq(staffAccounts.puskesmasId, row.id));
          if (Number(used?.n ?? 0) > 0) throw conflict("puskesmas_in_use", "Staff accounts belong to this puskesmas; deactivate or move them first");
          const before = puskesmasView(row, await desaOf(tx, row.id));
          await tx.delete(puskesmas).where(eq(puskesmas.id, row.id));
          await recordAudit(tx, { actor: actorOf(staff), action: "puskesmas.delete", entity: "puskesmas", entityId: row.id, before, at: now });
        });
        return reply.status(204).send();
      },
    );

    // --- posyandu ---
    const writers = ["pokja_admin", "puskesmas", "bidan"] as const;

    app.get<{ Querystring: Page & { desaCode?: string } }>(
      "/api/v1/posyandu",
      {
        schema: {
          tags: ["posyandu"],
          summary: "Posyandu in my area",
          querystring: { type: "object", additionalProperties: false, properties: { ...pageQuery, desaCode } },
        },
      },
      async (request) => {
        const staff = requireStaff(request);
        const where = and(posyanduInScopeSql(staff), request.query.desaCode ? eq(posyandu.desaCode, request.query.desaCode) : undefined);
        const rows = await rt.db
          .select()
          .from(posyandu)
          .where(where)
          .orderBy(asc(posyandu.desaCode), asc(posyandu.name))
          .limit(request.query.limit)
          .offset(request.query.offset);
        const [total] = await rt.db.select({ n: count() }).from(posyandu).where(where);
        return pageOf(rows.map(posyanduView), Number(total?.n ?? 0), request.query);
      },
    );

    app.get<{ Params: { id: string } }>(
      "/api/v1/posyandu/:id",
      { schema: { tags: ["posyandu"], summary: "One posyandu in my area", params: idParams, response: { 404: errorSchema } } },
      async (request) => {
        const staff = requireStaff(request);
        const [row] = await rt.db.select().from(posyandu).where(and(eq(posyandu.id, request.params.id), posyanduInScopeSql(staff)));
        if (!row) throw notFound("Posyandu");
        return { posyandu: posyanduView(row) };
      },
    );

    app.post<{ Body: { name: string; desaCode: string; dayOfMonth?: number } }>(
      "/api/v1/posyandu",
      {
        schema: {
          tags: ["posyandu"],
          summary: "Create a posyandu in a desa of my area (pokja_admin, puskesmas, bidan)",
          body: { type: "object", required: ["name", "desaCode"], additionalProperties: false, properties: { name: unitName, desaCode, dayOfMonth } },
          response: { 400: errorSchema, 403: errorSchema },
        },
      },
      async (request, reply) => {
        const staff = requireRole(request, ...writers);
        const now = rt.clock.now();
        const row = await rt.db.transaction(async (tx) => {
          if (!(await desaInScope(tx, principalOf(staff), request.body.desaCode))) {
            const [known] = await tx.select({ level: areas.level }).from(areas).where(eq(areas.code, request.body.desaCode));
            if (known?.level !== "desa") throw badField("body.desaCode", "is not a desa/kelurahan of Balangan");
            throw forbidden("That desa is outside your area");
          }
          const [created] = await tx
            .insert(posyandu)
            .values({ name: request.body.name.trim(), desaCode: request.body.desaCode, dayOfMonth: request.body.dayOfMonth ?? null, createdAt: now })
            .returning();
          const p = created as PosyanduRow;
          await recordAudit(tx, { actor: actorOf(staff), action: "posyandu.create", entity: "posyandu", entityId: p.id, after: p, at: now });
          return p;
        });
        return reply.status(201).send({ posyandu: posyanduView(row) });
      },
    );

    app.patch<{ Params: { id: string }; Body: { name?: string; desaCode?: string; dayOfMonth?: number | null } }>(
      "/api/v1/posyandu/:id",
      {
        schema: {
          tags: ["posyandu"],
          summary: "Rename, move or change the monthly day of a posyandu in my area",
          params: idParams,
          body: {
            type: "object",
            additionalProperties: false,
            minProperties: 1,
            properties: { name: unitName, desaCode, dayOfMonth: { anyOf: [dayOfMonth, { type: "null" }] } },
          },
          response: { 400: errorSchema, 403: errorSchema, 404: errorSchema },
        },
      },
      async (request) => {
        const staff = requireRole(request, ...writers);
        const now = rt.clock.now();
        const row = await rt.db.transaction(async (tx) => {
          const [before] = await tx
            .select()
            .from(posyandu)
            .where(and(eq(posyandu.id, request.params.id), posyanduInScopeSql(staff)))
            .for("update");
          if (!before) throw notFound("Posyandu");
          const { name, desaCode: newDesa, dayOfMonth: day } = request.body;
          if (newDesa !== undefined && !(await desaInScope(tx, principalOf(staff), newDesa))) throw forbidden("That desa is outside your area");
          const [after] = await tx
            .update(posyandu)
            .set({
              ...(name !== undefined ? { name: name.trim() } : {}),
              ...(newDesa !== undefined ? { desaCode: newDesa } : {}),
              ...(day !== undefined ? { dayOfMonth: day } : {}),
            })
            .where(eq(posyandu.id, before.id))
            .returning();
          // Families of the posyandu are reminded of its new day from now on.
          if (day !== undefined && day !== before.dayOfMonth) await syncPosyanduDays(rt, tx, { posyanduId: before.id });
          await recordAudit(tx, { actor: actorOf(staff), action: "posyandu.update", entity: "posyandu", entityId: before.id, before, after, at: now });
          return after as PosyanduRow;
        });
        return { posyandu: posyanduView(row) };
      },
    );

    app.delete<{ Params: { id: string } }>(
      "/api/v1/posyandu/:id",
      {
        schema: { tags: ["posyandu"], summary: "Delete a posyandu with no kader or people assigned", params: idParams, response: { 404: errorSchema, 409: errorSchema } },
      },
      async (request, reply) => {
        const staff = requireRole(request, ...writers);
        const now = rt.clock.now();
        await rt.db.transaction(async (tx) => {
          const [before] = await tx
            .select()
            .from(posyandu)
            .where(and(eq(posyandu.id, request.params.id), posyanduInScopeSql(staff)))
            .for("update");
          if (!before) throw notFound("Posyandu");
          const [accounts] = await tx.select({ n: count() }).from(staffAccounts).where(eq(staffAccounts.posyanduId, before.id));
          const [people] = await tx.select({ n: count() }).from(contacts).where(eq(contacts.posyanduId, before.id));
          if (Number(accounts?.n ?? 0) + Number(people?.n ?? 0) > 0) {
            throw conflict("posyandu_in_use", "Kader or people are assigned to this posyandu; move them first");
          }
          // Children still on it lose their posyandu (on delete set null), so their plans lose its day.
          await tx.update(posyandu).set({ dayOfMonth: null }).where(eq(posyandu.id, before.id));
          await syncPosyanduDays(rt, tx, { posyanduId: before.id });
          await tx.delete(posyandu).where(eq(posyandu.id, before.id));
          await recordAudit(tx, { actor: actorOf(staff), action: "posyandu.delete", entity: "posyandu", entityId: before.id, before, at: now });
        });
        return reply.status(204).send();
      },
    );
  };
