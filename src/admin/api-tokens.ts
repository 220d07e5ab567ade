// A staff account's personal API tokens: listed without their secret, created (the token shown
// once) and revoked, each change with its audit entry in the same transaction.
import { and, desc, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { recordAudit, type AuditActor } from "../platform/audit.js";
import { notFound } from "../platform/errors.js";
import type { Runtime } from "../runtime.js";
import { apiTokens } from "./accounts.sql.js";
import { createApiToken, type ApiTokenRow } from "./auth.js";

const DAY_MS = 24 * 60 * 60_000;

/** The account's tokens, newest first. */
export async function apiTokensOf(db: DbOrTx, accountId: string): Promise<ApiTokenRow[]> {
  return db.select().from(apiTokens).where(eq(apiTokens.accountId, accountId)).orderBy(desc(apiTokens.createdAt));
}

/** A new token for the account, valid `expiresInDays` (or until revoked). */
export async function issueApiToken(
  rt: Pick<Runtime, "db" | "clock">,
  by: { actor: AuditActor; accountId: string },
  name: string,
  expiresInDays: number | undefined,
): Promise<{ token: string; row: ApiTokenRow }> {
  const now = rt.clock.now();
  const expiresAt = expiresInDays ? new Date(now.getTime() + expiresInDays * DAY_MS) : null;
  return rt.db.transaction(async (tx) => {
    const made = await createApiToken(tx, by.accountId, name, now, expiresAt);
    await recordAudit(tx, {
      actor: by.actor,
      action: "token.create",
      entity: "api_token",
      entityId: made.row.id,
      after: made.row,
      at: now,
    });
    return made;
  });
}

/** Revokes one of the account's live tokens (404 for another's or one revoked already). */
export async function revokeApiToken(
  rt: Pick<Runtime, "db" | "clock">,
  by: { actor: AuditActor; accountId: string },
  id: string,
): Promise<void> {
  const now = rt.clock.now();
  await rt.db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.id, id), eq(apiTokens.accountId, by.accountId), isNull(apiTokens.revokedAt)));
    if (!before) throw notFound("Token");
    const [after] = await tx.update(apiTokens).set({ revokedAt: now }).where(eq(apiTokens.id, before.id)).returning();
    await recordAudit(tx, { actor: by.actor, action: "token.revoke", entity: "api_token", entityId: before.id, before, after, at: now });
  });
}
