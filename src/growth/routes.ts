// Growth HTTP API for staff: z-scores for one or many measurements (the CLI's columns, in JSON; see
// batch.ts for when a status is left blank), the referrals of the caller's area (list, acknowledge,
// record the outcome), and the Pokja's weighing referral rules. Authentication and
// area scoping are the admin module's (session cookie or bearer API token; whereInScope).
import type { FastifyPluginAsync } from "fastify";
import { principalOf } from "../admin/accounts.js";
import type { StaffAccount } from "../admin/auth.js";
import { actorOf, requireRole, requireStaff } from "../platform/http/auth.js";
import type { AdminRouteOptions } from "../admin/plugin.js";
import { idParams, pageOf } from "../platform/http/validation.js";
import { assessRow, OUTPUT_COLUMNS } from "./batch.js";
import { REFERRAL_OUTCOMES, type ReferralOutcome } from "./growth.sql.js";
import { REFERRAL_RULES, type ReferralRule } from "./referral-rules.js";
import { acknowledgeAsStaff, changeReferralRules, recordOutcomeAsStaff, type StaffHand } from "./referral-follow-up.js";
import { listReferrals, referralRulesOf, type Referral } from "./referrals.js";

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
    muac_cm: cell,
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
    priority: r.priority,
    status: r.status,
    outcome: r.outcome,
    createdAt: r.createdAt.toISOString(),
    acknowledgedAt: r.acknowledgedAt?.toISOString() ?? null,
    outcomeAt: r.outcomeAt?.toISOString() ?? null,
    closedAt: r.closedAt?.toISOString() ?? null,
    remindedAt: r.remindedAt?.toISOString() ?? null,
    updatedAt: r.updatedAt?.toISOString() ?? null,
  };
}

/** The signed-in account as the referral use cases take it. */
const staffHand = (staff: StaffAccount): StaffHand => ({ principal: principalOf(staff), actor: actorOf(staff), accountId: staff.id });

// Puskesmas staff follow referrals up; the Pokja may too. Bidan and kader see them (list) only.
const FOLLOWERS = ["pokja_admin", "puskesmas"] as const;

/** Staff routes of growth monitoring, served inside the admin API (its sign-in, validation, errors). */
export const growthRoutes =
  ({ rt }: AdminRouteOptions): FastifyPluginAsync =>
  async (app) => {
    app.post<{ Body: MeasurementRow | { measurements: MeasurementRow[] } }>(
      "/api/v1/growth/assess",
      {
        schema: {
          tags: ["growth"],
          summary:
            "WHO Anthro 1.1.0 z-scores and flags and Permenkes 2/2020 statuses (code and label) for one or many measurements (the zscore CLI's columns)",
          description:
            "A status is blank where the input is invalid (then nothing is computed) or WHO flags the z-score as implausible; `error` says why (e.g. bad-age, who-flag-zwfl, standing-under-9-months, too-old). With oedema BB/TB is gizi buruk (edema).",
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
          summary: "Referrals in my area: urgent ones (gizi buruk) first, then newest first",
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
        const { items, total } = await listReferrals(rt.db, principalOf(staff), request.query);
        return pageOf(
          items.map((r) => ({ ...referralView(r), childName: r.childName, childCode: r.childCode })),
          total,
          request.query,
        );
      },
    );

    app.post<{ Params: { id: string } }>(
      "/api/v1/referrals/:id/acknowledge",
      { schema: { tags: ["growth"], summary: "Acknowledge a referral of my area", params: idParams } },
      async (request) => {
        const staff = requireRole(request, ...FOLLOWERS);
        const referral = await acknowledgeAsStaff(rt, staffHand(staff), request.params.id);
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
          body: {
            type: "object",
            additionalProperties: false,
            required: ["outcome"],
            properties: { outcome: { type: "string", enum: [...REFERRAL_OUTCOMES] } },
          },
        },
      },
      async (request) => {
        const staff = requireRole(request, ...FOLLOWERS);
        const referral = await recordOutcomeAsStaff(rt, staffHand(staff), request.params.id, request.body.outcome);
        return { referral: referralView(referral) };
      },
    );

    const rulesView = (r: Awaited<ReturnType<typeof referralRulesOf>>) => ({
      rules: r.rules,
      source: r.setting ? "pokja" : "default",
      updatedAt: r.setting?.updatedAt.toISOString() ?? null,
    });

    app.get(
      "/api/v1/growth/referral-rules",
      {
        schema: {
          tags: ["growth"],
          summary:
            "Weighing results that refer a child (Buku KIA 2023: T, BGM, above the orange line); the Pokja's setting or the configured default",
        },
      },
      async (request) => {
        requireStaff(request);
        return rulesView(await referralRulesOf(rt.db, rt.config.GROWTH_REFERRAL_RULES));
      },
    );

    app.put<{ Body: { rules: ReferralRule[] } }>(
      "/api/v1/growth/referral-rules",
      {
        schema: {
          tags: ["growth"],
          summary: "Set the weighing referral rules (Pokja admin); applies to the next report; recorded in the audit log",
          body: {
            type: "object",
            additionalProperties: false,
            required: ["rules"],
            properties: {
              rules: {
                type: "array",
                maxItems: REFERRAL_RULES.length,
                uniqueItems: true,
                items: { type: "string", enum: [...REFERRAL_RULES] },
              },
            },
          },
        },
      },
      async (request) => {
        const staff = requireRole(request, "pokja_admin");
        await changeReferralRules(rt, staffHand(staff), request.body.rules);
        return rulesView(await referralRulesOf(rt.db, rt.config.GROWTH_REFERRAL_RULES));
      },
    );
  };
