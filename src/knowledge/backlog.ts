// The Pokja's content backlog: questions the FAQ declined, offered a menu for, or answered with
// low confidence. Stored without who asked; repeats of the same normalised question are counted.
import { desc, eq, sql } from "drizzle-orm";
import { notFound } from "../platform/errors.js";
import type { DbOrTx } from "../db/client.js";
import type { Runtime } from "../runtime.js";
import { faqBacklog, faqTopicDays } from "./backlog.sql.js";
import { normalizeText } from "./normalize.js";
import type { FaqMatch } from "./types.js";

/** An answer below this combined confidence is kept in the backlog (it was sent, but unsure). */
export const LOW_CONFIDENCE = 0.35;

export type BacklogReason = "offtopic" | "choices" | "low_confidence";

/** Why a match belongs in the backlog, or null (confident answer, danger sign, greeting, thanks). */
export function backlogReason(match: FaqMatch): BacklogReason | null {
  if (match.kind === "none") return match.reason === "offtopic" ? "offtopic" : null;
  if (match.kind === "choices") return "choices";
  return !match.danger && match.confidence < LOW_CONFIDENCE ? "low_confidence" : null;
}

/** Digit runs of five or more (phone numbers, NIK, addresses) are masked before storing. */
export function maskQuestion(text: string): string {
  return text
    .replace(/\d[\d\s.-]{3,}\d/g, (m) => (m.replace(/\D/g, "").length >= 5 ? "…" : m))
    .trim()
    .slice(0, 500);
}

/** Records the question when it belongs in the backlog; never fails the reply on bad input. */
export async function recordBacklog(db: DbOrTx, now: Date, text: string, match: FaqMatch): Promise<void> {
  const reason = backlogReason(match);
  if (!reason) return;
  const normalized = normalizeText(maskQuestion(text)).slice(0, 300);
  if (!normalized) return; // emoji, punctuation: nothing a topic could be written for
  const topics =
    match.kind === "choices"
      ? match.topicIds
      : match.kind === "answer"
        ? [match.topicId, ...match.ranked.filter((t) => t !== match.topicId)].slice(0, 3)
        : match.ranked.slice(0, 3);
  const values = {
    normalized,
    question: maskQuestion(text),
    lang: match.lang,
    reason,
    topics,
    confidence: match.confidence,
    firstAt: now,
    lastAt: now,
  };
  await db
    .insert(faqBacklog)
    .values(values)
    .onConflictDoUpdate({
      target: faqBacklog.normalized,
      set: {
        question: values.question,
        lang: values.lang,
        reason,
        topics,
        confidence: values.confidence,
        lastAt: now,
        count: sql`${faqBacklog.count} + 1`,
      },
    });
}

/**
 * Answers counted since the last flush, per runtime, by day, topic and language. Counting in
 * memory keeps a write out of every answered message (the hot path); flushTopicCounts writes them
 * once a minute (faqTopicCountsJob) and at shutdown. A crash loses at most a minute of counts.
 */
const pendingCounts = new WeakMap<Runtime, Map<string, { day: string; topic: string; lang: string; count: number }>>();

function addCount(rt: Runtime, day: string, topic: string, lang: string, n: number): void {
  let counts = pendingCounts.get(rt);
  if (!counts) pendingCounts.set(rt, (counts = new Map<string, { day: string; topic: string; lang: string; count: number }>()));
  const key = `${day}|${topic}|${lang}`;
  const entry = counts.get(key);
  if (entry) entry.count += n;
  else counts.set(key, { day, topic, lang, count: n });
}

/** Counts one answered question for its topic on the day (WITA) it was asked. */
export const countTopicAnswer = (rt: Runtime, day: string, topic: string, lang: string): void => addCount(rt, day, topic, lang, 1);

/** Adds the counted answers to faq_topic_days in one statement; returns the rows written. */
export async function flushTopicCounts(rt: Runtime): Promise<number> {
  const counts = pendingCounts.get(rt);
  if (!counts || counts.size === 0) return 0;
  pendingCounts.set(rt, new Map()); // answers counted while this writes go to the next flush
  const rows = [...counts.values()];
  try {
    await rt.db
      .insert(faqTopicDays)
      .values(rows)
      .onConflictDoUpdate({
        target: [faqTopicDays.day, faqTopicDays.topic, faqTopicDays.lang],
        set: { count: sql`${faqTopicDays.count} + excluded.count` },
      });
  } catch (err) {
    // Kept for the next flush rather than lost (the database may be back by then).
    for (const r of rows) addCount(rt, r.day, r.topic, r.lang, r.count);
    throw err;
  }
  return rows.length;
}

export const faqTopicCountsJob = {
  name: "faq-topic-counts",
  schedule: "* * * * *",
  async run(rt: Runtime) {
    return { written: await flushTopicCounts(rt) };
  },
};

/** The backlog for the Pokja, most asked first (no one's identity is stored). */
export async function listBacklog(db: DbOrTx, q: { reason?: BacklogReason; limit: number; offset: number }) {
  const where = q.reason ? eq(faqBacklog.reason, q.reason) : undefined;
  const items = await db
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
    .limit(q.limit)
    .offset(q.offset);
  const [total] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(faqBacklog)
    .where(where);
  return { items, total: total?.n ?? 0 };
}

/** Removes a backlog entry once handled. */
export async function removeBacklogEntry(db: DbOrTx, id: string): Promise<void> {
  const removed = await db.delete(faqBacklog).where(eq(faqBacklog.id, id)).returning({ id: faqBacklog.id });
  if (removed.length === 0) throw notFound("Backlog entry");
}
