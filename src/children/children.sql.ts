import { bigserial, boolean, date, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { areas } from "../areas/areas.sql.js";
import { contacts } from "../contacts/contacts.sql.js";
import { posyandu } from "../health-units/health-units.sql.js";

/**
 * A child under five followed by a posyandu. Registered by a kader (ANAK BARU) or by a parent
 * giving a birth date; several per parent, twins included.
 */
export const children = pgTable(
  "children",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /**
     * Short code a kader types in reports (e.g. K7M2QX; older children A7K2): no 0/O or 1/I to
     * avoid misreading. Knowing it never links a parent by itself (children/linking.ts).
     */
    code: text("code").notNull().unique(),
    name: text("name").notNull(),
    sex: text("sex", { enum: ["L", "P"] }).notNull(),
    birthDate: date("birth_date", { mode: "string" }).notNull(),
    motherName: text("mother_name"),
    /** NIK sealed with the NIK key (children/nik.ts); for e-PPGBM, never echoed back in chat. */
    nik: text("nik"),
    /** Keyed hash of the NIK, for search and matching without opening it. */
    nikHash: text("nik_hash"),
    parentContactId: uuid("parent_contact_id").references(() => contacts.id, { onDelete: "set null" }),
    /** Parent's phone as given by the kader (digits, 62…), to link the parent's chat when they register later. */
    parentPhone: text("parent_phone"),
    desaCode: text("desa_code").references(() => areas.code),
    posyanduId: uuid("posyandu_id").references(() => posyandu.id, { onDelete: "set null" }),
    registeredByContactId: uuid("registered_by_contact_id").references(() => contacts.id, { onDelete: "set null" }),
    /** Reminders for this child stop (e.g. the child died); kept for the record. */
    remindersStoppedAt: timestamp("reminders_stopped_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("children_parent_idx").on(t.parentContactId),
    index("children_posyandu_idx").on(t.posyanduId),
    index("children_desa_idx").on(t.desaCode),
    index("children_nik_hash_idx").on(t.nikHash),
  ],
);

/** A pregnancy of a registered mother, anchored on HPHT (HPL = HPHT + 280 days). */
export const pregnancies = pgTable(
  "pregnancies",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    hpht: date("hpht", { mode: "string" }).notNull(),
    status: text("status", { enum: ["active", "delivered", "lost"] })
      .notNull()
      .default("active"),
    /** Latest Hb below 11 g/dL (anaemia in pregnancy): anaemia messages are added. */
    hbLow: boolean("hb_low").notNull().default(false),
    endedOn: date("ended_on", { mode: "string" }),
    /** The baby, once SUDAH LAHIR is reported. */
    childId: uuid("child_id").references(() => children.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("pregnancies_contact_idx").on(t.contactId)],
);

/**
 * A person asking to be linked to a kader-registered child by its code, without a verified phone
 * matching the one the kader recorded: the kader or bidan of the child's posyandu decides.
 */
export const childLinkRequests = pgTable(
  "child_link_requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Short number staff type in chat: SETUJU ANAK 12 / TOLAK ANAK 12. */
    number: bigserial("number", { mode: "number" }).notNull().unique(),
    childId: uuid("child_id")
      .notNull()
      .references(() => children.id, { onDelete: "cascade" }),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["pending", "approved", "rejected"] })
      .notNull()
      .default("pending"),
    /** The kader's chat contact or staff account that decided. */
    decidedByContactId: uuid("decided_by_contact_id").references(() => contacts.id, { onDelete: "set null" }),
    decidedByAccountId: uuid("decided_by_account_id"),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("child_link_requests_child_idx").on(t.childId, t.status), index("child_link_requests_contact_idx").on(t.contactId)],
);

/** Every child code a person typed that did not link at once: counted to stop code guessing. */
export const childCodeAttempts = pgTable(
  "child_code_attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [index("child_code_attempts_contact_idx").on(t.contactId, t.at)],
);
