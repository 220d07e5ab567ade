// Where a contact is in a dialogue, kept in the database so a restart resumes it.
import { eq } from "drizzle-orm";
import { z } from "zod";
import { conversationStates } from "../contacts/contacts.sql.js";
import type { DbOrTx } from "../db/client.js";

/** The dialogue time-out: a dialogue left this long is forgotten (the person is told, and starts over). */
export const DIALOGUE_TIMEOUT_MS = 24 * 60 * 60_000;

/**
 * How long the bot remembers its last FAQ answer, menu or unanswered question (for "selengkapnya",
 * a number from the menu, or "Tanya bidan" forwarding the question); forgotten silently.
 */
export const FAQ_MEMORY_MS = 30 * 60_000;

export interface DialogueState {
  flow: string;
  step: string;
  data: Record<string, unknown>;
}

/** A saved state's envelope; each flow parses its own step and data (flows/flow.ts). */
const dialogueStateSchema = z.object({ flow: z.string(), step: z.string(), data: z.record(z.string(), z.unknown()) });

/** A dialogue state as the database returned it, or null when there is none or it is no state at all. */
export function dialogueStateOf(value: unknown): DialogueState | null {
  if (value === null || value === undefined) return null;
  const parsed = dialogueStateSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The contact's current dialogue, or null; an expired one is reported as such and removed. */
export async function loadState(tx: DbOrTx, contactId: string, now: Date): Promise<{ state: DialogueState | null; expired: boolean }> {
  const [row] = await tx.select().from(conversationStates).where(eq(conversationStates.contactId, contactId));
  if (!row) return { state: null, expired: false };
  if (row.expiresAt <= now) {
    await tx.delete(conversationStates).where(eq(conversationStates.contactId, contactId));
    return { state: null, expired: row.flow !== "faq" };
  }
  return { state: { flow: row.flow, step: row.step, data: row.data }, expired: false };
}
