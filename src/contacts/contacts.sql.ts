import { index, jsonb, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { areas } from "../areas/areas.sql.js";
import { posyandu } from "../health-units/health-units.sql.js";

/**
 * A person who chats with the bot. Anyone who writes gets a row (so answers, state and consent
 * have an owner); personal details are filled only after consent at registration.
 */
export const contacts = pgTable(
  "contacts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Chosen language; null until chosen (replies then follow the language of each message). */
    lang: text("lang", { enum: ["id", "bjn"] }),
    role: text("role", { enum: ["parent", "pregnant", "kader"] }),
    /** Kader only: the name they gave at registration, so staff know whom they approve. */
    name: text("name"),
    /** Kader only: pending until a Pokja admin or puskesmas user approves. */
    kaderStatus: text("kader_status", { enum: ["pending", "active", "inactive"] }),
    desaCode: text("desa_code").references(() => areas.code),
    posyanduId: uuid("posyandu_id").references(() => posyandu.id, { onDelete: "set null" }),
    /** Version of the privacy notice the person agreed to, and when (UU PDP No. 27/2022). */
    consentVersion: text("consent_version"),
    consentAt: timestamp("consent_at", { withTimezone: true }),
    registeredAt: timestamp("registered_at", { withTimezone: true }),
    /** BERHENTI: no non-essential messages until MULAI. */
    optedOutAt: timestamp("opted_out_at", { withTimezone: true }),
    optOutReason: text("opt_out_reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastInboundAt: timestamp("last_inbound_at", { withTimezone: true }),
  },
  (t) => [
    // Area look-ups (staff lists scoped to a desa or posyandu, a kader's TERLAMBAT list) must not
    // read every contact of the regency.
    index("contacts_desa_idx").on(t.desaCode),
    index("contacts_posyandu_idx").on(t.posyanduId),
  ],
);

/** One way to reach a contact: a Telegram chat, a WhatsApp account, a web chat id. */
export const contactChannels = pgTable(
  "contact_channels",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    channel: text("channel", { enum: ["telegram", "whatsapp", "whatsapp-cloud", "web"] }).notNull(),
    /** Where replies go: Telegram chat id, WhatsApp JID (LID in Baileys 7), Cloud wa_id, web id. */
    address: text("address").notNull(),
    /** Phone number (digits with country code) when the provider gives one. */
    phone: text("phone"),
    /** WhatsApp Cloud's 24-hour customer-service window runs from the last inbound message. */
    lastInboundAt: timestamp("last_inbound_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("contact_channels_address_uq").on(t.channel, t.address), index("contact_channels_contact_idx").on(t.contactId)],
);

/** The dialogue a contact is in (flow, step, answers so far); survives restarts, expires. */
export const conversationStates = pgTable("conversation_states", {
  contactId: uuid("contact_id")
    .primaryKey()
    .references(() => contacts.id, { onDelete: "cascade" }),
  flow: text("flow").notNull(),
  step: text("step").notNull(),
  data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
});
