import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { staffAccounts } from "../admin/accounts.sql.js";

/**
 * Who changed what, when, with the row before and after. Append-only: the migration adds a
 * trigger that refuses UPDATE, DELETE and TRUNCATE, so not even the service can rewrite history.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    /** The staff account that acted; null for the system, the CLI or bootstrap. */
    actorAccountId: uuid("actor_account_id").references(() => staffAccounts.id),
    /** "account", "cli", "bootstrap", "chat" or "system". */
    actorKind: text("actor_kind").notNull(),
    /** e.g. account.create, posyandu.update, kader.approve */
    action: text("action").notNull(),
    entity: text("entity").notNull(),
    entityId: text("entity_id").notNull(),
    before: jsonb("before").$type<Record<string, unknown> | null>(),
    after: jsonb("after").$type<Record<string, unknown> | null>(),
    reason: text("reason"),
  },
  (t) => [index("audit_log_entity_idx").on(t.entity, t.entityId), index("audit_log_at_idx").on(t.at)],
);
