// Admin API for "Tanya bidan": the handoff inbox of the caller's area (list, claim, answer).
import type { FastifyPluginAsync } from "fastify";
import { principalOf } from "../admin/accounts.js";
import { conflict, notFound } from "../platform/errors.js";
import { requireRole } from "../platform/http/auth.js";
import type { AdminRouteOptions } from "../admin/plugin.js";
import { errorSchema, idParams, pageOf, pageQuery, type Page } from "../platform/http/validation.js";
import { answerQuestion, claimQuestion, findQuestion, listQuestions, type HandoffQuestion } from "./index.js";

// Kader do not answer health questions; the health workers and the Pokja do.
const ANSWERERS = ["pokja_admin", "puskesmas", "bidan"] as const;

const questionSchema = {
  type: "object",
  properties: {
    id: { type: "string" },
    number: { type: "integer" },
    status: { type: "string", enum: ["open", "claimed", "answered"] },
    lang: { type: "string" },
    desaCode: { type: ["string", "null"] },
    question: { type: "string" },
    answer: { type: ["string", "null"] },
    claimedBy: { type: ["string", "null"] },
    answeredBy: { type: ["string", "null"] },
    createdAt: { type: "string", format: "date-time" },
    claimedAt: { type: ["string", "null"], format: "date-time" },
    answeredAt: { type: ["string", "null"], format: "date-time" },
  },
} as const;

/** The question as staff see it: no channel address of the person who asked. */
function view(q: HandoffQuestion) {
  const { contactId: _c, channel: _ch, address: _a, ...rest } = q;
  return rest;
}

export const handoffRoutes =
  ({ rt }: AdminRouteOptions): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Querystring: Page & { status?: HandoffQuestion["status"] } }>(
      "/api/v1/handoff-questions",
      {
        schema: {
          tags: ["handoff"],
          summary: "Questions passed on to health workers (Tanya bidan) in my area",
          querystring: {
            type: "object",
            additionalProperties: false,
            properties: { ...pageQuery, status: { type: "string", enum: ["open", "claimed", "answered"] } },
          },
          response: { 403: errorSchema },
        },
      },
      async (request) => {
        const staff = requireRole(request, ...ANSWERERS);
        const { items, total } = await listQuestions(rt.db, principalOf(staff), request.query);
        return pageOf(items.map(view), total, request.query);
      },
    );

    app.get<{ Params: { id: string } }>(
      "/api/v1/handoff-questions/:id",
      {
        schema: {
          tags: ["handoff"],
          summary: "One question",
          params: idParams,
          response: { 200: questionSchema, 403: errorSchema, 404: errorSchema },
        },
      },
      async (request) => {
        const staff = requireRole(request, ...ANSWERERS);
        const row = await findQuestion(rt.db, principalOf(staff), { id: request.params.id });
        if (!row) throw notFound("Question");
        return view(row);
      },
    );

    app.post<{ Params: { id: string } }>(
      "/api/v1/handoff-questions/:id/claim",
      {
        schema: {
          tags: ["handoff"],
          summary: "Take a question so colleagues know it is being handled",
          params: idParams,
          response: { 200: questionSchema, 403: errorSchema, 404: errorSchema },
        },
      },
      async (request) => {
        const staff = requireRole(request, ...ANSWERERS);
        const row = await rt.db.transaction((tx) => claimQuestion(tx, staff, request.params.id, rt.clock.now()));
        if (!row) throw notFound("Question");
        return view(row);
      },
    );

    app.post<{ Params: { id: string }; Body: { answer: string } }>(
      "/api/v1/handoff-questions/:id/answer",
      {
        schema: {
          tags: ["handoff"],
          summary: "Answer a question; the answer is sent to the person on the channel they asked on",
          params: idParams,
          body: {
            type: "object",
            required: ["answer"],
            additionalProperties: false,
            properties: { answer: { type: "string", minLength: 2, maxLength: 2000 } },
          },
          response: { 200: questionSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
        },
      },
      async (request) => {
        const staff = requireRole(request, ...ANSWERERS);
        const result = await rt.db.transaction((tx) =>
          answerQuestion(tx, rt.i18n, staff, { id: request.params.id }, request.body.answer.trim(), rt.clock.now()),
        );
        if (!result.ok && result.reason === "not_found") throw notFound("Question");
        if (!result.ok) throw conflict("already_answered", "The question has been answered already");
        return view(result.question);
      },
    );
  };
