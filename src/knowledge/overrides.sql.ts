import { boolean, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { staffAccounts } from "../admin/accounts.sql.js";

export interface TopicTexts {
  title: string;
  answer: string;
  more?: string;
}

/**
 * FAQ topics added or changed by the Pokja at run time (admin API), over the reviewed content in
 * src/knowledge/content and locales/*\/faq. A row with a file topic's id replaces that topic.
 */
export const faqOverrides = pgTable("faq_overrides", {
  topicId: text("topic_id").primaryKey(),
  section: text("section").notNull(),
  danger: boolean("danger").notNull().default(false),
  source: text("source").notNull(),
  keywords: jsonb("keywords").$type<{ id: string[]; bjn: string[] }>().notNull(),
  examples: jsonb("examples").$type<{ id: string[]; bjn: string[] }>().notNull(),
  texts: jsonb("texts").$type<{ id: TopicTexts; bjn: TopicTexts }>().notNull(),
  /** A disabled topic is never answered (e.g. advice withdrawn until it is corrected). */
  disabled: boolean("disabled").notNull().default(false),
  updatedBy: uuid("updated_by").references(() => staffAccounts.id),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
});
