import { sql } from "drizzle-orm";
import { bigserial, boolean, date, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { staffAccounts } from "../admin/accounts.sql.js";
import { children, pregnancies } from "../children/children.sql.js";
import { contacts } from "../contacts/contacts.sql.js";
import { puskesmas } from "../health-units/health-units.sql.js";

/**
 * One anthropometric measurement of a child (a kader's UKUR line, or the API). Kept with who sent
 * it and when; BATAL sets cancelledAt instead of deleting, so the record of what was sent stays.
 */
export const measurements = pgTable(
  "measurements",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    childId: uuid("child_id")
      .notNull()
      .references(() => children.id, { onDelete: "cascade" }),
    /** Local (WITA) calendar date of the measurement. */
    measuredOn: date("measured_on", { mode: "string" }).notNull(),
    ageDays: integer("age_days"),
    weightKg: doublePrecision("weight_kg"),
    /** Length or height as typed, before the ±0.7 cm correction. */
    lengthCm: doublePrecision("length_cm"),
    position: text("position", { enum: ["lying", "standing"] }),
    /** After the ±0.7 cm convention (WHO Anthro clenhei). */
    lengthCorrectedCm: doublePrecision("length_corrected_cm"),
    headCm: doublePrecision("head_cm"),
    muacCm: doublePrecision("muac_cm"),
    oedema: boolean("oedema").notNull().default(false),
    zlen: doublePrecision("zlen"),
    zwei: doublePrecision("zwei"),
    zwfl: doublePrecision("zwfl"),
    zbmi: doublePrecision("zbmi"),
    zhc: doublePrecision("zhc"),
    /** WHO implausible-value flags (0/1), as WHO Anthro. */
    flags: jsonb("flags").$type<Record<string, 0 | 1 | null>>().notNull().default({}),
    statusTbu: text("status_tbu"),
    statusBbu: text("status_bbu"),
    statusBbtb: text("status_bbtb"),
    statusImtu: text("status_imtu"),
    /** N / T / O / B at the time of the report (Buku KIA KBM method). */
    growthCode: text("growth_code", { enum: ["N", "T", "O", "B"] }),
    twoT: boolean("two_t").notNull().default(false),
    bgm: boolean("bgm").notNull().default(false),
    gainG: integer("gain_g"),
    kbmG: integer("kbm_g"),
    /** Plausibility warnings shown to the kader (codes). */
    warnings: jsonb("warnings").$type<string[]>().notNull().default([]),
    /** The kader saw the warnings and chose "Benar, simpan". */
    confirmedImplausible: boolean("confirmed_implausible").notNull().default(false),
    source: text("source", { enum: ["chat", "api"] })
      .notNull()
      .default("chat"),
    sentByContactId: uuid("sent_by_contact_id").references(() => contacts.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    /** A later correction (API) points at the row it replaces, with the reason. */
    correctedFromId: uuid("corrected_from_id"),
    correctionReason: text("correction_reason"),
  },
  (t) => [
    index("measurements_child_idx").on(t.childId, t.measuredOn),
    index("measurements_sender_idx").on(t.sentByContactId, t.createdAt),
    // The Pokja's figures read a month's valid measurements (src/reports/counts.ts); the e-PPGBM
    // export pages through them in (measured_on, id) order (src/reports/export.ts).
    index("measurements_valid_by_date_idx")
      .on(t.measuredOn, t.id)
      .where(sql`${t.cancelledAt} is null`),
  ],
);

/** Why a referral was made: child statuses and codes, or maternal KEK/anaemia. */
export const REFERRAL_REASONS = [
  "severely-stunted",
  "stunted",
  "severely-wasted",
  "wasted",
  "oedema",
  "muac-severe",
  "muac-moderate",
  "T",
  "2T",
  "BGM",
  "obese",
  "overweight",
  "kek",
  "anaemia",
] as const;
export type ReferralReason = (typeof REFERRAL_REASONS)[number];

/** Urgent: seen the same day (severe acute malnutrition); routine: within the week. */
export const REFERRAL_PRIORITIES = ["urgent", "routine"] as const;
export type ReferralPriority = (typeof REFERRAL_PRIORITIES)[number];

export const REFERRAL_OUTCOMES = ["datang", "ditangani", "sembuh-membaik"] as const;
export type ReferralOutcome = (typeof REFERRAL_OUTCOMES)[number];

/** A child or pregnant woman sent to the puskesmas serving their desa. */
export const referrals = pgTable(
  "referrals",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Short number staff type or read. */
    number: bigserial("number", { mode: "number" }).notNull().unique(),
    childId: uuid("child_id").references(() => children.id, { onDelete: "cascade" }),
    pregnancyId: uuid("pregnancy_id").references(() => pregnancies.id, { onDelete: "cascade" }),
    measurementId: uuid("measurement_id").references(() => measurements.id, { onDelete: "set null" }),
    /** Null when the desa has no puskesmas on record yet (the Pokja sees it). */
    puskesmasId: uuid("puskesmas_id").references(() => puskesmas.id),
    desaCode: text("desa_code"),
    posyanduId: uuid("posyandu_id"),
    reasons: jsonb("reasons").$type<ReferralReason[]>().notNull(),
    /** Raised (never lowered) when a more severe reason is added to the open referral. */
    priority: text("priority", { enum: REFERRAL_PRIORITIES }).notNull().default("routine"),
    /** When reasons were last added to the open referral (the puskesmas was told again). */
    updatedAt: timestamp("updated_at", { withTimezone: true }),
    status: text("status", { enum: ["open", "acknowledged", "closed"] })
      .notNull()
      .default("open"),
    outcome: text("outcome", { enum: REFERRAL_OUTCOMES }),
    createdByContactId: uuid("created_by_contact_id").references(() => contacts.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }),
    acknowledgedBy: uuid("acknowledged_by"),
    outcomeAt: timestamp("outcome_at", { withTimezone: true }),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    remindedAt: timestamp("reminded_at", { withTimezone: true }),
  },
  (t) => [
    index("referrals_status_idx").on(t.status, t.createdAt),
    index("referrals_child_idx").on(t.childId),
    index("referrals_puskesmas_idx").on(t.puskesmasId),
  ],
);

/** LiLA and Hb of a pregnant woman, recorded by a kader or bidan. */
export const maternalMeasurements = pgTable(
  "maternal_measurements",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    pregnancyId: uuid("pregnancy_id")
      .notNull()
      .references(() => pregnancies.id, { onDelete: "cascade" }),
    measuredOn: date("measured_on", { mode: "string" }).notNull(),
    muacCm: doublePrecision("muac_cm"),
    hbGdl: doublePrecision("hb_gdl"),
    kek: boolean("kek").notNull().default(false),
    anaemia: boolean("anaemia").notNull().default(false),
    sentByContactId: uuid("sent_by_contact_id").references(() => contacts.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("maternal_measurements_pregnancy_idx").on(t.pregnancyId)],
);

/**
 * Growth settings the Pokja changes at run time through the admin API (audited). No row: the
 * configured default (GROWTH_REFERRAL_RULES). Key "referral_rules": ReferralRule[].
 */
export const growthSettings = pgTable("growth_settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").$type<unknown>().notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid("updated_by").references(() => staffAccounts.id, { onDelete: "set null" }),
});
