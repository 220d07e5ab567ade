// Staff accounts: who may see and create whom, creating and changing them (audited), and the
// account as the API shows it.
import { and, asc, count, eq, or, sql, type SQL } from "drizzle-orm";
import { areas } from "../areas/areas.sql.js";
import type { Db, DbOrTx } from "../db/client.js";
import { posyandu, puskesmas } from "../health-units/health-units.sql.js";
import { staffAccounts, type StaffRole } from "./accounts.sql.js";
import { recordAudit, type AuditActor } from "../platform/audit.js";
import { hashPassword, isLocked, revokeAllCredentials, type StaffAccount } from "./auth.js";
import { badField, conflict, forbidden, notFound, pgErrorCode, UNIQUE_VIOLATION } from "../platform/errors.js";
import { desaInScope, posyanduInScope, whereInScope, type ScopePrincipal } from "../platform/scope.js";

export function principalOf(account: Pick<StaffAccount, "role" | "puskesmasId" | "desaCode" | "posyanduId">): ScopePrincipal {
  return { role: account.role, puskesmasId: account.puskesmasId, desaCode: account.desaCode, posyanduId: account.posyanduId };
}

/**
 * Which roles an account may create and manage. The Pokja (Kabupaten working group) manages
 * everyone; a puskesmas supervises the bidan desa and posyandu kader of the desa it serves, so it
 * may manage bidan and kader accounts there; bidan and kader manage no accounts.
 */
export const MANAGES: Record<StaffRole, readonly StaffRole[]> = {
  pokja_admin: ["pokja_admin", "puskesmas", "bidan", "kader"],
  puskesmas: ["bidan", "kader"],
  bidan: [],
  kader: [],
};

export function mayManageRole(actor: StaffRole, target: StaffRole): boolean {
  return MANAGES[actor].includes(target);
}

export interface AccountArea {
  role: StaffRole;
  puskesmasId?: string | null;
  desaCode?: string | null;
  posyanduId?: string | null;
}

/** Checks that the area fits the role and exists, and that the actor may manage it there. */
export async function assertMayManage(db: DbOrTx, actor: StaffAccount, target: AccountArea): Promise<void> {
  if (!mayManageRole(actor.role, target.role)) throw forbidden(`A ${actor.role} account may not manage ${target.role} accounts`);
  const principal = principalOf(actor);
  switch (target.role) {
    case "pokja_admin":
      return;
    case "puskesmas": {
      if (!target.puskesmasId) throw badField("body.puskesmasId", "is required for role puskesmas");
      const [found] = await db.select({ id: puskesmas.id }).from(puskesmas).where(eq(puskesmas.id, target.puskesmasId));
      if (!found) throw badField("body.puskesmasId", "is not a known puskesmas");
      return;
    }
    case "bidan": {
      if (!target.desaCode) throw badField("body.desaCode", "is required for role bidan");
      const [found] = await db.select({ level: areas.level }).from(areas).where(eq(areas.code, target.desaCode));
      if (found?.level !== "desa") throw badField("body.desaCode", "is not a desa/kelurahan of Balangan");
      if (!(await desaInScope(db, principal, target.desaCode))) throw forbidden("That desa is outside your area");
      return;
    }
    case "kader": {
      if (!target.posyanduId) throw badField("body.posyanduId", "is required for role kader");
      const [found] = await db.select({ id: posyandu.id }).from(posyandu).where(eq(posyandu.id, target.posyanduId));
      if (!found) throw badField("body.posyanduId", "is not a known posyandu");
      if (!(await posyanduInScope(db, principal, target.posyanduId))) throw forbidden("That posyandu is outside your area");
      return;
    }
  }
}

/** The account as the API returns it: no hash, no counters. */
export function accountView(a: StaffAccount, now: Date) {
  return {
    id: a.id,
    username: a.username,
    name: a.name,
    role: a.role,
    puskesmasId: a.puskesmasId,
    desaCode: a.desaCode,
    posyanduId: a.posyanduId,
    active: a.active,
    locked: isLocked(a, now),
    lastLoginAt: a.lastLoginAt?.toISOString() ?? null,
    createdAt: a.createdAt.toISOString(),
  };
}
export type AccountView = ReturnType<typeof accountView>;

export interface NewAccount extends AccountArea {
  username: string;
  name: string;
  password: string;
}

// Any constant unique to the bootstrap lock ("boot" in ASCII).
const BOOTSTRAP_LOCK_KEY = 0x626f6f74;

/**
 * The first pokja_admin, created with the bootstrap token (checked by the caller): refused once a
 * pokja_admin exists; concurrent bootstraps are serialised so at most one is ever created this way.
 */
