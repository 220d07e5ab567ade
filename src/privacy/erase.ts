// HAPUS DATA: a person's data is erased for good (UU PDP No. 27/2022, Art. 8 and 43: the right to
// erasure on request). What the person sent goes: their contact, channels and phone, dialogue,
// pregnancies, reminders, questions to the bidan, the children they registered themselves, and
// their chat ids, phone and texts in the message ledger, the outbox and the audit log (the audit
// events stay, without the personal values). What a health worker recorded under their own duty
// stays — children a kader registered and the kader's measurements (Permenkes 2/2020 growth
// monitoring) — with the person's link and phone removed. A parent-registered child a kader has
// since weighed stays for that record too, without its name, mother, NIK or parent.
import { and, eq, inArray, isNull, notInArray, or, sql, type SQL } from "drizzle-orm";
import { recordAudit } from "../platform/audit.js";
import { auditLog } from "../platform/audit.sql.js";
import { inboundMessages, outbox } from "../channels/channels.sql.js";
import { childLinkRequests, children } from "../children/children.sql.js";
import { contactChannels, contacts } from "../contacts/contacts.sql.js";
import type { Contact } from "../contacts/index.js";
import { queryRows, type DbOrTx } from "../db/client.js";
import { measurements } from "../growth/growth.sql.js";
import { handoffQuestions } from "../handoff/handoff.sql.js";

/** What an erased value reads as, where a column cannot be empty. */
export const ERASED = "[dihapus]";

/** Keys of audit snapshots that hold a person's own values. */
export const PERSONAL_KEYS = [
  "name",
  "motherName",
  "nik",
  "nikHash",
  "phone",
  "parentPhone",
  "address",
  "question",
  "answer",
  "optOutReason",
  "contactId",
  "parentContactId",
  "registeredByContactId",
] as const;

/** Only the person's link to a child a kader registered (the kader's record stays). */
export const LINK_KEYS = ["parentPhone", "parentContactId"] as const;

/** A snapshot with the given keys blanked (null); other keys as they were. */
export function redactSnapshot(row: Record<string, unknown> | null, keys: readonly string[]): Record<string, unknown> | null {
  if (!row) return row;
  const out: Record<string, unknown> = { ...row };
  for (const key of keys) if (key in out && out[key] !== null) out[key] = null;
  return out;
}

/** Strings of at least this length are searched for in other people's messages. */
const MIN_SWEEP_LENGTH = 4;

/** The person's own strings to look for in texts sent to others (phones, names, questions …). */
export function sweepStrings(values: readonly (string | null | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === "string" && v.trim().length >= MIN_SWEEP_LENGTH).map((v) => v.trim()))];
}

export interface ErasureSummary {
  childrenDeleted: number;
  childrenKept: number;
  childrenUnlinked: number;
}

