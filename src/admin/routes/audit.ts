// The audit log, read-only, for the Pokja.
import type { FastifyPluginAsync } from "fastify";
import { listAudit } from "../../platform/audit.js";
import { requireRole } from "../../platform/http/auth.js";
import type { AdminRouteOptions } from "../plugin.js";
import { pageOf, pageQuery, uuid, type Page } from "../../platform/http/validation.js";

export const auditRoutes =
  ({ rt }: AdminRouteOptions): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Querystring: Page & { entity?: string; entityId?: string; action?: string; actorAccountId?: string } }>(
      "/api/v1/audit",
      {
        schema: {
          tags: ["audit"],
          summary: "Audit log, newest first (pokja_admin)",
          querystring: {
            type: "object",
            additionalProperties: false,
            properties: {
              ...pageQuery,
              entity: { type: "string", maxLength: 40 },
              entityId: { type: "string", maxLength: 80 },
              action: { type: "string", maxLength: 60 },
              actorAccountId: uuid,
            },
          },
        },
      },
      async (request) => {
        requireRole(request, "pokja_admin");
        const { items, total } = await listAudit(rt.db, request.query);
        return pageOf(
          items.map((e) => ({ ...e, at: e.at.toISOString() })),
          total,
          request.query,
        );
      },
    );
  };
