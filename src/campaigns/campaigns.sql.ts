import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, smallint, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { staffAccounts } from "../admin/accounts.sql.js";
import { contacts } from "../contacts/contacts.sql.js";
import type { CampaignButton, CampaignRepeat } from "./compose.js";
import type { AreaPrincipal, Segment } from "./segment.js";

export const CAMPAIGN_STATUSES = ["draft", "awaiting_approval", "approved", "scheduled", "running", "paused", "done", "cancelled"] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/**
 * A Pokja broadcast: the message in Indonesian and Banjar, who gets it (a segment, limited to the
 * creator's area), when (now, at a time, or repeating) and its approval. Each send is a run.
 */
export const campaigns = pgTable(
  "campaigns",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    status: text("status", { enum: CAMPAIGN_STATUSES }).notNull().default("draft"),
    textId: text("text_id").notNull(),
    /** Null with sameForBoth: the Indonesian text goes to Banjar speakers too. */
    textBjn: text("text_bjn"),
    sameForBoth: boolean("same_for_both").notNull().default(false),
    buttons: jsonb("buttons").$type<CampaignButton[]>().notNull().default([]),
    segment: jsonb("segment").$type<Segment>().notNull().default({}),
    /** The creator's area when the campaign was made: the audience never leaves it. */
    area: jsonb("area").$type<AreaPrincipal>().notNull(),
    /** The whole regency may be reached (a pokja_admin without an area filter): approval by default. */
    regencyWide: boolean("regency_wide").notNull().default(false),
    needsApproval: boolean("needs_approval").notNull().default(false),
    /** First send; null: when someone presses send. */
    sendAt: timestamp("send_at", { withTimezone: true }),
    repeat: jsonb("repeat").$type<CampaignRepeat | null>(),
    createdBy: uuid("created_by").references(() => staffAccounts.id, { onDelete: "set null" }),
    approvedBy: uuid("approved_by").references(() => staffAccounts.id, { onDelete: "set null" }),
    approvedAt: timestamp("approved_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("campaigns_status_idx").on(t.status)],
);

export const RUN_STATUSES = ["running", "paused", "done", "cancelled"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * One send of a campaign (a one-off campaign has one; a repeating one a run per day it is due),
 * with the texts actually sent. Unique per occurrence, so two instances never start the same day twice.
 */
export const campaignRuns = pgTable(
  "campaign_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    /** The occurrence (a one-off campaign's send time; a repeating one's local date at its hour). */
    occurrence: text("occurrence").notNull(),
    status: text("status", { enum: RUN_STATUSES }).notNull().default("running"),
    /** The texts and buttons as sent (the campaign may be edited later). */
    sent: jsonb("sent").$type<{ textId: string; textBjn: string; buttons: CampaignButton[] }>().notNull(),
    recipients: integer("recipients").notNull().default(0),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [unique("campaign_runs_occurrence_uq").on(t.campaignId, t.occurrence), index("campaign_runs_status_idx").on(t.status)],
);

export const RECIPIENT_STATUSES = ["pending", "queued", "sent", "failed", "skipped", "cancelled"] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

/**
 * The frozen recipient list of a run: one row per person (unique), made in one statement when the
 * send starts. Rows move pending → queued (an outbox row in the bulk lane) → sent / failed;
 * skipped (opted out at send time, no WhatsApp template outside the window) and cancelled never go.
 */
export const campaignRecipients = pgTable(
  "campaign_recipients",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    // No foreign key to campaign_runs: the list is only ever written by the statement that freezes
    // it, in the transaction that made its run, and runs are never deleted; the key's check, once
    // per recipient, was a third of the freeze's time on PGlite (BENCHMARKS.md, Campaigns).
    runId: uuid("run_id").notNull(),
    campaignId: uuid("campaign_id").notNull(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    channel: text("channel").notNull(),
    address: text("address").notNull(),
    lang: text("lang", { enum: ["id", "bjn"] }).notNull(),
    desaCode: text("desa_code"),
    status: text("status", { enum: RECIPIENT_STATUSES }).notNull().default("pending"),
    /** Why failed or skipped: opted_out, no_template, the provider's error. */
    reason: text("reason"),
    outboxId: bigint("outbox_id", { mode: "number" }),
    externalId: text("external_id"),
    queuedAt: timestamp("queued_at", { withTimezone: true }),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    readAt: timestamp("read_at", { withTimezone: true }),
    /** A reply button pressed (its index), and when the person first wrote back. */
    replyChoice: integer("reply_choice"),
    repliedAt: timestamp("replied_at", { withTimezone: true }),
    /** The person answered BERHENTI to this message. */
    stoppedAt: timestamp("stopped_at", { withTimezone: true }),
    /**
     * Sent again after a sender died with the outcome of its send unknown (Telegram and the other
     * channels without an idempotency key): the person may have received it twice.
     */
    unknownOutcomes: smallint("unknown_outcomes").notNull().default(0),
  },
  (t) => [
    unique("campaign_recipients_run_contact_uq").on(t.runId, t.contactId),
    index("campaign_recipients_pending_idx")
      .on(t.runId, t.id)
      .where(sql`${t.status} = 'pending'`),
    // Few indexes: each one costs at freezing. Outbox rows find their recipient by the dedupe key
    // ("campaign:<id>"); reports go by run.
    index("campaign_recipients_queued_idx")
      .on(t.outboxId)
      .where(sql`${t.status} = 'queued'`),
    index("campaign_recipients_contact_idx").on(t.contactId),
  ],
);
