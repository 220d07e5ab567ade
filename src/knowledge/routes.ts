// Admin API for the FAQ (topics.ts): the Pokja reads every topic and adds, changes, disables or
// withdraws run-time overrides; answers change on the next question, with no redeploy.
import type { FastifyPluginAsync } from "fastify";
import { actorOf, requireRole, requireStaff } from "../platform/http/auth.js";
import type { AdminRouteOptions } from "../admin/plugin.js";
import { errorSchema } from "../platform/http/validation.js";
import { listBacklog, removeBacklogEntry, type BacklogReason } from "./backlog.js";
import { getTopic, listTopics, saveTopic, withdrawTopic, type TopicInput } from "./topics.js";

const topicId = { type: "string", pattern: "^[a-z0-9]+(-[a-z0-9]+)*$", maxLength: 60 } as const;
const words = { type: "array", maxItems: 200, items: { type: "string", minLength: 1, maxLength: 300 } } as const;
const perLang = (schema: object) => ({
  type: "object",
  required: ["id", "bjn"],
  additionalProperties: false,
  properties: { id: schema, bjn: schema },
});
// FAQ answers are read on a phone: the same limits as the reviewed content.
const texts = {
  type: "object",
  required: ["title", "answer"],
  additionalProperties: false,
  properties: {
    title: { type: "string", minLength: 2, maxLength: 120 },
    answer: { type: "string", minLength: 10, maxLength: 600 },
    more: { type: "string", minLength: 10, maxLength: 1200 },
  },
} as const;

export const faqRoutes =
  ({ rt }: AdminRouteOptions): FastifyPluginAsync =>
  async (app) => {
    app.get(
      "/api/v1/faq/topics",
      { schema: { tags: ["faq"], summary: "Every FAQ topic the bot answers from (content files and overrides)" } },
      async (request) => {
        requireStaff(request);
        const items = await listTopics(rt);
        return { items, total: items.length };
      },
    );

    app.get<{ Params: { id: string } }>(
      "/api/v1/faq/topics/:id",
      {
        schema: {
          tags: ["faq"],
          summary: "One FAQ topic",
          params: { type: "object", required: ["id"], properties: { id: topicId } },
          response: { 404: errorSchema },
        },
      },
      async (request) => {
        requireStaff(request);
        return getTopic(rt, request.params.id);
      },
    );

    app.put<{ Params: { id: string }; Body: TopicInput }>(
      "/api/v1/faq/topics/:id",
      {
        schema: {
          tags: ["faq"],
          summary: "Add a topic, or override a content topic (Pokja admin); recorded in the audit log",
          params: { type: "object", required: ["id"], properties: { id: topicId } },
          body: {
            type: "object",
            required: ["section", "danger", "source", "keywords", "examples", "texts"],
            additionalProperties: false,
            properties: {
              section: { type: "string", pattern: "^[A-Z]$" },
              danger: { type: "boolean" },
              source: { type: "string", minLength: 3, maxLength: 500 },
              keywords: perLang(words),
              examples: perLang({ ...words, minItems: 1 }),
              texts: perLang(texts),
              disabled: { type: "boolean" },
              reason: { type: "string", minLength: 3, maxLength: 500 },
            },
          },
          response: { 400: errorSchema, 403: errorSchema },
        },
      },
      async (request) => {
        const staff = requireRole(request, "pokja_admin");
        return saveTopic(rt, { actor: actorOf(staff), accountId: staff.id }, request.params.id, request.body);
      },
    );

    app.delete<{ Params: { id: string } }>(
      "/api/v1/faq/topics/:id",
      {
        schema: {
          tags: ["faq"],
          summary: "Withdraw an override: a content topic returns to its reviewed text, an added topic is removed",
          params: { type: "object", required: ["id"], properties: { id: topicId } },
          response: { 403: errorSchema, 404: errorSchema },
        },
      },
      async (request, reply) => {
        const staff = requireRole(request, "pokja_admin");
        await withdrawTopic(rt, actorOf(staff), request.params.id);
        return reply.status(204).send();
      },
    );

    // The content backlog: what families asked that the FAQ declined, offered a menu for, or
    // answered unsure — most asked first. The Pokja writes topics or paraphrases from it.
    app.get<{ Querystring: { reason?: BacklogReason; limit?: number; offset?: number } }>(
      "/api/v1/knowledge/backlog",
      {
        schema: {
          tags: ["faq"],
          summary: "Questions the FAQ could not answer with confidence (no one's identity), most asked first",
          querystring: {
            type: "object",
            additionalProperties: false,
            properties: {
              reason: { type: "string", enum: ["offtopic", "choices", "low_confidence"] },
              limit: { type: "integer", minimum: 1, maximum: 500, default: 100 },
              offset: { type: "integer", minimum: 0, default: 0 },
            },
          },
          response: { 400: errorSchema, 403: errorSchema },
        },
      },
      async (request) => {
        requireStaff(request);
        const { reason, limit = 100, offset = 0 } = request.query;
        return listBacklog(rt.db, { reason, limit, offset });
      },
    );

    app.delete<{ Params: { id: string } }>(
      "/api/v1/knowledge/backlog/:id",
      {
        schema: {
          tags: ["faq"],
          summary: "Remove a backlog entry once handled (Pokja admin)",
          params: { type: "object", required: ["id"], properties: { id: { type: "string", format: "uuid" } } },
          response: { 403: errorSchema, 404: errorSchema },
        },
      },
      async (request, reply) => {
        requireRole(request, "pokja_admin");
        await removeBacklogEntry(rt.db, request.params.id);
        return reply.status(204).send();
      },
    );
  };
