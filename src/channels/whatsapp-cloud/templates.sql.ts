import { boolean, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";

/**
 * The approved WhatsApp Cloud message templates used outside the 24-hour window, per message kind
 * and language, as the Pokja keeps them in the console (on top of WHATSAPP_CLOUD_TEMPLATES). A row
 * overrides the configured name of its kind and language; a disabled row means none is used.
 */
export const whatsappTemplates = pgTable(
  "whatsapp_templates",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** A MESSAGE_KINDS value (reminder, campaign, …). */
    kind: text("kind").notNull(),
    lang: text("lang", { enum: ["id", "bjn"] }).notNull(),
    /** The template's name as approved in Meta's WhatsApp Manager (a-z, 0-9, _). */
    name: text("name").notNull(),
    disabled: boolean("disabled").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("whatsapp_templates_kind_lang_uq").on(t.kind, t.lang)],
);

export type WhatsAppTemplateRow = typeof whatsappTemplates.$inferSelect;