/** Erases a person inside the caller's transaction (a conversation turn's). */
export async function erasePerson(tx: DbOrTx, contact: Contact, now: Date): Promise<ErasureSummary> {
  const id = contact.id;
  const channels = await tx.select().from(contactChannels).where(eq(contactChannels.contactId, id));
  const phones = [...new Set(channels.map((c) => c.phone).filter((p): p is string => Boolean(p)))];
  const questions = await tx.select().from(handoffQuestions).where(eq(handoffQuestions.contactId, id));
  const requests = await tx.select({ number: childLinkRequests.number }).from(childLinkRequests).where(eq(childLinkRequests.contactId, id));

  // Children the person registered (a kader's own ANAK BARU children are duty records: kept).
  const own = contact.role === "kader" ? [] : await tx.select().from(children).where(eq(children.registeredByContactId, id));
  const ownIds = own.map((c) => c.id);
  const weighed = ownIds.length
    ? await tx
        .selectDistinct({ childId: measurements.childId })
        .from(measurements)
        .where(
          and(
            inArray(measurements.childId, ownIds),
            or(isNull(measurements.sentByContactId), sql`${measurements.sentByContactId} <> ${id}`),
          ),
        )
    : [];
  const keepIds = new Set(weighed.map((w) => w.childId));
  const deleteIds = ownIds.filter((c) => !keepIds.has(c));
  if (keepIds.size > 0) {
    await tx
      .update(children)
      .set({
        name: ERASED,
        motherName: null,
        nik: null,
        nikHash: null,
        parentPhone: null,
        parentContactId: null,
        registeredByContactId: null,
      })
      .where(inArray(children.id, [...keepIds]));
  }
  // Kader-registered children: the kader's record stays, the person's link and phone go.
  const linkConditions: SQL[] = [eq(children.parentContactId, id)];
  if (phones.length) linkConditions.push(inArray(children.parentPhone, phones));
  const unlinked = await tx
    .update(children)
    .set({ parentContactId: null, parentPhone: null })
    .where(and(or(...linkConditions), ownIds.length ? notInArray(children.id, ownIds) : undefined))
    .returning({ id: children.id });

  await eraseFromAudit(tx, {
    fully: [
      { entity: "contact", ids: [id] },
      { entity: "handoff_question", ids: questions.map((q) => q.id) },
      { entity: "child", ids: ownIds },
    ],
    links: unlinked.map((c) => c.id),
    contactId: id,
    phones,
  });

  // The message ledger keeps its rows (counts, flood limits) without the chat ids in provider ids.
  await tx
    .update(inboundMessages)
    .set({ externalId: sql`'erased:' || ${inboundMessages.id}` })
    .where(eq(inboundMessages.contactId, id));

  // Outbox: messages to the person go with the contact (cascade); unowned ones to their chats
  // (apologies) go now; notices to staff about them are dropped if unsent, blanked if sent.
  for (const ch of channels) {
    await tx.delete(outbox).where(and(isNull(outbox.contactId), eq(outbox.channel, ch.channel), eq(outbox.address, ch.address)));
  }
  const aboutKeys = [
    `kader-pending:${id}:%`,
    ...questions.map((q) => `handoff:new:${q.id}:%`),
    ...requests.map((r) => `child-link:${r.number}:%`),
  ];
  const about = or(...aboutKeys.map((k) => sql`${outbox.dedupeKey} like ${k}`));
  await tx.delete(outbox).where(and(about, eq(outbox.status, "queued")));
  const strings = sweepStrings([
    ...phones,
    ...channels.map((c) => c.address),
    contact.name,
    contact.optOutReason,
    ...own.flatMap((c) => [c.name, c.motherName, c.nik]),
    ...questions.flatMap((q) => [q.question, q.answer]),
  ]);
  const mentions = strings.map((s) => sql`strpos(${outbox.message}::text, ${JSON.stringify(s).slice(1, -1)}) > 0`);
  await tx
    .update(outbox)
    .set({ message: { text: ERASED } })
    .where(and(sql`${outbox.status} <> 'queued'`, or(about, ...mentions)));

  await tx.delete(contacts).where(eq(contacts.id, id));
  const summary = { childrenDeleted: deleteIds.length, childrenKept: keepIds.size, childrenUnlinked: unlinked.length };
  if (deleteIds.length) await tx.delete(children).where(inArray(children.id, deleteIds));
  await recordAudit(tx, { actor: { kind: "system" }, action: "contact.erase", entity: "contact", entityId: id, after: summary, at: now });
  return summary;
}

/**
 * Blanks the person's values in audit entries, keeping each event: entries about the person, their
 * questions and own children lose every personal key and the free-text reason; entries about a
 * kader's child lose the link; any other entry naming their id or phone loses those values.
 */
async function eraseFromAudit(
  tx: DbOrTx,
  o: { fully: { entity: string; ids: string[] }[]; links: string[]; contactId: string; phones: string[] },
): Promise<void> {
  const fully = o.fully.filter((f) => f.ids.length > 0).map((f) => and(eq(auditLog.entity, f.entity), inArray(auditLog.entityId, f.ids)));
  const linked = o.links.length ? and(eq(auditLog.entity, "child"), inArray(auditLog.entityId, o.links)) : undefined;
  const mentionValues = [o.contactId, ...o.phones];
  const mentions = mentionValues.map(
    (v) => sql`(strpos(coalesce(${auditLog.before}::text, ''), ${v}) > 0 or strpos(coalesce(${auditLog.after}::text, ''), ${v}) > 0)`,
  );
  const rows = await tx
    .select()
    .from(auditLog)
    .where(or(...fully, linked, ...mentions));
  if (rows.length === 0) return;
  await queryRows(tx, sql`select set_config('balanting.audit_erasure', 'on', true)`);
  const fullyIds = new Set(o.fully.flatMap((f) => f.ids.map((i) => `${f.entity}:${i}`)));
  for (const row of rows) {
    const full = fullyIds.has(`${row.entity}:${row.entityId}`);
    const link = row.entity === "child" && o.links.includes(row.entityId);
    const blank = (snap: Record<string, unknown> | null) =>
      full ? redactSnapshot(snap, PERSONAL_KEYS) : blankMatching(link ? redactSnapshot(snap, LINK_KEYS) : snap, mentionValues);
    await tx
      .update(auditLog)
      .set({ before: blank(row.before ?? null), after: blank(row.after ?? null), reason: full ? null : row.reason })
      .where(eq(auditLog.id, row.id));
  }
  await queryRows(tx, sql`select set_config('balanting.audit_erasure', 'off', true)`);
}

/** Blanks the values (at any depth) that contain one of the person's values. */
function blankMatching(snap: Record<string, unknown> | null, values: readonly string[]): Record<string, unknown> | null {
  if (!snap) return snap;
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return values.some((x) => v.includes(x)) ? null : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(snap) as Record<string, unknown>;
}
