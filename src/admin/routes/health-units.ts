// Puskesmas (with the desa each serves) and posyandu (in a desa, with its monthly day), kept by
// health-units/manage.ts. Reads are limited to the caller's area; puskesmas are managed by the
// Pokja only, posyandu by pokja_admin, puskesmas and bidan within their area.
import type { FastifyPluginAsync } from "fastify";
import {
  createPosyandu,
  createPuskesmas,
  deletePosyandu,
  deletePuskesmas,
  getPosyandu,
  getPuskesmas,
  listPosyandu,
  listPuskesmas,
  updatePosyandu,
  updatePuskesmas,
  type Manager,
  type PosyanduRow,
} from "../../health-units/manage.js";
import { principalOf } from "../accounts.js";
import type { StaffAccount } from "../auth.js";
import { actorOf, requireRole, requireStaff } from "../../platform/http/auth.js";
import type { AdminRouteOptions } from "../plugin.js";
import { desaCode, errorSchema, idParams, pageOf, pageQuery, type Page } from "../../platform/http/validation.js";

const unitName = { type: "string", minLength: 1, maxLength: 120, pattern: "\\S" } as const;
// The posyandu's monthly day, 1–31; in short months it falls on the last day (health-units.sql.ts).
const dayOfMonth = { type: "integer", minimum: 1, maximum: 31 } as const;
const desaCodes = { type: "array", items: desaCode, maxItems: 100, uniqueItems: true } as const;

const manager = (staff: StaffAccount): Manager => ({ principal: principalOf(staff), actor: actorOf(staff) });
const posyanduView = (p: PosyanduRow) => ({
  id: p.id,
  name: p.name,
  desaCode: p.desaCode,
  dayOfMonth: p.dayOfMonth,
  createdAt: p.createdAt.toISOString(),
});

export const healthUnitRoutes =
  ({ rt }: AdminRouteOptions): FastifyPluginAsync =>
  async (app) => {
    // --- puskesmas ---
    app.get<{ Querystring: Page }>(
      "/api/v1/puskesmas",
      {
        schema: {
          tags: ["puskesmas"],
          summary: "Puskesmas in my area",
          querystring: { type: "object", additionalProperties: false, properties: pageQuery },
        },
      },
      async (request) => {
        const staff = requireStaff(request);
        const { items, total } = await listPuskesmas(rt.db, principalOf(staff), request.query);
        return pageOf(items, total, request.query);
      },
    );

    app.get<{ Params: { id: string } }>(
      "/api/v1/puskesmas/:id",
      { schema: { tags: ["puskesmas"], summary: "One puskesmas in my area", params: idParams, response: { 404: errorSchema } } },
      async (request) => {
        const staff = requireStaff(request);
        return { puskesmas: await getPuskesmas(rt.db, principalOf(staff), request.params.id) };
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
        const created = await createPuskesmas(rt, manager(staff), request.body);
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
        return { puskesmas: await updatePuskesmas(rt, manager(staff), request.params.id, request.body) };
      },
    );

    app.delete<{ Params: { id: string } }>(
      "/api/v1/puskesmas/:id",
      {
        schema: {
          tags: ["puskesmas"],
          summary: "Delete a puskesmas no account belongs to (pokja_admin)",
          params: idParams,
          response: { 404: errorSchema, 409: errorSchema },
        },
      },
      async (request, reply) => {
        const staff = requireRole(request, "pokja_admin");
        await deletePuskesmas(rt, manager(staff), request.params.id);
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
        const { rows, total } = await listPosyandu(rt.db, principalOf(staff), request.query);
        return pageOf(rows.map(posyanduView), total, request.query);
      },
    );

    app.get<{ Params: { id: string } }>(
      "/api/v1/posyandu/:id",
      { schema: { tags: ["posyandu"], summary: "One posyandu in my area", params: idParams, response: { 404: errorSchema } } },
      async (request) => {
        const staff = requireStaff(request);
        return { posyandu: posyanduView(await getPosyandu(rt.db, principalOf(staff), request.params.id)) };
      },
    );

    app.post<{ Body: { name: string; desaCode: string; dayOfMonth?: number } }>(
      "/api/v1/posyandu",
      {
        schema: {
          tags: ["posyandu"],
          summary: "Create a posyandu in a desa of my area (pokja_admin, puskesmas, bidan)",
          body: {
            type: "object",
            required: ["name", "desaCode"],
            additionalProperties: false,
            properties: { name: unitName, desaCode, dayOfMonth },
          },
          response: { 400: errorSchema, 403: errorSchema },
        },
      },
      async (request, reply) => {
        const staff = requireRole(request, ...writers);
        const row = await createPosyandu(rt, manager(staff), request.body);
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
        return { posyandu: posyanduView(await updatePosyandu(rt, manager(staff), request.params.id, request.body)) };
      },
    );

    app.delete<{ Params: { id: string } }>(
      "/api/v1/posyandu/:id",
      {
        schema: {
          tags: ["posyandu"],
          summary: "Delete a posyandu with no kader or people assigned",
          params: idParams,
          response: { 404: errorSchema, 409: errorSchema },
        },
      },
      async (request, reply) => {
        const staff = requireRole(request, ...writers);
        await deletePosyandu(rt, manager(staff), request.params.id);
        return reply.status(204).send();
      },
    );
  };
