import { sql } from "drizzle-orm";
import { bigserial, boolean, check, index, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { areas } from "../areas/areas.sql.js";
import { contacts } from "../contacts/contacts.sql.js";
import { posyandu, puskesmas } from "../health-units/health-units.sql.js";

export const STAFF_ROLES = ["pokja_admin", "puskesmas", "bidan", "kader"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * A staff member who signs in to the admin API. The role fixes the area: pokja_admin the whole
 * regency, puskesmas the desa its puskesmas serves, bidan one desa, kader one posyandu. Accounts
 * are deactivated, never deleted, so the audit log keeps pointing at them.
 */
export const staffAccounts = pgTable(
  "staff_accounts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Login name, lower case. */
    username: text("username").notNull().unique(),
    name: text("name").notNull(),
    role: text("role", { enum: STAFF_ROLES }).notNull(),
    puskesmasId: uuid("puskesmas_id").references(() => puskesmas.id),
    desaCode: text("desa_code").references(() => areas.code),
    posyanduId: uuid("posyandu_id").references(() => posyandu.id),
    /** argon2id PHC string; null for an account that may only use API tokens. */
    passwordHash: text("password_hash"),
    active: boolean("active").notNull().default(true),
    failedLogins: integer("failed_logins").notNull().default(0),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lastLoginAt: timestamp("last_login_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The area columns must match the role, so a scope can never be ambiguous or empty.
    check(
      "staff_accounts_area_ck",
      sql`(${t.role} = 'pokja_admin' and ${t.puskesmasId} is null and ${t.desaCode} is null and ${t.posyanduId} is null)
       or (${t.role} = 'puskesmas' and ${t.puskesmasId} is not null and ${t.desaCode} is null and ${t.posyanduId} is null)
       or (${t.role} = 'bidan' and ${t.desaCode} is not null and ${t.puskesmasId} is null and ${t.posyanduId} is null)
       or (${t.role} = 'kader' and ${t.posyanduId} is not null and ${t.puskesmasId} is null and ${t.desaCode} is null)`,
    ),
  ],
);

/** A signed-in browser session; the cookie holds the token, the table only its SHA-256. */
export const staffSessions = pgTable(
  "staff_sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => staffAccounts.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("staff_sessions_account_idx").on(t.accountId)],
);

/** A personal API token for integrations; shown once, stored as SHA-256, revocable. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => staffAccounts.id),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    /** First characters of the token, so its owner can tell tokens apart. */
    prefix: text("prefix").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("api_tokens_account_idx").on(t.accountId)],
);

/** One-time codes that link a staff account to its chat identity (typed in chat as KODE 12345678). */
export const chatLinkCodes = pgTable(
  "chat_link_codes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => staffAccounts.id),
    codeHash: text("code_hash").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("chat_link_codes_hash_idx").on(t.codeHash)],
);

/** Failed code redemptions per contact, to stop guessing codes by chat (per chat and overall). */
export const chatLinkAttempts = pgTable(
  "chat_link_attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [index("chat_link_attempts_contact_idx").on(t.contactId, t.at)],
);

/** Which chat identities (contacts) belong to a staff account: referrals and handoffs go there. */
export const staffChatLinks = pgTable(
  "staff_chat_links",
  {
    accountId: uuid("account_id")
      .notNull()
      .references(() => staffAccounts.id),
    contactId: uuid("contact_id")
      .notNull()
      .unique()
      .references(() => contacts.id, { onDelete: "cascade" }),
    linkedAt: timestamp("linked_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.contactId] })],
);
