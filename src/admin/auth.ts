// Passwords, lockout, sessions and API tokens. Passwords are hashed with argon2id; sessions and
// API tokens are long random strings, so a plain SHA-256 of them is enough to store.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { and, eq, gt, isNull, lte, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { apiTokens, staffAccounts, staffSessions } from "./accounts.sql.js";

export type StaffAccount = typeof staffAccounts.$inferSelect;

// OWASP Password Storage Cheat Sheet: argon2id with m=19 MiB, t=2, p=1 (also the library default).
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
export const PASSWORD_MIN_LENGTH = 10;

// After this many wrong passwords in a row the account is locked for LOCK_MS (NIST SP 800-63B
// §5.2.2 asks for a limit on failed attempts; 5 tries / 15 minutes is a common setting).
export const LOCKOUT_MAX_FAILURES = 5;
export const LOCKOUT_MS = 15 * 60_000;
/** Sessions end after 12 hours however active (one working day), and at logout. */
export const SESSION_TTL_MS = 12 * 60 * 60_000;
export const SESSION_COOKIE = "balanting_session";
const API_TOKEN_PREFIX = "blt_";

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password).catch(() => false);
}

// Verified against when the username is unknown, so both cases take the same time.
let dummyHash: Promise<string> | undefined;

export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

export interface LockState {
  failedLogins: number;
  lockedUntil: Date | null;
}

export function isLocked(state: LockState, now: Date): boolean {
  return state.lockedUntil !== null && state.lockedUntil.getTime() > now.getTime();
}

/** The state after one more wrong password; the lock starts at the LOCKOUT_MAX_FAILURES-th. */
export function afterFailedLogin(state: LockState, now: Date): LockState {
  // A lock that has run out starts a fresh count.
  const base = state.lockedUntil && !isLocked(state, now) ? 0 : state.failedLogins;
  const failedLogins = base + 1;
  const lockedUntil = failedLogins >= LOCKOUT_MAX_FAILURES ? new Date(now.getTime() + LOCKOUT_MS) : null;
  return { failedLogins, lockedUntil };
}

export type LoginResult =
  | { ok: true; account: StaffAccount; sessionToken: string; expiresAt: Date }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "locked"; retryAfterMs: number; account: StaffAccount; lockedNow: boolean };

/** Spends the time of one password check, so unknown and locked accounts answer as slowly as others. */
async function dummyVerify(password: string): Promise<void> {
  dummyHash ??= hashPassword("not a real password, only for timing");
  await verifyPassword(await dummyHash, password);
}

/**
 * Counts one attempt as a failure before the password is checked, in one UPDATE (the row lock
 * orders concurrent attempts): at most LOCKOUT_MAX_FAILURES guesses are ever checked, however
 * many arrive at once (a review sent 60 simultaneous guesses and all were checked). Same rule as
 * afterFailedLogin. Returns the state after the attempt, or null when the account is locked.
 */
async function reserveAttempt(db: DbOrTx, accountId: string, now: Date): Promise<LockState | null> {
  const lockEnds = new Date(now.getTime() + LOCKOUT_MS).toISOString();
  // A lock that has run out starts a fresh count.
  const count = sql`(case when ${staffAccounts.lockedUntil} is not null then 1 else ${staffAccounts.failedLogins} + 1 end)`;
  const [row] = await db
    .update(staffAccounts)
    .set({
      failedLogins: count,
      lockedUntil: sql`(case when ${count} >= ${LOCKOUT_MAX_FAILURES} then ${lockEnds}::timestamptz else null end)`,
    })
    .where(and(eq(staffAccounts.id, accountId), or(isNull(staffAccounts.lockedUntil), lte(staffAccounts.lockedUntil, now))))
    .returning({ failedLogins: staffAccounts.failedLogins, lockedUntil: staffAccounts.lockedUntil });
  return row ?? null;
}

/** Checks a password and opens a session; counts failures and locks after too many. */
export async function login(db: DbOrTx, username: string, password: string, now: Date): Promise<LoginResult> {
  const [account] = await db.select().from(staffAccounts).where(eq(staffAccounts.username, username.trim().toLowerCase()));
  if (!account || !account.active || !account.passwordHash) {
    await dummyVerify(password);
    return { ok: false, reason: "invalid" };
  }
  const attempt = await reserveAttempt(db, account.id, now);
  if (!attempt) {
    await dummyVerify(password);
    const [current] = await db
      .select({ lockedUntil: staffAccounts.lockedUntil })
      .from(staffAccounts)
      .where(eq(staffAccounts.id, account.id));
    const retryAfterMs = Math.max(0, (current?.lockedUntil?.getTime() ?? now.getTime()) - now.getTime());
    return { ok: false, reason: "locked", retryAfterMs, account, lockedNow: false };
  }
  if (!(await verifyPassword(account.passwordHash, password))) {
    if (attempt.lockedUntil) {
      return { ok: false, reason: "locked", retryAfterMs: LOCKOUT_MS, account: { ...account, ...attempt }, lockedNow: true };
    }
    return { ok: false, reason: "invalid" };
  }
  await db.update(staffAccounts).set({ failedLogins: 0, lockedUntil: null, lastLoginAt: now }).where(eq(staffAccounts.id, account.id));
  const { token, expiresAt } = await createSession(db, account.id, now);
  return { ok: true, account, sessionToken: token, expiresAt };
}

