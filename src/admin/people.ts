// People (chat contacts) as staff see them: scoped to the viewer's area, phone numbers only for
// the roles that follow people up in person.
import { and, desc, eq, inArray, type SQL } from "drizzle-orm";
import { contactChannels, contacts } from "../contacts/contacts.sql.js";
import type { DbOrTx } from "../db/client.js";
import type { StaffRole } from "./accounts.sql.js";
import { whereInScope, type ScopePrincipal } from "../platform/scope.js";

/**
 * Bidan and puskesmas staff phone parents and pregnant mothers about referrals and missed
 * visits, so they see numbers. The Pokja works with regency figures and a kader with the
 * posyandu register: they see only the last digits (UU PDP No. 27/2022: least data needed).
 */
export const SEES_PHONE_NUMBERS: readonly StaffRole[] = ["puskesmas", "bidan"];

/** "6281234567890" → "**********890": enough to tell numbers apart, not to call one. */
export function maskPhone(phone: string): string {
  const keep = Math.min(3, Math.max(0, phone.length - 4));
  return "*".repeat(phone.length - keep) + phone.slice(phone.length - keep);
}

export function peopleInScope(principal: ScopePrincipal): SQL {
  return whereInScope(principal, { desaCode: contacts.desaCode, posyanduId: contacts.posyanduId });
}

export interface PeopleFilter {
  role?: "parent" | "pregnant" | "kader";
  kaderStatus?: "pending" | "active" | "inactive";
  desaCode?: string;
  posyanduId?: string;
}

export function peopleWhere(principal: ScopePrincipal, f: PeopleFilter): SQL {
  return and(
    peopleInScope(principal),
    f.role ? eq(contacts.role, f.role) : undefined,
    f.kaderStatus ? eq(contacts.kaderStatus, f.kaderStatus) : undefined,
    f.desaCode ? eq(contacts.desaCode, f.desaCode) : undefined,
    f.posyanduId ? eq(contacts.posyanduId, f.posyanduId) : undefined,
  ) as SQL;
}

type ContactRow = typeof contacts.$inferSelect;

export interface PersonView {
  id: string;
  role: ContactRow["role"];
  /** A kader's name as they gave it at registration (null for others). */
  name: string | null;
  kaderStatus: ContactRow["kaderStatus"];
  lang: ContactRow["lang"];
  desaCode: string | null;
  posyanduId: string | null;
  registeredAt: string | null;
  consentVersion: string | null;
  optedOut: boolean;
  lastInboundAt: string | null;
  channels: { channel: string; phone: string | null }[];
}

/** Rows (already scoped by the caller's query) with their channels, as the viewer may see them. */
export async function personViews(db: DbOrTx, viewerRole: StaffRole, rows: ContactRow[]): Promise<PersonView[]> {
  const ids = rows.map((r) => r.id);
  const channels = ids.length
    ? await db
        .select({ contactId: contactChannels.contactId, channel: contactChannels.channel, phone: contactChannels.phone })
        .from(contactChannels)
        .where(inArray(contactChannels.contactId, ids))
        .orderBy(desc(contactChannels.lastInboundAt))
    : [];
  const fullPhone = SEES_PHONE_NUMBERS.includes(viewerRole);
  return rows.map((r) => ({
    id: r.id,
    role: r.role,
    name: r.name,
    kaderStatus: r.kaderStatus,
    lang: r.lang,
    desaCode: r.desaCode,
    posyanduId: r.posyanduId,
    registeredAt: r.registeredAt?.toISOString() ?? null,
    consentVersion: r.consentVersion,
    optedOut: r.optedOutAt !== null,
    lastInboundAt: r.lastInboundAt?.toISOString() ?? null,
    channels: channels
      .filter((c) => c.contactId === r.id)
      .map((c) => ({ channel: c.channel, phone: c.phone === null ? null : fullPhone ? c.phone : maskPhone(c.phone) })),
  }));
}
