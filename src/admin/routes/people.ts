// People (chat contacts) in the caller's area: list, read, CSV export.
import { stringify } from "csv-stringify/sync";
import { and, asc, count, eq } from "drizzle-orm";
import type { FastifyPluginAsync } from "fastify";
import { contacts } from "../../contacts/contacts.sql.js";
import { principalOf } from "../accounts.js";
import { recordAudit } from "../../platform/audit.js";
import { notFound } from "../../platform/errors.js";
import { actorOf, requireStaff } from "../../platform/http/auth.js";
import { peopleInScope, peopleWhere, personViews, type PeopleFilter } from "../people.js";
import type { AdminRouteOptions } from "../plugin.js";
import { desaCode, errorSchema, idParams, pageOf, pageQuery, uuid, type Page } from "../../platform/http/validation.js";

const filters = {
  role: { type: "string", enum: ["parent", "pregnant", "kader"] },
  kaderStatus: { type: "string", enum: ["pending", "active", "inactive"] },
  desaCode,
  posyanduId: uuid,
} as const;

// An export is one file; past this the caller should filter by desa or posyandu.
const EXPORT_MAX_ROWS = 20_000;

export const peopleRoutes =
  ({ rt }: AdminRouteOptions): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Querystring: Page & PeopleFilter }>(
      "/api/v1/people",
      {
        schema: {
          tags: ["people"],
          summary: "People (parents, pregnant mothers, kader) in my area",
          querystring: { type: "object", additionalProperties: false, properties: { ...pageQuery, ...filters } },
        },
      },
      async (request) => {
        const staff = requireStaff(request);
        const where = peopleWhere(principalOf(staff), request.query);
        const rows = await rt.db
          .select()
          .from(contacts)
          .where(where)
          .orderBy(asc(contacts.createdAt), asc(contacts.id))
          .limit(request.query.limit)
          .offset(request.query.offset);
        const [total] = await rt.db.select({ n: count() }).from(contacts).where(where);
        return pageOf(await personViews(rt.db, staff.role, rows), Number(total?.n ?? 0), request.query);
      },
    );

    app.get<{ Querystring: PeopleFilter }>(
      "/api/v1/people/export.csv",
      {
        schema: {
          tags: ["people"],
          summary: "The same people as a CSV file (recorded in the audit log)",
          querystring: { type: "object", additionalProperties: false, properties: filters },
          produces: ["text/csv"],
        },
      },
      async (request, reply) => {
        const staff = requireStaff(request);
        const rows = await rt.db
          .select()
          .from(contacts)
          .where(peopleWhere(principalOf(staff), request.query))
          .orderBy(asc(contacts.createdAt), asc(contacts.id))
          .limit(EXPORT_MAX_ROWS);
        const people = await personViews(rt.db, staff.role, rows);
        const csv = stringify(
          people.map((p) => ({
            ...p,
            optedOut: p.optedOut ? "yes" : "no",
            channels: p.channels.map((c) => `${c.channel}:${c.phone ?? ""}`).join(" "),
          })),
          {
            header: true,
            // No cell may open as a formula in a spreadsheet (CSV injection), whatever column is added later.
            escape_formulas: true,
            columns: [
              "id",
              "role",
              "kaderStatus",
              "lang",
              "desaCode",
              "posyanduId",
              "registeredAt",
              "consentVersion",
              "optedOut",
              "lastInboundAt",
              "channels",
            ],
          },
        );
        // Who took personal data out of the system, and how much (not the data itself).
        await recordAudit(rt.db, {
          actor: actorOf(staff),
          action: "people.export",
          entity: "people",
          entityId: "export",
          after: { rows: people.length, filter: request.query },
          at: rt.clock.now(),
        });
        return reply
          .header("content-type", "text/csv; charset=utf-8")
          .header("content-disposition", 'attachment; filename="people.csv"')
          .header("cache-control", "no-store")
          .send(csv);
      },
    );

    app.get<{ Params: { id: string } }>(
      "/api/v1/people/:id",
      { schema: { tags: ["people"], summary: "One person in my area", params: idParams, response: { 404: errorSchema } } },
      async (request) => {
        const staff = requireStaff(request);
        const rows = await rt.db
          .select()
          .from(contacts)
          .where(and(eq(contacts.id, request.params.id), peopleInScope(principalOf(staff))));
        if (!rows[0]) throw notFound("Person");
        const [person] = await personViews(rt.db, staff.role, rows);
        return { person };
      },
    );
  };
