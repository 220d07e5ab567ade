// /api/v1/campaigns: compose, count the audience, preview, approve, send, pause/resume/cancel,
// the delivery report and its per-recipient CSV. Every route is for pokja_admin, puskesmas and
// bidan accounts, limited to their area (manage.ts).
import { stringify } from "csv-stringify/sync";
import type { FastifyPluginAsync } from "fastify";
import { principalOf } from "../admin/accounts.js";
import { recordAudit } from "../platform/audit.js";
import { actorOf, requireStaff } from "../platform/http/auth.js";
import type { AdminRouteOptions } from "../admin/plugin.js";
import { desaCode, errorSchema, idParams, pageOf, pageQuery, uuid, type Page } from "../platform/http/validation.js";
import { MAX_BUTTON_LABEL, MAX_BUTTONS, MAX_TEXT, VARIABLES } from "./compose.js";
import {
  approveCampaign,
  campaignFor,
  cancelCampaign,
  createCampaign,
  editCampaign,
  listCampaigns,
  pauseCampaign,
  requireCampaignRole,
  resumeCampaign,
  sendCampaign,
  submitCampaign,
  type CampaignInput,
} from "./manage.js";
import { previewCampaign } from "./preview.js";
import { campaignReport, recipientLines } from "./report.js";
import { countAudience, GROWTH_STATUSES, SEGMENT_CHANNELS, SEGMENT_ROLES, type Segment } from "./segment.js";
import { finishRuns, syncOutcomes } from "./send.js";

const label = {
  type: "object",
  additionalProperties: false,
  required: ["id"],
  properties: {
    id: { type: "string", minLength: 1, maxLength: MAX_BUTTON_LABEL },
    bjn: { type: "string", minLength: 1, maxLength: MAX_BUTTON_LABEL },
  },
} as const;

const button = {
  oneOf: [
    { type: "object", additionalProperties: false, required: ["kind", "label"], properties: { kind: { const: "reply" }, label } },
    {
      type: "object",
      additionalProperties: false,
      required: ["kind", "label", "topicId"],
      properties: { kind: { const: "faq" }, topicId: { type: "string", pattern: "^[a-z0-9_.-]{1,80}$" }, label },
    },
  ],
} as const;

const kecamatanCode = { type: "string", pattern: "^\\d{2}\\.\\d{2}\\.\\d{2}$" } as const;
const list = (items: object, max = 200) => ({ type: "array", items, minItems: 1, maxItems: max, uniqueItems: true });

export const segmentSchema = {
  type: "object",
  additionalProperties: false,
  description: "Filters; all given must hold, any value of a list matches.",
  properties: {
    kecamatanCodes: list(kecamatanCode),
    desaCodes: list(desaCode),
    posyanduIds: list(uuid),
    roles: list({ type: "string", enum: SEGMENT_ROLES }),
    langs: list({ type: "string", enum: ["id", "bjn"] }),
    channels: list({ type: "string", enum: SEGMENT_CHANNELS }),
    pregnancy: {
      type: "object",
      additionalProperties: false,
      properties: {
        trimesters: list({ type: "integer", enum: [1, 2, 3] }),
        weeksMin: { type: "integer", minimum: 0, maximum: 45 },
        weeksMax: { type: "integer", minimum: 0, maximum: 45 },
      },
    },
    childAgeMonths: {
      type: "object",
      additionalProperties: false,
      properties: { min: { type: "integer", minimum: 0, maximum: 72 }, max: { type: "integer", minimum: 0, maximum: 72 } },
    },
    childGrowth: list({ type: "string", enum: GROWTH_STATUSES }),
    childNotMeasuredMonths: { type: "integer", minimum: 1, maximum: 60 },
    registeredSince: { type: "string", format: "date" },
    notSeenDays: { type: "integer", minimum: 1, maximum: 3650 },
    excludeInDialogue: { type: "boolean" },
  },
} as const;

const repeatSchema = {
  type: ["object", "null"],
  additionalProperties: false,
  required: ["every", "time", "until"],
  properties: {
    every: { type: "string", enum: ["daily", "weekly", "monthly"] },
    weekdays: list({ type: "integer", minimum: 1, maximum: 7 }, 7),
    dayOfMonth: { type: "integer", minimum: 1, maximum: 31 },
    time: { type: "string", pattern: "^([01]\\d|2[0-3]):[0-5]\\d$", description: "HH:MM, local time (WITA)" },
    from: { type: "string", format: "date" },
    until: { type: "string", format: "date" },
  },
} as const;

