// The desa/kelurahan (and their kecamatan) in the caller's area, for pickers in a UI.
import { and, asc, count, eq, inArray, or, type SQL } from "drizzle-orm";
import type { FastifyPluginAsync } from "fastify";
import { areas } from "../../areas/areas.sql.js";
import { principalOf } from "../accounts.js";
import { requireStaff } from "../../platform/http/auth.js";
import type { AdminRouteOptions } from "../plugin.js";
import { whereInScope } from "../../platform/scope.js";
import { pageOf, pageQuery, type Page } from "../../platform/http/validation.js";

export const areaRoutes =
  ({ rt }: AdminRouteOptions): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Querystring: Page & { level?: "kecamatan" | "desa"; parentCode?: string } }>(
      "/api/v1/areas",
      {
        schema: {
          tags: ["areas"],
          summary: "Kecamatan and desa/kelurahan in my area (Kemendagri codes)",
          querystring: {
            type: "object",
            additionalProperties: false,
            properties: {
              ...pageQuery,
              limit: { ...pageQuery.limit, default: 200 },
              level: { type: "string", enum: ["kecamatan", "desa"] },
              parentCode: { type: "string", pattern: "^\\d{2}\\.\\d{2}\\.\\d{2}$" },
            },
          },
        },
      },
      async (request) => {
        const staff = requireStaff(request);
        const q = request.query;
        const desaInReach = and(eq(areas.level, "desa"), whereInScope(principalOf(staff), { desaCode: areas.code })) as SQL;
        // A kecamatan is listed when at least one of its desa is in reach.
        const kecamatanInReach = and(
          eq(areas.level, "kecamatan"),
          inArray(areas.code, rt.db.select({ code: areas.parentCode }).from(areas).where(desaInReach)),
        ) as SQL;
        const byLevel = q.level === "desa" ? desaInReach : q.level === "kecamatan" ? kecamatanInReach : or(desaInReach, kecamatanInReach);
        const where = and(byLevel, q.parentCode ? eq(areas.parentCode, q.parentCode) : undefined);
        const rows = await rt.db.select().from(areas).where(where).orderBy(asc(areas.code)).limit(q.limit).offset(q.offset);
        const [total] = await rt.db.select({ n: count() }).from(areas).where(where);
        return pageOf(rows, Number(total?.n ?? 0), q);
      },
    );
  };
