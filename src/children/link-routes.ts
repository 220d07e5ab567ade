// Admin API for parents' requests to be linked to a kader-registered child: the same decision as
// SETUJU/TOLAK ANAK in chat, for staff of the child's area (a kader account only its posyandu).
import type { FastifyPluginAsync } from "fastify";
import { principalOf } from "../admin/accounts.js";
import type { AdminRouteOptions } from "../admin/plugin.js";
import { requireRole } from "../platform/http/auth.js";
import { errorSchema, pageOf, pageQuery, type Page } from "../platform/http/validation.js";
import { decideLinkRequestAsStaff, listLinkRequests } from "./link-requests.js";

const DECIDERS = ["pokja_admin", "puskesmas", "bidan", "kader"] as const;
const STATUSES = ["pending", "approved", "rejected"] as const;

const requestSchema = {
  type: "object",
  properties: {
    id: { type: "string" },
    number: { type: "integer" },
    status: { type: "string", enum: STATUSES },
    childId: { type: "string" },
    childName: { type: "string" },
    childCode: { type: "string" },
    desaCode: { type: ["string", "null"] },
    posyanduId: { type: ["string", "null"] },
    requesterChannel: { type: ["string", "null"] },
    requesterPhoneHint: { type: "string", description: "The last four digits of the requester's phone, or -" },
    createdAt: { type: "string", format: "date-time" },
    decidedAt: { type: ["string", "null"], format: "date-time" },
  },
} as const;

const numberParams = {
  type: "object",
  required: ["number"],
  additionalProperties: false,
  properties: { number: { type: "integer", minimum: 1, maximum: 999_999_999 } },
} as const;

export const childLinkRoutes =
  ({ rt }: AdminRouteOptions): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Querystring: Page & { status?: (typeof STATUSES)[number] } }>(
      "/api/v1/child-link-requests",
      {
        schema: {
          tags: ["children"],
          summary: "Parents asking to be linked to a child of my area by its code (pending first)",
          querystring: {
            type: "object",
            additionalProperties: false,
            properties: { ...pageQuery, status: { type: "string", enum: STATUSES } },
          },
          response: {
            200: {
              type: "object",
              properties: {
                items: { type: "array", items: requestSchema },
                total: { type: "integer" },
                limit: { type: "integer" },
                offset: { type: "integer" },
              },
            },
            403: errorSchema,
          },
        },
      },
      async (request) => {
        const staff = requireRole(request, ...DECIDERS);
        const { items, total } = await listLinkRequests(rt.db, principalOf(staff), request.query);
        return pageOf(items, total, request.query);
      },
    );

    app.post<{ Params: { number: number }; Body: { decision: "approve" | "reject" } }>(
      "/api/v1/child-link-requests/:number/decision",
      {
        schema: {
          tags: ["children"],
          summary: "Approve (link the parent and start the child's reminders) or reject a link request",
          params: numberParams,
          body: {
            type: "object",
            required: ["decision"],
            additionalProperties: false,
            properties: { decision: { type: "string", enum: ["approve", "reject"] } },
          },
          response: {
            200: {
              type: "object",
              properties: { number: { type: "integer" }, outcome: { type: "string", enum: ["approved", "rejected", "approve_failed"] } },
            },
            400: errorSchema,
            403: errorSchema,
            404: errorSchema,
            409: errorSchema,
          },
        },
      },
      async (request) => {
        const staff = requireRole(request, ...DECIDERS);
        const { number } = request.params;
        const outcome = await decideLinkRequestAsStaff(
          rt,
          { principal: principalOf(staff), accountId: staff.id },
          number,
          request.body.decision === "approve",
        );
        return { number, outcome };
      },
    );
  };
