// Staff accounts: who may create whom, and the account as the API shows it.
import { eq } from "drizzle-orm";
import { areas } from "../areas/areas.sql.js";
import type { DbOrTx } from "../db/client.js";
import { posyandu, puskesmas } from "../health-units/health-units.sql.js";
import { staffAccounts, type StaffRole } from "./accounts.sql.js";
import { recordAudit, type AuditActor } from "../platform/audit.js";
import { hashPassword, isLocked, revokeAllCredentials, type StaffAccount } from "./auth.js";
import { badField, conflict, forbidden, pgErrorCode, UNIQUE_VIOLATION } from "../platform/errors.js";
import { desaInScope, posyanduInScope, type ScopePrincipal } from "../platform/scope.js";

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
export async function updateAccount(tx: DbOrTx, actor: AuditActor, before: StaffAccount, changes: AccountChanges, now: Date): Promise<StaffAccount> {
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
  const action = changes.active === false ? "account.deactivate" : changes.active === true && !before.active ? "account.reactivate" : "account.update";
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
