// Admin API for the FAQ: the Pokja reads every topic and adds, changes, disables or withdraws
// run-time overrides; answers change on the next question, with no redeploy.
import { desc, eq, sql } from "drizzle-orm";
import type { FastifyPluginAsync } from "fastify";
import { auditSnapshot, recordAudit } from "../platform/audit.js";
import { notFound } from "../platform/errors.js";
import { actorOf, requireRole, requireStaff } from "../platform/http/auth.js";
import type { AdminRouteOptions } from "../admin/plugin.js";
import { errorSchema } from "../platform/http/validation.js";
import { LANGUAGES } from "../i18n/index.js";
import { knowledgeOf, refreshKnowledge } from "./base.js";
import { faqBacklog } from "./backlog.sql.js";
import { faqOverrides, type TopicTexts } from "./overrides.sql.js";

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

interface TopicBody {
  section: string;
  danger: boolean;
  source: string;
  keywords: { id: string[]; bjn: string[] };
  examples: { id: string[]; bjn: string[] };
  texts: { id: TopicTexts; bjn: TopicTexts };
  disabled?: boolean;
  /** Why (the console asks for one); kept in the audit log only. */
  reason?: string;
}

export const faqRoutes =
  ({ rt }: AdminRouteOptions): FastifyPluginAsync =>
  async (app) => {
    type Override = typeof faqOverrides.$inferSelect;
    // The override may be passed in (the list reads them all at once) or is looked up.
    const describe = async (id: string, known?: Override | null) => {
      const topic = knowledgeOf(rt).topics.get(id);
      const override = known !== undefined ? known : (await rt.db.select().from(faqOverrides).where(eq(faqOverrides.topicId, id)))[0];
      if (!topic && !override) return null;
      const textsOf = (lang: (typeof LANGUAGES)[number]) => ({
        title: rt.i18n.t(lang, `faq:${id}.title`),
        answer: rt.i18n.t(lang, `faq:${id}.answer`),
        ...(rt.i18n.exists(lang, `faq:${id}.more`) ? { more: rt.i18n.t(lang, `faq:${id}.more`) } : {}),
      });
      return {
        id,
        origin: override ? "override" : "content",
        disabled: override?.disabled ?? false,
        section: override?.section ?? topic?.section,
        danger: override?.danger ?? topic?.danger,
        source: override?.source ?? topic?.source,
        keywords: override?.keywords ?? topic?.keywords,
        examples: override?.examples ?? topic?.examples,
        texts: override?.texts ?? { id: textsOf("id"), bjn: textsOf("bjn") },
      };
    };

    app.get(
      "/api/v1/faq/topics",
      { schema: { tags: ["faq"], summary: "Every FAQ topic the bot answers from (content files and overrides)" } },
      async (request) => {
        requireStaff(request);
        await refreshKnowledge(rt);
        const overrides = await rt.db.select().from(faqOverrides);
        const byId = new Map(overrides.map((o) => [o.topicId, o]));
        const ids = new Set([...knowledgeOf(rt).topics.keys(), ...byId.keys()]);
        const items = [];
        for (const id of [...ids].sort()) items.push(await describe(id, byId.get(id) ?? null));
        return { items, total: items.length };
      },
    );

    app.get<{ Params: { id: string } }>(
      "/api/v1/faq/topics/:id",
      { schema: { tags: ["faq"], summary: "One FAQ topic", params: { type: "object", required: ["id"], properties: { id: topicId } }, response: { 404: errorSchema } } },
      async (request) => {
        requireStaff(request);
        await refreshKnowledge(rt);
        const topic = await describe(request.params.id);
        if (!topic) throw notFound("Topic");
        return topic;
      },
    );

    app.put<{ Params: { id: string }; Body: TopicBody }>(
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
        const id = request.params.id;
        const now = rt.clock.now();
        await rt.db.transaction(async (tx) => {
          const [before] = await tx.select().from(faqOverrides).where(eq(faqOverrides.topicId, id));
          const { reason, ...topic } = request.body;
          const values = { ...topic, disabled: topic.disabled ?? false, updatedBy: staff.id, updatedAt: now };
          const [after] = await tx
            .insert(faqOverrides)
            .values({ topicId: id, ...values })
            .onConflictDoUpdate({ target: faqOverrides.topicId, set: values })
            .returning();
          await recordAudit(tx, {
            actor: actorOf(staff),
            action: before ? "faq.update" : "faq.create",
            entity: "faq_topic",
            entityId: id,
            before: auditSnapshot(before),
            after: auditSnapshot(after),
            reason: reason ?? null,
            at: now,
          });
        });
        await refreshKnowledge(rt, rt.db, true);
        return describe(id);
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
        const now = rt.clock.now();
        const removed = await rt.db.transaction(async (tx) => {
          const [before] = await tx.delete(faqOverrides).where(eq(faqOverrides.topicId, request.params.id)).returning();
          if (before) {
            await recordAudit(tx, {
              actor: actorOf(staff),
              action: "faq.delete",
              entity: "faq_topic",
              entityId: request.params.id,
              before: auditSnapshot(before),
              after: null,
              at: now,
            });
          }
          return before;
        });
        if (!removed) throw notFound("Override");
        await refreshKnowledge(rt, rt.db, true);
        return reply.status(204).send();
      },
    );

    // The content backlog: what families asked that the FAQ declined, offered a menu for, or
    // answered unsure — most asked first. The Pokja writes topics or paraphrases from it.
    app.get<{ Querystring: { reason?: string; limit?: number; offset?: number } }>(
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
        const where = reason ? eq(faqBacklog.reason, reason) : undefined;
        const items = await rt.db
          .select({
            id: faqBacklog.id,
            question: faqBacklog.question,
            lang: faqBacklog.lang,
            reason: faqBacklog.reason,
            topics: faqBacklog.topics,
            confidence: faqBacklog.confidence,
            count: faqBacklog.count,
            firstAt: faqBacklog.firstAt,
            lastAt: faqBacklog.lastAt,
          })
          .from(faqBacklog)
          .where(where)
          .orderBy(desc(faqBacklog.count), desc(faqBacklog.lastAt), faqBacklog.id)
          .limit(limit)
          .offset(offset);
        const [total] = await rt.db.select({ n: sql<number>`count(*)::int` }).from(faqBacklog).where(where);
        return { items, total: total?.n ?? 0 };
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
        const removed = await rt.db.delete(faqBacklog).where(eq(faqBacklog.id, request.params.id)).returning({ id: faqBacklog.id });
        if (removed.length === 0) throw notFound("Backlog entry");
        return reply.status(204).send();
      },
    );
  };
