import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { contacts } from "../contacts/contacts.sql.js";
import type { MessageKind, OutboundMessage } from "./channel.js";
import type { SafetyCause, SafetyDetail } from "./whatsapp/safety.js";

/**
 * Ledger of inbound messages, one row per (channel, provider id): a redelivered or twice-received
 * message stops at the unique key. No message text is kept here (least data).
 */
export const inboundMessages = pgTable(
  "inbound_messages",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    channel: text("channel").notNull(),
    externalId: text("external_id").notNull(),
    contactId: uuid("contact_id").references(() => contacts.id, { onDelete: "set null" }),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    unique("inbound_messages_external_uq").on(t.channel, t.externalId),
    index("inbound_messages_contact_idx").on(t.contactId, t.receivedAt),
  ],
);

/** Every message the service sends, with its delivery state; retried with backoff when transient. */
export const outbox = pgTable(
  "outbox",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    contactId: uuid("contact_id").references(() => contacts.id, { onDelete: "cascade" }),
    channel: text("channel").notNull(),
    address: text("address").notNull(),
    /** reply | reminder | broadcast | referral | handoff | alert: drives templates and pacing. */
    kind: text("kind").$type<MessageKind>().notNull().default("reply"),
    /** Priority lane of the kind (pacing.ts laneOf): 0 reply, 1 notice, 2 reminder, 3 bulk. */
    lane: smallint("lane").notNull().default(0),
    message: jsonb("message").$type<OutboundMessage>().notNull(),
    status: text("status", { enum: ["queued", "sending", "sent", "failed"] })
      .notNull()
      .default("queued"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lastError: text("last_error"),
    /** The sender instance holding the row while "sending"; reclaimed when its lease lapses. */
    claimedBy: text("claimed_by"),
    /**
     * Set by a send guard just before the row's send slot (campaigns): the send may have reached the
     * provider. A row put back in the queue after its sender died with this set counts an unknown
     * outcome; every orderly hand-back clears it.
     */
    attemptedAt: timestamp("attempted_at", { withTimezone: true }),
    /** Times the row was queued again after its sender died mid-send (attemptedAt set): possibly sent twice. */
    unknownOutcomes: smallint("unknown_outcomes").notNull().default(0),
    externalId: text("external_id"),
    /**
     * What sending needs to know about the recipient, stored with the row by senders that know it
     * (a conversation reply): the language for templates and the last inbound message for
     * WhatsApp Cloud's 24-hour window. Null: looked up at send time.
     */
    lang: text("lang", { enum: ["id", "bjn"] }),
    lastInboundAt: timestamp("last_inbound_at", { withTimezone: true }),
    /** Set by senders that must never send twice (reminders, broadcasts). */
    dedupeKey: text("dedupe_key").unique(),
    /** The last words to a person who erased their data (HAPUS DATA): the row is deleted once sent or failed. */
    forgetAfterSend: boolean("forget_after_send").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [
    index("outbox_due_idx").on(t.status, t.nextAttemptAt),
    // The queue in claim order: by lane, then oldest first.
    index("outbox_queue_idx")
      .on(t.channel, t.lane, t.id)
      .where(sql`${t.status} = 'queued'`),
    // Provider statuses (WhatsApp delivered/read/failed) find their row by the provider's id.
    index("outbox_external_idx")
      .on(t.channel, t.externalId)
      .where(sql`${t.externalId} is not null`),
  ],
);

/**
 * Leases of the outbound engine (outbound.ts), on the database's clock: "instance:<id>" while a
 * sender instance lives (its claimed rows are reclaimed once it lapses), "channel:<name>" for the
 * one instance that sends on a channel, so pacing is kept in one place.
 */
export const outboxLeases = pgTable("outbox_leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
});

/** Baileys auth state (creds and every signal key type), so a linked WhatsApp survives restarts. */
export const whatsappAuth = pgTable("whatsapp_auth", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * WhatsApp's restrictions on the service's number in force (whatsapp/safety.ts): one row per linked
 * number and cause, until it lifts, so a restart keeps the pause. `account` is the number's digits.
 */
export const whatsappSafety = pgTable(
  "whatsapp_safety",
  {
    account: text("account").notNull(),
    cause: text("cause").$type<SafetyCause>().notNull(),
    detail: jsonb("detail").$type<SafetyDetail>().notNull().default({}),
    since: timestamp("since", { withTimezone: true }).notNull(),
    liftsAt: timestamp("lifts_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.account, t.cause] })],
);
