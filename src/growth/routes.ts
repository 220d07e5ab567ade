// Growth HTTP API for staff: z-scores for one or many measurements (the CLI's columns, in JSON) and
// the referrals of the caller's area (list, acknowledge, record the outcome). Authentication and
// area scoping are the admin module's (session cookie or bearer API token; whereInScope).
import cookie from "@fastify/cookie";
import type { FastifyError, FastifyPluginAsync } from "fastify";
import { principalOf } from "../admin/accounts.js";
import { recordAudit } from "../admin/audit.js";
import { HttpError, notFound } from "../admin/errors.js";
import { actorOf, authenticate, requireRole, requireStaff } from "../admin/http.js";
import { idParams, validationFields, validatorCompiler } from "../admin/validation.js";
import type { Runtime } from "../runtime.js";
import { assessRow, OUTPUT_COLUMNS } from "./batch.js";
import { REFERRAL_OUTCOMES, type ReferralOutcome } from "./growth.sql.js";
import { acknowledgeReferral, listReferrals, recordReferralOutcome, type Referral, type ReferralChange } from "./referrals.js";

/** Rows per assess call: enough for a posyandu month, small enough to answer at once. */
export const MAX_ASSESS_ROWS = 1000;

// The CLI's input columns (src/growth/cli.ts, batch.ts); numbers may come as JSON numbers or text.
const cell = { type: ["string", "number", "null"] } as const;
const measurementSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    id: { type: ["string", "number"] },
    sex: cell,
    age_days: cell,
    birth_date: cell,
    measured_at: cell,
    weight_kg: cell,
    lenhei_cm: cell,
    head_cm: cell,
    measure: cell,
    oedema: cell,
  },
  required: ["sex"],
} as const;

type MeasurementRow = Record<string, string | number | null | undefined>;

function toCells(row: MeasurementRow): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(row)) out[k] = v === null || v === undefined ? undefined : String(v);
  return out;
}

function referralView(r: Referral) {
  return {
    id: r.id,
    number: r.number,
    childId: r.childId,
    pregnancyId: r.pregnancyId,
    puskesmasId: r.puskesmasId,
    desaCode: r.desaCode,
    posyanduId: r.posyanduId,
    reasons: r.reasons,
    status: r.status,
    outcome: r.outcome,
    createdAt: r.createdAt.toISOString(),
    acknowledgedAt: r.acknowledgedAt?.toISOString() ?? null,
    outcomeAt: r.outcomeAt?.toISOString() ?? null,
    closedAt: r.closedAt?.toISOString() ?? null,
    remindedAt: r.remindedAt?.toISOString() ?? null,
  };
}

function changed(result: ReferralChange): Referral {
  if (result.ok) return result.referral;
  if (result.reason === "closed") throw new HttpError(409, "referral_closed", "This referral is already closed");
  throw notFound("Referral");
}

// Puskesmas staff follow referrals up; the Pokja may too. Bidan and kader see them (list) only.
const FOLLOWERS = ["pokja_admin", "puskesmas"] as const;

