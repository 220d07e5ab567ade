// Admin API over the children registry and their measurements (child-records.ts): read within the
// caller's area, correct a child's record and correct a measurement, each with a reason (audited).
import type { FastifyPluginAsync } from "fastify";
import { principalOf } from "../admin/accounts.js";
import { actorOf, requireStaff } from "../platform/http/auth.js";
import type { AdminRouteOptions } from "../admin/plugin.js";
import { desaCode, errorSchema, idParams, pageOf, pageQuery, uuid, type Page } from "../platform/http/validation.js";
import type { Child } from "../children/index.js";
import type { StaffAccount } from "../admin/auth.js";
import {
  childRecord,
  childReminders,
  correctChild,
  correctMeasurement,
  listChildren,
  measurementsOf,
  type ChildCorrection,
  type Corrector,
  type MeasurementCorrection,
} from "./child-records.js";

/** A child as staff see it: the NIK itself stays in the database (only whether one is known). */
function childView(c: Child) {
  const { nik, nikHash: _hash, parentPhone: _phone, ...rest } = c as Child & { parentPhone?: string | null };
  return { ...rest, hasNik: Boolean(nik) };
}

const corrector = (staff: StaffAccount): Corrector => ({ principal: principalOf(staff), actor: actorOf(staff) });

// A person's name as the kader chat takes it (ANAK BARU): letters first, then letters, spaces, . ' -
const personName = { type: "string", pattern: "^\\s*[\\p{L}][\\p{L} .'’-]{1,59}\\s*$" } as const;

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
        const { rows, total } = await listChildren(rt.db, principalOf(staff), request.query);
        return pageOf(rows.map(childView), total, request.query);
      },
    );

    app.get<{ Params: { id: string } }>(
      "/api/v1/children/:id",
      {
        schema: {
          tags: ["children"],
          summary: "One child with its measurements (newest first)",
          params: idParams,
          response: { 404: errorSchema },
        },
      },
      async (request) => {
        const staff = requireStaff(request);
        const { child, measurements } = await childRecord(rt.db, principalOf(staff), request.params.id);
        return { child: childView(child), measurements };
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
        return childReminders(rt.db, principalOf(staff), request.params.id);
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
        const child = await correctChild(rt, corrector(staff), request.params.id, request.body);
        return { child: childView(child), measurements: await measurementsOf(rt.db, child.id) };
      },
    );

    app.patch<{ Params: { id: string }; Body: MeasurementCorrection }>(
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
        const corrected = await correctMeasurement(rt, corrector(staff), request.params.id, request.body);
        return { measurement: corrected };
      },
    );
  };