const campaignProperties = {
  name: { type: "string", minLength: 1, maxLength: 120 },
  textId: {
    type: "string",
    minLength: 1,
    maxLength: MAX_TEXT,
    description: `Indonesian text; variables ${VARIABLES.map((v) => `{${v}}`).join(" ")}`,
  },
  textBjn: { type: ["string", "null"], minLength: 1, maxLength: MAX_TEXT },
  sameForBoth: { type: "boolean", description: "Banjar speakers get the Indonesian text (then leave textBjn out)" },
  buttons: { type: "array", maxItems: MAX_BUTTONS, items: button },
  segment: segmentSchema,
  sendAt: { type: ["string", "null"], format: "date-time" },
  repeat: repeatSchema,
} as const;

const createBody = { type: "object", additionalProperties: false, required: ["name", "textId"], properties: campaignProperties } as const;
const patchBody = { type: "object", additionalProperties: false, minProperties: 1, properties: campaignProperties } as const;
const tags = ["campaigns"];

// Per-recipient CSV: past this the report's counters are the way to read it.
const EXPORT_MAX_ROWS = 200_000;

export const campaignRoutes =
  ({ rt }: AdminRouteOptions): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Querystring: Page }>(
      "/api/v1/campaigns",
      {
        schema: {
          tags,
          summary: "Campaigns (all for a pokja_admin, one's own for others)",
          querystring: { type: "object", additionalProperties: false, properties: pageQuery },
        },
      },
      async (request) => {
        const { items, total } = await listCampaigns(rt.db, requireStaff(request), request.query);
        return pageOf(items, total, request.query);
      },
    );

    app.post<{ Body: { segment: Segment } }>(
      "/api/v1/campaigns/audience",
      {
        schema: {
          tags,
          summary: "How many people a segment reaches in my area: total, per channel, per language",
          body: { type: "object", additionalProperties: false, required: ["segment"], properties: { segment: segmentSchema } },
        },
      },
      async (request) => {
        const staff = requireStaff(request);
        requireCampaignRole(staff);
        return countAudience(rt.db, principalOf(staff), request.body.segment, { now: rt.clock.now(), zone: rt.config.TIMEZONE });
      },
    );

    app.post<{ Body: CampaignInput }>(
      "/api/v1/campaigns",
      { schema: { tags, summary: "Compose a campaign (a draft)", body: createBody, response: { 400: errorSchema } } },
      async (request, reply) => reply.status(201).send({ campaign: await createCampaign(rt, requireStaff(request), request.body) }),
    );

    app.get<{ Params: { id: string } }>(
      "/api/v1/campaigns/:id",
      { schema: { tags, summary: "One campaign", params: idParams, response: { 404: errorSchema } } },
      async (request) => ({ campaign: await campaignFor(rt.db, requireStaff(request), request.params.id) }),
    );

    app.patch<{ Params: { id: string }; Body: Partial<CampaignInput> }>(
      "/api/v1/campaigns/:id",
      { schema: { tags, summary: "Edit a campaign not yet sent (approval is needed again)", params: idParams, body: patchBody } },
      async (request) => ({ campaign: await editCampaign(rt, requireStaff(request), request.params.id, request.body) }),
    );

    app.get<{ Params: { id: string } }>(
      "/api/v1/campaigns/:id/audience",
      { schema: { tags, summary: "The campaign's audience now: total, per channel, per language", params: idParams } },
      async (request) => {
        const c = await campaignFor(rt.db, requireStaff(request), request.params.id);
        return countAudience(rt.db, c.area, c.segment, { now: rt.clock.now(), zone: rt.config.TIMEZONE });
      },
    );

    app.get<{ Params: { id: string }; Querystring: { contactId?: string } }>(
      "/api/v1/campaigns/:id/preview",
      {
        schema: {
          tags,
          summary: "Both languages as a sample recipient gets them (the first of the audience, or contactId)",
          params: idParams,
          querystring: { type: "object", additionalProperties: false, properties: { contactId: uuid } },
        },
      },
      async (request) => {
        const c = await campaignFor(rt.db, requireStaff(request), request.params.id);
        return previewCampaign(rt, c, request.query.contactId);
      },
    );

    const action = (path: string, summary: string, run: (id: string, staff: ReturnType<typeof requireStaff>) => Promise<object>) =>
      app.post<{ Params: { id: string } }>(
        `/api/v1/campaigns/:id/${path}`,
        { schema: { tags, summary, params: idParams, response: { 409: errorSchema } } },
        async (request) => run(request.params.id, requireStaff(request)),
      );
    action("submit", "Ready: to approval (when required) or approved", (id, s) => submitCampaign(rt, s, id));
    action("approve", "Approve (another pokja_admin than the creator)", (id, s) => approveCampaign(rt, s, id));
    action("pause", "Pause while sending (waiting messages are taken back)", (id, s) => pauseCampaign(rt, s, id));
    action("resume", "Resume a paused campaign", (id, s) => resumeCampaign(rt, s, id));
    action("cancel", "Cancel: nothing more is sent", (id, s) => cancelCampaign(rt, s, id));

    app.post<{ Params: { id: string }; Body: { at?: string } }>(
      "/api/v1/campaigns/:id/send",
      {
        schema: {
          tags,
          summary: "Send an approved campaign now, at a time, or (repeating) on its days",
          params: idParams,
          body: { type: "object", additionalProperties: false, properties: { at: { type: "string", format: "date-time" } } },
          response: { 409: errorSchema },
        },
      },
      async (request) => sendCampaign(rt, requireStaff(request), request.params.id, request.body?.at),
    );

    app.get<{ Params: { id: string }; Querystring: { runId?: string } }>(
      "/api/v1/campaigns/:id/report",
      {
        schema: {
          tags,
          summary: "Delivery report, live: totals, failures by reason, per kecamatan and desa, runs",
          params: idParams,
          querystring: { type: "object", additionalProperties: false, properties: { runId: uuid } },
        },
      },
      async (request) => {
        let c = await campaignFor(rt.db, requireStaff(request), request.params.id);
        // Live: outcomes the outbox recorded since the last minute job, and a run that just ended.
        if (await finishRuns(rt)) c = await campaignFor(rt.db, requireStaff(request), request.params.id);
        return { campaignId: c.id, status: c.status, ...(await campaignReport(rt.db, c.id, request.query.runId)) };
      },
    );

    app.get<{ Params: { id: string } }>(
      "/api/v1/campaigns/:id/recipients.csv",
      {
        schema: {
          tags,
          summary: "Per-recipient status of the people in my area (recorded in the audit log)",
          params: idParams,
          produces: ["text/csv"],
        },
      },
      async (request, reply) => {
        const staff = requireStaff(request);
        const c = await campaignFor(rt.db, staff, request.params.id);
        await syncOutcomes(rt.db);
        const lines = await recipientLines(rt.db, principalOf(staff), c.id, EXPORT_MAX_ROWS);
        const iso = (d: Date | string | null) => (d === null ? "" : new Date(d).toISOString());
        const csv = stringify(
          lines.map((l) => ({
            contactId: l.contact_id,
            channel: l.channel,
            lang: l.lang,
            desaCode: l.desa_code ?? "",
            status: l.st,
            reason: l.reason ?? "",
            sentAt: iso(l.sent_at),
            deliveredAt: iso(l.delivered_at),
            readAt: iso(l.read_at),
            repliedAt: iso(l.replied_at),
            stoppedAt: iso(l.stopped_at),
            // Sent again after an unknown outcome (a sender died mid-send): may have received it twice.
            resentUnknownOutcome: Number(l.unknown_outcomes) > 0 ? "yes" : "",
          })),
          {
            header: true,
            // No cell may open as a formula in a spreadsheet (CSV injection), whatever column is added later.
            escape_formulas: true,
            columns: [
              "contactId",
              "channel",
              "lang",
              "desaCode",
              "status",
              "reason",
              "sentAt",
              "deliveredAt",
              "readAt",
              "repliedAt",
              "stoppedAt",
              "resentUnknownOutcome",
            ],
          },
        );
        await recordAudit(rt.db, {
          actor: actorOf(staff),
          action: "campaign.export",
          entity: "campaign",
          entityId: c.id,
          after: { rows: lines.length },
          at: rt.clock.now(),
        });
        return reply
          .header("content-type", "text/csv; charset=utf-8")
          .header("content-disposition", `attachment; filename="campaign-${c.id}.csv"`)
          .header("cache-control", "no-store")
          .send(csv);
      },
    );
  };
