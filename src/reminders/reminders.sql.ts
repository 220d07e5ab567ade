import { sql } from "drizzle-orm";
import { bigserial, boolean, date, index, integer, jsonb, pgTable, smallint, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { children, pregnancies } from "../children/children.sql.js";
import { contacts } from "../contacts/contacts.sql.js";

/**
 * One reminder programme for one recipient: a pregnancy (ANC, TTD, P4K …), a child (KN,
 * immunisation, vitamin A, posyandu …) or the mother after birth (KF). Fires are made from it
 * lazily, a day at a time: `next_due` is the earliest day with something not yet made into a fire,
 * so a tick only touches the plans due today (1M enrolled ≠ 100M rows planned up front).
 */
export const reminderPlans = pgTable(
  "reminder_plans",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    programme: text("programme", { enum: ["pregnancy", "child", "postnatal"] }).notNull(),
    pregnancyId: uuid("pregnancy_id").references(() => pregnancies.id, { onDelete: "cascade" }),
    childId: uuid("child_id").references(() => children.id, { onDelete: "cascade" }),
    /**
     * HPHT for a pregnancy, the birth date for a child or postnatal plan. (Whether the anaemia
     * texts apply is read from pregnancies.hb_low when planning: one source of truth.)
     */
    anchor: date("anchor", { mode: "string" }).notNull(),
    /**
     * Day of month of the posyandu (the child's for a child plan, the mother's for a pregnancy),
     * copied for the planner and kept in step with the posyandu by syncPosyanduDays.
     */
    posyanduDay: integer("posyandu_day"),
    /** Local hour the person prefers; null → REMINDER_HOUR. */
    sendHour: integer("send_hour"),
    status: text("status", { enum: ["active", "stopped"] })
      .notNull()
      .default("active"),
    /** Fires exist for every reminder due on or before this day; null → none planned yet. */
    plannedThrough: date("planned_through", { mode: "string" }),
    /** Earliest due day after plannedThrough; null when the programme is over. */
    nextDue: date("next_due", { mode: "string" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    stoppedAt: timestamp("stopped_at", { withTimezone: true }),
  },
  (t) => [
    index("reminder_plans_contact_idx").on(t.contactId),
    index("reminder_plans_child_idx").on(t.childId),
    index("reminder_plans_pregnancy_idx").on(t.pregnancyId),
    // The tick's "who needs planning today" walk, by (next_due, id) keyset; stopped and finished
    // plans drop out.
    index("reminder_plans_next_due_idx")
      .on(t.nextDue, t.id)
      .where(sql`status = 'active' and next_due is not null`),
  ],
);

/**
 * One sendable reminder: exactly one row per (plan, rule, occurrence, follow_up), so a reminder
 * can never be planned — and hence sent — twice. follow_up: 0 the reminder itself, 1 the "sudah?"
 * follow-up near the window end, 2 and 3 the reminders again after BELUM/TUNDA.
 */
export const reminderFires = pgTable(
  "reminder_fires",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    planId: uuid("plan_id")
      .notNull()
      .references(() => reminderPlans.id, { onDelete: "cascade" }),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    ruleKey: text("rule_key").notNull(),
    occurrence: text("occurrence").notNull(),
    followUp: smallint("follow_up").notNull().default(0),
    kind: text("kind").notNull(),
    confirmable: boolean("confirmable").notNull().default(false),
    messageKey: text("message_key").notNull(),
    vars: jsonb("vars").$type<Record<string, string | number>>().notNull().default({}),
    dueDate: date("due_date", { mode: "string" }).notNull(),
    untilDate: date("until_date", { mode: "string" }).notNull(),
    sendAt: timestamp("send_at", { withTimezone: true }).notNull(),
    /** pending → sent (→ done on SUDAH); or skipped (opted out, window over, already done), cancelled. */
    status: text("status", { enum: ["pending", "sent", "done", "skipped", "cancelled"] })
      .notNull()
      .default("pending"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    doneAt: timestamp("done_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("reminder_fires_once_uq").on(t.planId, t.ruleKey, t.occurrence, t.followUp),
    // The tick's walk over what is due, by (send_at, id) keyset; sent, done and skipped rows cost
    // nothing here.
    index("reminder_fires_due_idx")
      .on(t.sendAt, t.id)
      .where(sql`status = 'pending'`),
    // A person's pending fires (the claim) and sent ones (replies to the latest reminder).
    index("reminder_fires_contact_status_idx").on(t.contactId, t.status),
  ],
);
