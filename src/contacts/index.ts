// People who chat with the bot, their channels, and the data they can see or erase (DATAKU,
// HAPUS DATA under UU PDP No. 27/2022: src/privacy/).
import { and, eq, getTableColumns, type Table } from "drizzle-orm";
import type { InboundMessage } from "../channels/channel.js";
import type { DbOrTx } from "../db/client.js";
import { contactChannels, contacts } from "./contacts.sql.js";

export { contactChannels, contacts, conversationStates } from "./contacts.sql.js";

export type Contact = typeof contacts.$inferSelect;
export type ContactChannel = typeof contactChannels.$inferSelect;

/**
 * A row that came back as JSON (to_jsonb in a database routine) as drizzle would return it: keys by
 * the schema's property names, timestamps as Date. Driven by the table definition, so a new column
 * needs nothing here.
 */
export function rowFromJson<T>(table: Table, json: Record<string, unknown>): T {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = json[column.name];
    row[key] = value === undefined || value === null ? null : column.columnType === "PgTimestamp" ? new Date(value as string) : value;
  }
  return row as T;
}

export const contactFromJson = (json: Record<string, unknown>): Contact => rowFromJson<Contact>(contacts, json);
export const contactChannelFromJson = (json: Record<string, unknown>): ContactChannel => rowFromJson<ContactChannel>(contactChannels, json);

/** The version of the privacy notice shown at registration (locales conversation:reg.consent). */
export const CONSENT_VERSION = "2026-12-v2";

/** Finds the sender's contact by channel address, creating both on first contact. */
export async function findOrCreateContact(
  tx: DbOrTx,
  message: InboundMessage,
): Promise<{ contact: Contact; channel: ContactChannel; created: boolean }> {
  const [existing] = await tx
    .select({ contact: contacts, channel: contactChannels })
    .from(contactChannels)
    .innerJoin(contacts, eq(contacts.id, contactChannels.contactId))
    .where(and(eq(contactChannels.channel, message.channel), eq(contactChannels.address, message.address)))
    .limit(1);
  if (existing) {
    const updates = { lastInboundAt: message.receivedAt, ...(message.phone ? { phone: message.phone } : {}) };
    const [channel] = await tx.update(contactChannels).set(updates).where(eq(contactChannels.id, existing.channel.id)).returning();
    await tx.update(contacts).set({ lastInboundAt: message.receivedAt }).where(eq(contacts.id, existing.contact.id));
    return { contact: existing.contact, channel: channel ?? existing.channel, created: false };
  }
  // The same person on a second channel: WhatsApp (and Telegram's shared own contact) give a
  // verified phone number; a channel already known under that number belongs to that person.
  const [samePhone] = message.phone
    ? await tx
        .select({ contact: contacts })
        .from(contactChannels)
        .innerJoin(contacts, eq(contacts.id, contactChannels.contactId))
        .where(eq(contactChannels.phone, message.phone))
        .limit(1)
    : [];
  const [contact] = samePhone
    ? await tx.update(contacts).set({ lastInboundAt: message.receivedAt }).where(eq(contacts.id, samePhone.contact.id)).returning()
    : await tx.insert(contacts).values({ lastInboundAt: message.receivedAt }).returning();
  if (!contact) throw new Error("creating a contact");
  // Two first messages of a new person racing (two instances, or one instance's parallel
  // webhook calls): the unique (channel, address) key lets one insert win; the loser's insert
  // waits for the winner to commit and does nothing, and the loser then uses the winner's rows.
  const [channel] = await tx
    .insert(contactChannels)
    .values({
      contactId: contact.id,
      channel: message.channel,
      address: message.address,
      phone: message.phone ?? null,
      lastInboundAt: message.receivedAt,
    })
    .onConflictDoNothing({ target: [contactChannels.channel, contactChannels.address] })
    .returning();
  if (channel) return { contact, channel, created: !samePhone };
  if (!samePhone) await tx.delete(contacts).where(eq(contacts.id, contact.id));
  const [winner] = await tx
    .select({ contact: contacts, channel: contactChannels })
    .from(contactChannels)
    .innerJoin(contacts, eq(contacts.id, contactChannels.contactId))
    .where(and(eq(contactChannels.channel, message.channel), eq(contactChannels.address, message.address)))
    .limit(1);
  if (!winner) throw new Error("linking a contact to its channel");
  return { contact: winner.contact, channel: winner.channel, created: false };
}

/** Updates a contact and returns the new row. */
export async function updateContact(tx: DbOrTx, id: string, values: Partial<typeof contacts.$inferInsert>): Promise<Contact> {
  const [row] = await tx.update(contacts).set(values).where(eq(contacts.id, id)).returning();
  if (!row) throw new Error(`contact ${id} vanished`);
  return row;
}

/** The channels a contact is reachable on. */
export async function channelsOf(tx: DbOrTx, contactId: string): Promise<ContactChannel[]> {
  return tx.select().from(contactChannels).where(eq(contactChannels.contactId, contactId));
}
