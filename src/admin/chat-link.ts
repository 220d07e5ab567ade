// Linking a staff account to its chat identity: the account asks for an eight-digit code in the
// admin API, then types "KODE 12345678" to the bot from Telegram or WhatsApp. After that, referrals
// and handoff questions for that account can be sent to that chat.
import { randomInt } from "node:crypto";
import { and, asc, count, eq, gt, isNull } from "drizzle-orm";
import { contactChannels } from "../contacts/contacts.sql.js";
import type { DbOrTx } from "../db/client.js";
import type { Runtime } from "../runtime.js";
import { chatLinkAttempts, chatLinkCodes, staffAccounts, staffChatLinks, type StaffRole } from "./accounts.sql.js";
import { recordAudit, type AuditActor } from "../platform/audit.js";
import { notFound } from "../platform/errors.js";
import { sha256 } from "./auth.js";

export const CHAT_LINK_CODE_TTL_MS = 15 * 60_000;
// Eight digits are 100 million codes. Five wrong tries an hour per chat, and 100 an hour from
// all chats together (new chat identities are cheap: a review guessed 81 a second through
// fresh ones), put the chance of hitting any of, say, 10 live codes below 1 in 100,000 an hour.
// An attacker can use up the shared allowance and delay linking for an hour; that is the price.
export const CHAT_LINK_CODE_DIGITS = 8;
export const CHAT_LINK_MAX_FAILURES = 5;
export const CHAT_LINK_MAX_FAILURES_GLOBAL = 100;
export const CHAT_LINK_FAILURE_WINDOW_MS = 60 * 60_000;
const CODE_SPACE = 10 ** CHAT_LINK_CODE_DIGITS;

const codeHash = (code: string) => sha256(`chat-link:${code}`);

/** The code in "KODE 12345678" (any case, optional colon, spaces between digits), or null. */
export function parseChatLinkCommand(text: string): string | null {
  const m = /^\s*kode\s*:?\s*((?:\d\s*){8})$/i.exec(text);
  return m?.[1] ? m[1].replace(/\s/g, "") : null;
}

/** Issues a fresh code for the account; earlier unused codes stop working. */
export async function issueChatLinkCode(db: DbOrTx, accountId: string, now: Date): Promise<{ code: string; expiresAt: Date }> {
  await db
    .update(chatLinkCodes)
    .set({ expiresAt: now })
    .where(and(eq(chatLinkCodes.accountId, accountId), isNull(chatLinkCodes.usedAt), gt(chatLinkCodes.expiresAt, now)));
  const expiresAt = new Date(now.getTime() + CHAT_LINK_CODE_TTL_MS);
  // Live codes must be unique so a code names one account; draw again on the rare clash.
  for (;;) {
    const code = String(randomInt(0, CODE_SPACE)).padStart(CHAT_LINK_CODE_DIGITS, "0");
    const [clash] = await db
      .select({ id: chatLinkCodes.id })
      .from(chatLinkCodes)
      .where(and(eq(chatLinkCodes.codeHash, codeHash(code)), isNull(chatLinkCodes.usedAt), gt(chatLinkCodes.expiresAt, now)));
    if (clash) continue;
    await db.insert(chatLinkCodes).values({ accountId, codeHash: codeHash(code), expiresAt, createdAt: now });
    return { code, expiresAt };
  }
}

export type ChatLinkResult = { ok: true; accountId: string; role: StaffRole } | { ok: false; reason: "invalid" | "too_many_attempts" };

/** The admin:* text key that answers a redemption in chat. */
export function chatLinkReplyKey(result: ChatLinkResult): string {
  if (result.ok) return "admin:chatLink.linked";
  return result.reason === "too_many_attempts" ? "admin:chatLink.tooManyAttempts" : "admin:chatLink.invalid";
}

/**
 * Redeems a code typed in chat by `contactId`: links that contact to the code's account. Wrong,
 * expired or used codes count as failures; after CHAT_LINK_MAX_FAILURES in an hour the contact
 * is refused until the hour passes. Call inside the conversation's transaction.
 */