export async function bootstrapAdmin(db: Db, input: Omit<NewAccount, keyof AccountArea>, now: Date): Promise<StaffAccount> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK_KEY})`);
    const [admins] = await tx.select({ n: count() }).from(staffAccounts).where(eq(staffAccounts.role, "pokja_admin"));
    if (Number(admins?.n ?? 0) > 0) throw conflict("already_bootstrapped", "A pokja_admin account exists; sign in with it instead");
    return insertAccount(tx, { kind: "bootstrap" }, { ...input, role: "pokja_admin" }, now);
  });
}

/** Inserts an account (area already checked) and its audit entry. */
export async function insertAccount(tx: DbOrTx, actor: AuditActor, input: NewAccount, now: Date): Promise<StaffAccount> {
  const values = {
    username: input.username.trim().toLowerCase(),
    name: input.name.trim(),
    role: input.role,
    // Only the column that belongs to the role is kept (the table's check constraint insists).
    puskesmasId: input.role === "puskesmas" ? (input.puskesmasId ?? null) : null,
    desaCode: input.role === "bidan" ? (input.desaCode ?? null) : null,
    posyanduId: input.role === "kader" ? (input.posyanduId ?? null) : null,
    passwordHash: await hashPassword(input.password),
    createdAt: now,
  };
  let row: StaffAccount | undefined;
  try {
    [row] = await tx.insert(staffAccounts).values(values).returning();
  } catch (err) {
    if (pgErrorCode(err) === UNIQUE_VIOLATION) throw conflict("username_taken", "That username is already taken");
    throw err;
  }
  const account = row as StaffAccount;
  await recordAudit(tx, { actor, action: "account.create", entity: "account", entityId: account.id, after: account, at: now });
  return account;
}

export interface AccountChanges {
  name?: string;
  password?: string;
  active?: boolean;
}

/** Renames, resets the password or (de)activates; deactivation and a new password revoke sessions and tokens. */
export async function updateAccount(
  tx: DbOrTx,
  actor: AuditActor,
  before: StaffAccount,
  changes: AccountChanges,
  now: Date,
): Promise<StaffAccount> {
  const set: Partial<typeof staffAccounts.$inferInsert> = {};
  if (changes.name !== undefined) set.name = changes.name.trim();
  if (changes.password !== undefined) {
    set.passwordHash = await hashPassword(changes.password);
    set.failedLogins = 0;
    set.lockedUntil = null;
  }
  if (changes.active !== undefined) set.active = changes.active;
  if (Object.keys(set).length === 0) return before;
  const [after] = await tx.update(staffAccounts).set(set).where(eq(staffAccounts.id, before.id)).returning();
  // Deactivation shuts every door; so does a new password (a reset often follows a leak, and a
  // token made by whoever knew the old password must not outlive it).
  if (changes.active === false || changes.password !== undefined) await revokeAllCredentials(tx, before.id, now);
  const action =
    changes.active === false ? "account.deactivate" : changes.active === true && !before.active ? "account.reactivate" : "account.update";
  await recordAudit(tx, {
    actor,
    action,
    entity: "account",
    entityId: before.id,
    before,
    // A password change shows in the log only as the fact that it happened.
    after: { ...after, ...(changes.password !== undefined ? { passwordChanged: true } : {}) },
    at: now,
  });
  return after as StaffAccount;
}

/** Accounts the viewer may see: those placed in its area (a kader account by its posyandu's desa), and itself. */
export function accountsInScope(viewer: StaffAccount): SQL {
  const accountDesa = sql`coalesce(${staffAccounts.desaCode}, (select ${posyandu.desaCode} from ${posyandu} where ${posyandu.id} = ${staffAccounts.posyanduId}))`;
  const inArea = whereInScope(principalOf(viewer), { desaCode: accountDesa, posyanduId: staffAccounts.posyanduId });
  return or(inArea, eq(staffAccounts.id, viewer.id)) as SQL;
}

export async function findAccountInScope(db: DbOrTx, viewer: StaffAccount, id: string): Promise<StaffAccount> {
  const [row] = await db
    .select()
    .from(staffAccounts)
    .where(and(eq(staffAccounts.id, id), accountsInScope(viewer)));
  if (!row) throw notFound("Account");
  return row;
}

export async function listAccounts(
  db: DbOrTx,
  viewer: StaffAccount,
  q: { role?: StaffRole; active?: boolean; limit: number; offset: number },
): Promise<{ rows: StaffAccount[]; total: number }> {
  const where = and(
    accountsInScope(viewer),
    q.role ? eq(staffAccounts.role, q.role) : undefined,
    q.active !== undefined ? eq(staffAccounts.active, q.active) : undefined,
  );
  const rows = await db.select().from(staffAccounts).where(where).orderBy(asc(staffAccounts.username)).limit(q.limit).offset(q.offset);
  const [total] = await db.select({ n: count() }).from(staffAccounts).where(where);
  return { rows, total: Number(total?.n ?? 0) };
}

/** The field that places an account of each role; the other area fields stay empty. */
const AREA_FIELD = { pokja_admin: null, puskesmas: "puskesmasId", bidan: "desaCode", kader: "posyanduId" } as const;

/** Creates an account the actor may manage (MANAGES, in its area). */
export async function createAccount(db: DbOrTx, actor: StaffAccount, input: NewAccount, now: Date): Promise<StaffAccount> {
  // Only the area field of the role may be given: a stray one is most likely a mistake.
  const areaField = AREA_FIELD[input.role];
  for (const field of ["puskesmasId", "desaCode", "posyanduId"] as const) {
    if (input[field] !== undefined && field !== areaField) throw badField(`body.${field}`, `does not belong to role ${input.role}`);
  }
  return db.transaction(async (tx) => {
    await assertMayManage(tx, actor, input);
    return insertAccount(tx, { kind: "account", accountId: actor.id }, input, now);
  });
}

/** Changes another account the actor may manage; one's own account changes through "me". */
export async function changeAccount(
  db: DbOrTx,
  actor: StaffAccount,
  id: string,
  changes: AccountChanges,
  now: Date,
): Promise<StaffAccount> {
  return db.transaction(async (tx) => {
    const [target] = await tx
      .select()
      .from(staffAccounts)
      .where(and(eq(staffAccounts.id, id), accountsInScope(actor)))
      .for("update");
    if (!target) throw notFound("Account");
    if (target.id === actor.id) throw forbidden("Change your own account through /api/v1/me");
    if (!mayManageRole(actor.role, target.role)) throw forbidden(`A ${actor.role} account may not manage ${target.role} accounts`);
    await assertMayManage(tx, actor, target);
    return updateAccount(tx, { kind: "account", accountId: actor.id }, target, changes, now);
  });
}
