// Writing and reading the audit log. Callers record inside the same transaction as the change,
// so a change and its audit entry commit or roll back together.
import { and, count, desc, eq, sql, type SQL } from "drizzle-orm";
import { queryRows, type Db, type DbOrTx } from "../db/client.js";
import { auditLog } from "./audit.sql.js";

/** Who acted: a signed-in staff account, or the service itself on someone's behalf. */
export type AuditActor =
  { kind: "account"; accountId: string } | { kind: "chat"; accountId: string } | { kind: "cli" | "bootstrap" | "system"; accountId?: null };

export interface AuditEntry {
  actor: AuditActor;
  /** entity.verb, e.g. account.create, posyandu.update, kader.approve */
  action: string;
  entity: string;
  entityId: string;
  before?: object | null;
  after?: object | null;
  reason?: string | null;
  /** Defaults to the moment of writing. */
  at?: Date;
}

// Secrets never reach the log, even hashed (a hash still lets someone test guesses offline).
const SECRET_KEY = /hash$|secret$|^password$|^token$/i;

/** A row as JSON for the log: dates as ISO strings, secret-looking fields dropped. */
export function auditSnapshot(row: object | null | undefined): Record<string, unknown> | null {
  if (!row) return null;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (SECRET_KEY.test(key)) continue;
    out[key] = value instanceof Date ? value.toISOString() : value;
  }
  return out;
}

export async function recordAudit(tx: DbOrTx, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    at: entry.at ?? new Date(),
    actorAccountId: entry.actor.accountId ?? null,
    actorKind: entry.actor.kind,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId,
    before: auditSnapshot(entry.before),
    after: auditSnapshot(entry.after),
    reason: entry.reason ?? null,
  });
}

export interface AuditQuery {
  entity?: string;
  entityId?: string;
  action?: string;
  actorAccountId?: string;
  limit: number;
  offset: number;
}

export type AuditRow = typeof auditLog.$inferSelect;

/** Newest first. */
export async function listAudit(db: DbOrTx, q: AuditQuery): Promise<{ items: AuditRow[]; total: number }> {
  const conditions: SQL[] = [];
  if (q.entity) conditions.push(eq(auditLog.entity, q.entity));
  if (q.entityId) conditions.push(eq(auditLog.entityId, q.entityId));
  if (q.action) conditions.push(eq(auditLog.action, q.action));
  if (q.actorAccountId) conditions.push(eq(auditLog.actorAccountId, q.actorAccountId));
  const where = conditions.length ? and(...conditions) : undefined;
  const items = await db.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).limit(q.limit).offset(q.offset);
  const [total] = await db.select({ n: count() }).from(auditLog).where(where);
  return { items, total: Number(total?.n ?? 0) };
}

// The log is append-only in the database itself: a trigger refuses UPDATE, DELETE and TRUNCATE,
// whoever asks. drizzle-kit does not model triggers and the unreleased migrations are regenerated
// from the *.sql.ts files, so this DDL is applied here, idempotently, rather than in a migration.
const APPEND_ONLY_DDL = [
  // One exception: erasing a person (HAPUS DATA, UU PDP No. 27/2022 Art. 8) blanks personal values
  // inside an entry's before/after/reason, in a transaction that declared it (privacy/erase.ts);
  // who, when, the action and the entity stay as they were.
  sql`create or replace function audit_log_append_only() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and current_setting('balanting.audit_erasure', true) = 'on'
     and new.id = old.id and new.at = old.at and new.actor_kind = old.actor_kind
     and new.actor_account_id is not distinct from old.actor_account_id
     and new.action = old.action and new.entity = old.entity and new.entity_id = old.entity_id then
    return new;
  end if;
  raise exception 'audit_log is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
end
$$`,
  sql`create trigger audit_log_no_update_delete before update or delete on audit_log for each row execute function audit_log_append_only()`,
  sql`create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function audit_log_append_only()`,
];
// Any constant unique to this lock ("audit" in ASCII).
const AUDIT_DDL_LOCK_KEY = 0x6175646974;

/** Installs the append-only triggers on audit_log unless present; safe from several processes at once. */
export async function ensureAuditAppendOnly(db: Db): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_DDL_LOCK_KEY})`);
    return installAuditAppendOnly(tx);
  });
}

/**
 * The same inside a transaction that already excludes other installers: migrate() runs it once,
 * with the migrations (drizzle-kit does not write triggers). True when it installed something.
 */
export async function installAuditAppendOnly(tx: DbOrTx): Promise<boolean> {
  const present = await queryRows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from pg_trigger where tgrelid = 'audit_log'::regclass and tgname in ('audit_log_no_update_delete', 'audit_log_no_truncate')`,
  );
  // An installation from before the erasure exception gets the new function (same triggers).
  const current = await queryRows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from pg_proc where proname = 'audit_log_append_only' and prosrc like '%balanting.audit_erasure%'`,
  );
  if (Number(present[0]?.n ?? 0) === 2 && Number(current[0]?.n ?? 0) === 1) return false;
  await tx.execute(sql`drop trigger if exists audit_log_no_update_delete on audit_log`);
  await tx.execute(sql`drop trigger if exists audit_log_no_truncate on audit_log`);
  for (const statement of APPEND_ONLY_DDL) await tx.execute(statement);
  return true;
}