function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

export async function createSession(db: DbOrTx, accountId: string, now: Date): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.insert(staffSessions).values({ tokenHash: sha256(token), accountId, createdAt: now, expiresAt });
  return { token, expiresAt };
}

/** The active account behind a live session, or null. */
export async function resolveSession(db: DbOrTx, token: string, now: Date): Promise<StaffAccount | null> {
  const rows = await db
    .select({ account: staffAccounts })
    .from(staffSessions)
    .innerJoin(staffAccounts, eq(staffAccounts.id, staffSessions.accountId))
    .where(
      and(
        eq(staffSessions.tokenHash, sha256(token)),
        isNull(staffSessions.revokedAt),
        gt(staffSessions.expiresAt, now),
        eq(staffAccounts.active, true),
      ),
    );
  return rows[0]?.account ?? null;
}

export async function revokeSession(db: DbOrTx, token: string, now: Date): Promise<void> {
  await db
    .update(staffSessions)
    .set({ revokedAt: now })
    .where(and(eq(staffSessions.tokenHash, sha256(token)), isNull(staffSessions.revokedAt)));
}

export type ApiTokenRow = typeof apiTokens.$inferSelect;

/** Creates a personal API token; the token itself is returned once and never stored. */
export async function createApiToken(
  db: DbOrTx,
  accountId: string,
  name: string,
  now: Date,
  expiresAt: Date | null,
): Promise<{ token: string; row: ApiTokenRow }> {
  const token = API_TOKEN_PREFIX + randomToken();
  const [row] = await db
    .insert(apiTokens)
    .values({ accountId, name, tokenHash: sha256(token), prefix: token.slice(0, 10), createdAt: now, expiresAt })
    .returning();
  return { token, row: row as ApiTokenRow };
}

/** The active account behind a valid API token, or null; notes when the token was last used. */
export async function resolveApiToken(db: DbOrTx, token: string, now: Date): Promise<{ account: StaffAccount; tokenId: string } | null> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return null;
  const rows = await db
    .select({ account: staffAccounts, tokenId: apiTokens.id })
    .from(apiTokens)
    .innerJoin(staffAccounts, eq(staffAccounts.id, apiTokens.accountId))
    .where(
      and(
        eq(apiTokens.tokenHash, sha256(token)),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
        eq(staffAccounts.active, true),
      ),
    );
  const found = rows[0];
  if (!found) return null;
  await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, found.tokenId));
  return found;
}

export async function revokeSessions(db: DbOrTx, accountId: string, now: Date): Promise<void> {
  await db
    .update(staffSessions)
    .set({ revokedAt: now })
    .where(and(eq(staffSessions.accountId, accountId), isNull(staffSessions.revokedAt)));
}

/** Revokes every session and token of an account (on deactivation). */
export async function revokeAllCredentials(db: DbOrTx, accountId: string, now: Date): Promise<void> {
  await revokeSessions(db, accountId, now);
  await db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.accountId, accountId), isNull(apiTokens.revokedAt)));
}

/** Constant-time comparison of two secrets of any length. */
export function sameSecret(a: string, b: string): boolean {
  // Digests have equal length whatever the inputs, as timingSafeEqual requires.
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

/** The staff account a raw request carries (bearer API token or session cookie), for routes outside the admin API. */
export async function staffOfRequest(
  db: DbOrTx,
  headers: { authorization?: string; cookie?: string },
  now: Date,
): Promise<StaffAccount | null> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "")?.[1];
  if (bearer) return (await resolveApiToken(db, bearer, now))?.account ?? null;
  const session = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`).exec(headers.cookie ?? "")?.[1];
  return session ? resolveSession(db, decodeURIComponent(session), now) : null;
}

/** Whether any pokja_admin account exists (after which the bootstrap token opens nothing). */
export async function pokjaAdminExists(db: DbOrTx): Promise<boolean> {
  const [row] = await db.select({ id: staffAccounts.id }).from(staffAccounts).where(eq(staffAccounts.role, "pokja_admin")).limit(1);
  return Boolean(row);
}
