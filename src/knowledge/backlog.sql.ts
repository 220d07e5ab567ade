import { date, index, integer, jsonb, pgTable, primaryKey, real, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Questions the FAQ could not answer with confidence, for the Pokja's content backlog. Stored
 * without who asked (no contact, no channel): the text with long digit runs (phone numbers, NIK)
 * masked, one row per normalised question, counted.
 */
export const faqBacklog = pgTable(
  "faq_backlog",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Normalised question (FAQ stems), the key that merges repeats. */
    normalized: text("normalized").notNull().unique(),
    /** Latest wording seen, digits masked, at most 500 characters. */
    question: text("question").notNull(),
    lang: text("lang"),
    /** offtopic (declined), choices (menu offered), low_confidence (answered, unsure). */
    reason: text("reason").notNull(),
    /** The best-ranked topics at the time, best first. */
    topics: jsonb("topics").$type<string[]>().notNull(),
    confidence: real("confidence").notNull(),
    count: integer("count").notNull().default(1),
    firstAt: timestamp("first_at", { withTimezone: true }).notNull(),
    lastAt: timestamp("last_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("faq_backlog_last_at").on(t.lastAt)],
);

/**
 * How many questions each topic answered, per day and language: counts only, nobody's question,
 * for the Pokja's reach figures (what families ask about).
 */
export const faqTopicDays = pgTable(
  "faq_topic_days",
  {
    day: date("day", { mode: "string" }).notNull(),
    topic: text("topic").notNull(),
    lang: text("lang").notNull(),
    count: integer("count").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.topic, t.lang] })],
);