export async function redeemChatLinkCode(rt: Pick<Runtime, "clock">, tx: DbOrTx, contactId: string, code: string): Promise<ChatLinkResult> {
  const now = rt.clock.now();
  const since = new Date(now.getTime() - CHAT_LINK_FAILURE_WINDOW_MS);
  const [failures] = await tx
    .select({ n: count() })
    .from(chatLinkAttempts)
    .where(and(eq(chatLinkAttempts.contactId, contactId), gt(chatLinkAttempts.at, since)));
  if (Number(failures?.n ?? 0) >= CHAT_LINK_MAX_FAILURES) return { ok: false, reason: "too_many_attempts" };
  const [allFailures] = await tx.select({ n: count() }).from(chatLinkAttempts).where(gt(chatLinkAttempts.at, since));
  if (Number(allFailures?.n ?? 0) >= CHAT_LINK_MAX_FAILURES_GLOBAL) return { ok: false, reason: "too_many_attempts" };

  const [found] = new RegExp(`^\\d{${CHAT_LINK_CODE_DIGITS}}$`).test(code)
    ? await tx
        .select({ codeId: chatLinkCodes.id, accountId: staffAccounts.id, role: staffAccounts.role })
        .from(chatLinkCodes)
        .innerJoin(staffAccounts, eq(staffAccounts.id, chatLinkCodes.accountId))
        .where(
          and(
            eq(chatLinkCodes.codeHash, codeHash(code)),
            isNull(chatLinkCodes.usedAt),
            gt(chatLinkCodes.expiresAt, now),
            eq(staffAccounts.active, true),
          ),
        )
    : [];
  if (!found) {
    await tx.insert(chatLinkAttempts).values({ contactId, at: now });
    return { ok: false, reason: "invalid" };
  }
  // Only one redemption wins if two chats race for the same code.
  const used = await tx
    .update(chatLinkCodes)
    .set({ usedAt: now })
    .where(and(eq(chatLinkCodes.id, found.codeId), isNull(chatLinkCodes.usedAt)))
    .returning({ id: chatLinkCodes.id });
  if (used.length === 0) return { ok: false, reason: "invalid" };

  // A chat identity belongs to one account; relinking moves it (a handed-over work phone).
  const [before] = await tx.select().from(staffChatLinks).where(eq(staffChatLinks.contactId, contactId));
  if (before) await tx.delete(staffChatLinks).where(eq(staffChatLinks.contactId, contactId));
  const [after] = await tx.insert(staffChatLinks).values({ accountId: found.accountId, contactId, linkedAt: now }).returning();
  await recordAudit(tx, {
    actor: { kind: "chat", accountId: found.accountId },
    action: "chat_link.link",
    entity: "account",
    entityId: found.accountId,
    before: before ?? null,
    after: after ?? null,
    at: now,
  });
  return { ok: true, accountId: found.accountId, role: found.role };
}

/** Contacts (chat identities) linked to an account: where its referrals and handoffs go. */
export async function linkedContactIds(db: DbOrTx, accountId: string): Promise<string[]> {
  const rows = await db.select({ contactId: staffChatLinks.contactId }).from(staffChatLinks).where(eq(staffChatLinks.accountId, accountId));
  return rows.map((r) => r.contactId);
}

/** The active staff account a chat contact is linked to, if any. */
export async function accountForContact(db: DbOrTx, contactId: string) {
  const [row] = await db
    .select({ account: staffAccounts })
    .from(staffChatLinks)
    .innerJoin(staffAccounts, eq(staffAccounts.id, staffChatLinks.accountId))
    .where(and(eq(staffChatLinks.contactId, contactId), eq(staffAccounts.active, true)));
  return row?.account ?? null;
}

/** The chats linked to an account, oldest link first, with the channels each chat is on. */
export async function chatLinksOf(db: DbOrTx, accountId: string): Promise<{ contactId: string; linkedAt: string; channels: string[] }[]> {
  const rows = await db
    .select({ contactId: staffChatLinks.contactId, linkedAt: staffChatLinks.linkedAt, channel: contactChannels.channel })
    .from(staffChatLinks)
    .leftJoin(contactChannels, eq(contactChannels.contactId, staffChatLinks.contactId))
    .where(eq(staffChatLinks.accountId, accountId))
    .orderBy(asc(staffChatLinks.linkedAt));
  const items = new Map<string, { contactId: string; linkedAt: string; channels: string[] }>();
  for (const r of rows) {
    const item = items.get(r.contactId) ?? { contactId: r.contactId, linkedAt: r.linkedAt.toISOString(), channels: [] };
    if (r.channel) item.channels.push(r.channel);
    items.set(r.contactId, item);
  }
  return [...items.values()];
}

/** Unlinks a chat from the account (a lost phone); audited. */
export async function unlinkChat(
  rt: Pick<Runtime, "db" | "clock">,
  by: { actor: AuditActor; accountId: string },
  contactId: string,
): Promise<void> {
  const now = rt.clock.now();
  await rt.db.transaction(async (tx) => {
    const [before] = await tx
      .delete(staffChatLinks)
      .where(and(eq(staffChatLinks.accountId, by.accountId), eq(staffChatLinks.contactId, contactId)))
      .returning();
    if (!before) throw notFound("Chat link");
    await recordAudit(tx, { actor: by.actor, action: "chat_link.unlink", entity: "account", entityId: by.accountId, before, at: now });
  });
}
