import { bigserial, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { staffAccounts } from "../admin/accounts.sql.js";
import { areas } from "../areas/areas.sql.js";
import { contacts } from "../contacts/contacts.sql.js";

/**
 * A question the bot could not answer, passed on ("Tanya bidan") to the bidan and puskesmas of
 * the person's desa. Kept after answering, for improving the FAQ; erased with the person.
 */
export const handoffQuestions = pgTable(
  "handoff_questions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Short number staff type in chat: JAWAB 12 … */
    number: bigserial("number", { mode: "number" }).notNull().unique(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    /** Where the answer goes: the channel the question came from. */
    channel: text("channel").notNull(),
    address: text("address").notNull(),
    lang: text("lang", { enum: ["id", "bjn"] }).notNull(),
    desaCode: text("desa_code").references(() => areas.code),
    question: text("question").notNull(),
    status: text("status", { enum: ["open", "claimed", "answered"] })
      .notNull()
      .default("open"),
    claimedBy: uuid("claimed_by").references(() => staffAccounts.id),
    claimedAt: timestamp("claimed_at", { withTimezone: true }),
    answer: text("answer"),
    answeredBy: uuid("answered_by").references(() => staffAccounts.id),
    answeredAt: timestamp("answered_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("handoff_questions_status_idx").on(t.status, t.createdAt), index("handoff_questions_desa_idx").on(t.desaCode)],
);
