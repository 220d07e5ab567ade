// Who on the staff hears about something in a desa, on chat: the bidan of the desa and the
// puskesmas serving it; the Pokja admins when the desa is unknown or nobody is linked there.
import { and, asc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { contactChannels, contacts } from "../contacts/contacts.sql.js";
import type { DbOrTx } from "../db/client.js";
import { puskesmasDesa } from "../health-units/health-units.sql.js";
import type { Lang } from "../i18n/index.js";
import { staffAccounts, staffChatLinks, type StaffRole } from "./accounts.sql.js";
import { preferredChannelOrder } from "../contacts/preferred-channel.js";

export interface StaffChat {
  accountId: string;
  role: StaffRole;
  contactId: string;
  channel: string;
  address: string;
  lang: Lang;
}

async function chatsOf(db: DbOrTx, where: ReturnType<typeof and>): Promise<StaffChat[]> {
  const rows = await db
    .select({
      accountId: staffAccounts.id,
      role: staffAccounts.role,
      contactId: contacts.id,
      channel: contactChannels.channel,
      address: contactChannels.address,
      lang: contacts.lang,
    })
    .from(staffAccounts)
    .innerJoin(staffChatLinks, eq(staffChatLinks.accountId, staffAccounts.id))
    .innerJoin(contacts, eq(contacts.id, staffChatLinks.contactId))
    .innerJoin(contactChannels, eq(contactChannels.contactId, contacts.id))
    .where(and(eq(staffAccounts.active, true), where))
    .orderBy(asc(contacts.id), preferredChannelOrder());
  // One chat per contact: the channel the person last wrote from.
  const seen = new Set<string>();
  return rows.filter((r) => (seen.has(r.contactId) ? false : (seen.add(r.contactId), true))).map((r) => ({ ...r, lang: r.lang ?? "id" }));
}

/**
 * Staff chats that may approve a kader of a desa: its puskesmas, else the Pokja admins. A bidan
 * cannot approve (the API answers 403), so telling one to approve would only send them there.
 */
export async function approverChatsForDesa(db: DbOrTx, desaCode: string | null): Promise<StaffChat[]> {
  if (desaCode) {
    const local = await chatsOf(db, puskesmasOfDesa(db, desaCode));
    if (local.length > 0) return local;
  }
  return pokjaAdminChats(db);
}

/** Staff chats responsible for a desa (bidan of it, its puskesmas), else the Pokja admins. */
export async function staffChatsForDesa(db: DbOrTx, desaCode: string | null): Promise<StaffChat[]> {
  if (desaCode) {
    const local = await chatsOf(
      db,
      or(and(eq(staffAccounts.role, "bidan"), eq(staffAccounts.desaCode, desaCode)), puskesmasOfDesa(db, desaCode)),
    );
    if (local.length > 0) return local;
  }
  return pokjaAdminChats(db);
}

/** Accounts of the puskesmas a desa belongs to. */
const puskesmasOfDesa = (db: DbOrTx, desaCode: string) =>
  and(
    eq(staffAccounts.role, "puskesmas"),
    inArray(
      staffAccounts.puskesmasId,
      db.select({ id: puskesmasDesa.puskesmasId }).from(puskesmasDesa).where(eq(puskesmasDesa.desaCode, desaCode)),
    ),
  );

/** The regency's Pokja admins: who is told when no one in the area can be. */
const pokjaAdminChats = (db: DbOrTx) => chatsOf(db, and(eq(staffAccounts.role, "pokja_admin"), isNull(staffAccounts.desaCode), sql`true`));