/** Register with `await app.register(growthRoutes(rt))`; encapsulated like the admin plugin. */
export function growthRoutes(rt: Runtime): FastifyPluginAsync {
  return async (app) => {
    app.setValidatorCompiler(validatorCompiler);
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error.validation) {
        const fields = validationFields(error.validationContext ?? "request", error.validation as never);
        return reply.status(400).send({ error: "validation_failed", message: fields[0] ? `${fields[0].field} ${fields[0].reason}` : "The request is not valid", fields });
      }
      if (error instanceof HttpError) return reply.status(error.statusCode).send({ error: error.code, message: error.message });
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      if (status >= 500) {
        request.log.error({ err: { type: error.name, code: error.code } }, "growth request failed");
        return reply.status(500).send({ error: "internal_error", message: "Something went wrong on our side." });
      }
      return reply.status(status).send({ error: (error.code ?? "bad_request").toLowerCase(), message: error.message });
    });
    if (!app.hasRequestDecorator("cookies")) await app.register(cookie);
    if (!app.hasRequestDecorator("staff")) {
      app.decorateRequest("staff", null);
      app.decorateRequest("staffSessionToken", null);
    }
    app.addHook("onRequest", authenticate(rt));

    app.post<{ Body: MeasurementRow | { measurements: MeasurementRow[] } }>(
      "/api/v1/growth/assess",
      {
        schema: {
          tags: ["growth"],
          summary: "WHO 2006 z-scores and Permenkes 2/2020 statuses for one or many measurements (the zscore CLI's columns)",
          body: {
            oneOf: [
              measurementSchema,
              {
                type: "object",
                additionalProperties: false,
                required: ["measurements"],
                properties: { measurements: { type: "array", minItems: 1, maxItems: MAX_ASSESS_ROWS, items: measurementSchema } },
              },
            ],
          },
        },
      },
      async (request) => {
        requireStaff(request);
        const body = request.body;
        const rows = "measurements" in body && Array.isArray(body.measurements) ? body.measurements : [body as MeasurementRow];
        const results = rows.map((row) => {
          const out = assessRow(toCells(row));
          return { ...(row.id !== undefined ? { id: row.id } : {}), ...out };
        });
        return { columns: OUTPUT_COLUMNS, results };
      },
    );

    app.get<{ Querystring: { status?: Referral["status"]; limit: number; offset: number } }>(
      "/api/v1/referrals",
      {
        schema: {
          tags: ["growth"],
          summary: "Referrals in my area, newest first",
          querystring: {
            type: "object",
            additionalProperties: false,
            properties: {
              status: { type: "string", enum: ["open", "acknowledged", "closed"] },
              limit: { type: "integer", minimum: 1, maximum: 200, default: 50 },
              offset: { type: "integer", minimum: 0, default: 0 },
            },
          },
        },
      },
      async (request) => {
        const staff = requireStaff(request);
        const rows = await listReferrals(rt.db, principalOf(staff), request.query);
        return { items: rows.map(referralView) };
      },
    );

    app.post<{ Params: { id: string } }>(
      "/api/v1/referrals/:id/acknowledge",
      { schema: { tags: ["growth"], summary: "Acknowledge a referral of my area", params: idParams } },
      async (request) => {
        const staff = requireRole(request, ...FOLLOWERS);
        const now = rt.clock.now();
        const referral = await rt.db.transaction(async (tx) => {
          const r = changed(await acknowledgeReferral(tx, principalOf(staff), request.params.id, staff.id, now));
          await recordAudit(tx, { actor: actorOf(staff), action: "referral.acknowledge", entity: "referral", entityId: r.id, after: { status: r.status }, at: now });
          return r;
        });
        return { referral: referralView(referral) };
      },
    );

    app.post<{ Params: { id: string }; Body: { outcome: ReferralOutcome } }>(
      "/api/v1/referrals/:id/outcome",
      {
        schema: {
          tags: ["growth"],
          summary: "Record a referral's outcome: datang keeps it followed; ditangani and sembuh-membaik close it",
          params: idParams,
          body: { type: "object", additionalProperties: false, required: ["outcome"], properties: { outcome: { type: "string", enum: [...REFERRAL_OUTCOMES] } } },
        },
      },
      async (request) => {
        const staff = requireRole(request, ...FOLLOWERS);
        const now = rt.clock.now();
        const referral = await rt.db.transaction(async (tx) => {
          const r = changed(await recordReferralOutcome(tx, principalOf(staff), request.params.id, request.body.outcome, staff.id, now));
          await recordAudit(tx, { actor: actorOf(staff), action: "referral.outcome", entity: "referral", entityId: r.id, after: { status: r.status, outcome: r.outcome }, at: now });
          return r;
        });
        return { referral: referralView(referral) };
      },
    );
  };
}
