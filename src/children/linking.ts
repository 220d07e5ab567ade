// Linking a parent's chat to a child a kader registered. A child's code is printed on paper and
// typed in chats, so knowing it proves nothing: a parent is linked only when a verified phone of
// theirs (WhatsApp's sender number, a Telegram contact shared with the bot) is the parent phone the
// kader recorded, or when the kader or bidan of the child's posyandu confirms a link request. Any
// other code — wrong, someone else's, unknown — gets the same answer, so a guess learns nothing.
import { and, count, eq, gte, inArray, isNotNull, isNull } from "drizzle-orm";
import { contactChannels } from "../contacts/contacts.sql.js";
import type { DbOrTx } from "../db/client.js";
import { childCodeAttempts, childLinkRequests, children } from "./children.sql.js";
import type { Child } from "./index.js";

export type ChildLinkRequest = typeof childLinkRequests.$inferSelect;

/** Codes a person may type per hour without linking, before further codes are refused unread. */
export const CODE_ATTEMPTS_PER_HOUR = 5;
const HOUR_MS = 3_600_000;

/**
 * What a typed code does for this person:
 * - `link`: the kader recorded this person's verified phone as the parent's — linked now;
 * - `already`: the person is already the child's linked parent;
 * - `request`: the child may be theirs; the kader/bidan of its posyandu is asked to confirm;
 * - `nothing`: no such child, or it is linked to someone else, or its reminders were stopped.
 * `request` and `nothing` are answered alike.
 */
export type CodeLinkDecision = "link" | "already" | "request" | "nothing";

export function decideCodeLink(
  child: Pick<Child, "parentContactId" | "parentPhone" | "remindersStoppedAt"> | undefined,
  contactId: string,
  verifiedPhones: readonly string[],
): CodeLinkDecision {
  if (!child) return "nothing";
  if (child.parentContactId === contactId) return "already";
  if (child.parentContactId || child.remindersStoppedAt) return "nothing";
  if (child.parentPhone && verifiedPhones.includes(child.parentPhone)) return "link";
  return "request";
}

/** Whether this many code attempts within the last hour leave room for another. */
export function mayTryCode(attemptsInLastHour: number, limit = CODE_ATTEMPTS_PER_HOUR): boolean {
  return attemptsInLastHour < limit;
}

/** Phone numbers the providers vouch for on any of the person's channels. */
export async function verifiedPhonesOf(db: DbOrTx, contactId: string): Promise<string[]> {
  const rows = await db
    .select({ phone: contactChannels.phone })
    .from(contactChannels)
    .where(and(eq(contactChannels.contactId, contactId), isNotNull(contactChannels.phone)));
  return [...new Set(rows.map((r) => r.phone).filter((p): p is string => Boolean(p)))];
}

export async function codeAttemptsInLastHour(db: DbOrTx, contactId: string, now: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(childCodeAttempts)
    .where(and(eq(childCodeAttempts.contactId, contactId), gte(childCodeAttempts.at, new Date(now.getTime() - HOUR_MS))));
  return Number(row?.n ?? 0);
}

export async function recordCodeAttempt(db: DbOrTx, contactId: string, now: Date): Promise<void> {
  await db.insert(childCodeAttempts).values({ contactId, at: now });
}

/** Children a kader registered with one of these phones as the parent's and no parent linked yet. */
export async function unlinkedChildrenByPhone(db: DbOrTx, phones: readonly string[]): Promise<Child[]> {
  if (phones.length === 0) return [];
  return db
    .select()
    .from(children)
    .where(and(inArray(children.parentPhone, [...phones]), isNull(children.parentContactId), isNull(children.remindersStoppedAt)));
}

/** The pending request of this person for this child, or a new one (`created`). */
export async function openLinkRequest(
  db: DbOrTx,
  childId: string,
  contactId: string,
  now: Date,
): Promise<{ request: ChildLinkRequest; created: boolean }> {
  const [pending] = await db
    .select()
    .from(childLinkRequests)
    .where(
      and(eq(childLinkRequests.childId, childId), eq(childLinkRequests.contactId, contactId), eq(childLinkRequests.status, "pending")),
    );
  if (pending) return { request: pending, created: false };
  const [request] = await db.insert(childLinkRequests).values({ childId, contactId, createdAt: now }).returning();
  if (!request) throw new Error("creating a child link request");
  return { request, created: true };
}

export async function linkRequestByNumber(db: DbOrTx, number: number): Promise<ChildLinkRequest | undefined> {
  const [row] = await db.select().from(childLinkRequests).where(eq(childLinkRequests.number, number));
  return row;
}

export async function decideLinkRequest(
  db: DbOrTx,
  id: string,
  status: "approved" | "rejected",
  by: { contactId?: string | null; accountId?: string | null },
  now: Date,
): Promise<ChildLinkRequest | undefined> {
  const [row] = await db
    .update(childLinkRequests)
    .set({ status, decidedAt: now, decidedByContactId: by.contactId ?? null, decidedByAccountId: by.accountId ?? null })
    .where(and(eq(childLinkRequests.id, id), eq(childLinkRequests.status, "pending")))
    .returning();
  return row;
}
