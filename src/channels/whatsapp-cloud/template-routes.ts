// /api/v1/whatsapp-templates: the Pokja's list of approved WhatsApp Cloud templates per message
// kind and language (used outside the 24-hour window): list (with the configured ones), add, edit
// the name or disable with a reason. pokja_admin only; every change is in the audit log.
import type { FastifyPluginAsync } from "fastify";
import type { AdminRouteOptions } from "../../admin/plugin.js";
import { actorOf, requireRole } from "../../platform/http/auth.js";
import { errorSchema, idParams } from "../../platform/http/validation.js";
import { MESSAGE_KINDS } from "../channel.js";
import { addTemplate, editTemplate, effectiveTemplates, templateRows } from "./templates.js";

const tags = ["whatsapp"];
/** Meta names templates with lowercase letters, digits and underscores (as WHATSAPP_CLOUD_TEMPLATES). */
const name = { type: "string", pattern: "^[a-z0-9_]{1,512}$", description: "The approved template's name in WhatsApp Manager" } as const;
const reason = { type: "string", minLength: 3, maxLength: 500, pattern: "\\S" } as const;

export const whatsAppTemplateRoutes =
  ({ rt }: AdminRouteOptions): FastifyPluginAsync =>
  async (app) => {
    app.get(
      "/api/v1/whatsapp-templates",
      {
        schema: {
          tags,
          summary:
            "Templates used outside the 24-hour window: the Pokja's list, the configured ones (WHATSAPP_CLOUD_TEMPLATES) and those in force",
        },
      },
      async (request) => {
        requireRole(request, "pokja_admin");
        const rows = await templateRows(rt.db);
        const configured = rt.config.WHATSAPP_CLOUD_TEMPLATES;
        return { items: rows, total: rows.length, configured, inForce: effectiveTemplates(configured, rows), kinds: MESSAGE_KINDS };
      },
    );

    app.post<{ Body: { kind: string; lang: "id" | "bjn"; name: string } }>(
      "/api/v1/whatsapp-templates",
      {
        schema: {
          tags,
          summary: "Add the template of a message kind and language",
          body: {
            type: "object",
            additionalProperties: false,
            required: ["kind", "lang", "name"],
            properties: { kind: { type: "string", enum: MESSAGE_KINDS }, lang: { type: "string", enum: ["id", "bjn"] }, name },
          },
          response: { 400: errorSchema, 403: errorSchema, 409: errorSchema },
        },
      },
      async (request, reply) => {
        const staff = requireRole(request, "pokja_admin");
        const template = await addTemplate(rt.db, request.body, { actor: actorOf(staff), now: rt.clock.now() });
        return reply.status(201).send({ template });
      },
    );

    app.patch<{ Params: { id: string }; Body: { name?: string; disabled?: boolean; reason: string } }>(
      "/api/v1/whatsapp-templates/:id",
      {
        schema: {
          tags,
          summary: "Rename a template or disable/enable it, with a reason",
          params: idParams,
          body: {
            type: "object",
            additionalProperties: false,
            required: ["reason"],
            minProperties: 2,
            properties: { name, disabled: { type: "boolean" }, reason },
          },
          response: { 400: errorSchema, 403: errorSchema, 404: errorSchema },
        },
      },
      async (request) => {
        const staff = requireRole(request, "pokja_admin");
        const { reason: why, ...patch } = request.body;
        return {
          template: await editTemplate(
            rt.db,
            request.params.id,
            { ...patch, reason: why.trim() },
            { actor: actorOf(staff), now: rt.clock.now() },
          ),
        };
      },
    );
  };
