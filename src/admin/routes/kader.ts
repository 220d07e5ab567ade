// Kader approvals: pending registrations from chat, approve (assign a posyandu), reject, deactivate.
import { and, asc, count, eq } from "drizzle-orm";
import type { FastifyPluginAsync } from "fastify";
import { contacts } from "../../contacts/contacts.sql.js";
import { principalOf } from "../accounts.js";
import { actorOf, requireRole } from "../../platform/http/auth.js";
import { approveKaderAtPosyandu, deactivateKader } from "../kader.js";
import { peopleInScope, personViews } from "../people.js";
import type { AdminRouteOptions } from "../plugin.js";
import { errorSchema, idParams, pageOf, pageQuery, uuid, type Page } from "../../platform/http/validation.js";

// The contacts table's rule: a Pokja admin or a puskesmas user approves kader.
const approvers = ["pokja_admin", "puskesmas"] as const;
const reasonBody = {
  type: "object",
  required: ["reason"],
  additionalProperties: false,
  properties: { reason: { type: "string", minLength: 3, maxLength: 500, pattern: "\\S" } },
} as const;

export const kaderRoutes =
  ({ rt }: AdminRouteOptions): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Querystring: Page }>(
      "/api/v1/kader-approvals",
      {
        schema: {
          tags: ["kader"],
          summary: "Kader registrations waiting for approval in my area (pokja_admin, puskesmas)",
          querystring: { type: "object", additionalProperties: false, properties: pageQuery },
        },
      },
      async (request) => {
        const staff = requireRole(request, ...approvers);
        const where = and(eq(contacts.role, "kader"), eq(contacts.kaderStatus, "pending"), peopleInScope(principalOf(staff)));
        const rows = await rt.db
          .select()
          .from(contacts)
          .where(where)
          .orderBy(asc(contacts.createdAt))
          .limit(request.query.limit)
          .offset(request.query.offset);
        const [total] = await rt.db.select({ n: count() }).from(contacts).where(where);
        return pageOf(await personViews(rt.db, staff.role, rows), Number(total?.n ?? 0), request.query);
      },
    );

    app.post<{ Params: { id: string }; Body: { posyanduId: string } }>(
      "/api/v1/kader-approvals/:id/approve",
      {
        schema: {
          tags: ["kader"],
          summary: "Approve a kader and assign their posyandu (in my area); the kader is told in chat",
          params: idParams,
          body: { type: "object", required: ["posyanduId"], additionalProperties: false, properties: { posyanduId: uuid } },
          response: { 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
        },
      },
      async (request) => {
        const staff = requireRole(request, ...approvers);
        const row = await approveKaderAtPosyandu(rt, {
          principal: principalOf(staff),
          actor: actorOf(staff),
          contactId: request.params.id,
          posyanduId: request.body.posyanduId,
        });
        const [person] = await personViews(rt.db, staff.role, [row]);
        return { person };
      },
    );

    for (const [path, expect, summary] of [
      ["/api/v1/kader-approvals/:id/reject", "pending", "Reject a pending kader registration, with a reason"],
      ["/api/v1/kaders/:id/deactivate", "active", "Deactivate an active kader, with a reason"],
    ] as const) {
      app.post<{ Params: { id: string }; Body: { reason: string } }>(
        path,
        {
          schema: {
            tags: ["kader"],
            summary,
            params: idParams,
            body: reasonBody,
            response: { 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
          },
        },
        async (request) => {
          const staff = requireRole(request, ...approvers);
          const row = await rt.db.transaction((tx) =>
            deactivateKader(tx, {
              principal: principalOf(staff),
              actor: actorOf(staff),
              contactId: request.params.id,
              reason: request.body.reason.trim(),
              expect,
              now: rt.clock.now(),
              i18n: rt.i18n,
            }),
          );
          const [person] = await personViews(rt.db, staff.role, [row]);
          return { person };
        },
      );
    }
  };
