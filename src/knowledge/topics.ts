// The FAQ topics as the Pokja manages them: every topic the bot answers from (the reviewed content
// files merged with the run-time overrides), and adding, changing, disabling or withdrawing an
// override (audited). Answers change on the next question, with no redeploy.
import { eq } from "drizzle-orm";
import { auditSnapshot, recordAudit, type AuditActor } from "../platform/audit.js";
import { notFound } from "../platform/errors.js";
import { LANGUAGES } from "../i18n/index.js";
import type { Runtime } from "../runtime.js";
import { knowledgeOf, refreshKnowledge } from "./base.js";
import { faqOverrides, type TopicTexts } from "./overrides.sql.js";

type Override = typeof faqOverrides.$inferSelect;

/** A topic as the Pokja writes it. */
export interface TopicInput {
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

/**
 * One topic as the bot answers it: its override where there is one, else its content. The
 * override may be passed in (a list reads them all at once) or is looked up; null when neither exists.
 */
async function describeTopic(rt: Runtime, id: string, known?: Override | null) {
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
}

export type TopicView = NonNullable<Awaited<ReturnType<typeof describeTopic>>>;

/** Every topic (content files and overrides), by id. */
export async function listTopics(rt: Runtime): Promise<TopicView[]> {
  await refreshKnowledge(rt);
  const overrides = await rt.db.select().from(faqOverrides);
  const byId = new Map(overrides.map((o) => [o.topicId, o]));
  const ids = new Set([...knowledgeOf(rt).topics.keys(), ...byId.keys()]);
  const items: TopicView[] = [];
  for (const id of [...ids].sort()) {
    const topic = await describeTopic(rt, id, byId.get(id) ?? null);
    if (topic) items.push(topic);
  }
  return items;
}

export async function getTopic(rt: Runtime, id: string): Promise<TopicView> {
  await refreshKnowledge(rt);
  const topic = await describeTopic(rt, id);
  if (!topic) throw notFound("Topic");
  return topic;
}

/** Adds a topic, or overrides a content topic; the bot answers from it at once. */
export async function saveTopic(
  rt: Runtime,
  by: { actor: AuditActor; accountId: string },
  id: string,
  input: TopicInput,
): Promise<TopicView | null> {
  const now = rt.clock.now();
  await rt.db.transaction(async (tx) => {
    const [before] = await tx.select().from(faqOverrides).where(eq(faqOverrides.topicId, id));
    const { reason, ...topic } = input;
    const values = { ...topic, disabled: topic.disabled ?? false, updatedBy: by.accountId, updatedAt: now };
    const [after] = await tx
      .insert(faqOverrides)
      .values({ topicId: id, ...values })
      .onConflictDoUpdate({ target: faqOverrides.topicId, set: values })
      .returning();
    await recordAudit(tx, {
      actor: by.actor,
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
  return describeTopic(rt, id);
}

/** Withdraws an override: a content topic returns to its reviewed text, an added topic is removed. */
export async function withdrawTopic(rt: Runtime, actor: AuditActor, id: string): Promise<void> {
  const now = rt.clock.now();
  const removed = await rt.db.transaction(async (tx) => {
    const [before] = await tx.delete(faqOverrides).where(eq(faqOverrides.topicId, id)).returning();
    if (before)
      await recordAudit(tx, {
        actor,
        action: "faq.delete",
        entity: "faq_topic",
        entityId: id,
        before: auditSnapshot(before),
        after: null,
        at: now,
      });
    return before;
  });
  if (!removed) throw notFound("Override");
  await refreshKnowledge(rt, rt.db, true);
}
