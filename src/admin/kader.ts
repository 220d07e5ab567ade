// Kader who registered by chat wait as contacts with kaderStatus 'pending' until a Pokja or
// puskesmas user approves them and assigns their posyandu.
import { and, eq } from "drizzle-orm";
import { contacts } from "../contacts/contacts.sql.js";
import { enqueue } from "../channels/outbox.js";
import type { DbOrTx } from "../db/client.js";
import { posyandu } from "../health-units/health-units.sql.js";
import { posyanduLabel } from "../health-units/label.js";
import type { I18n } from "../i18n/index.js";
import { recordAudit, type AuditActor } from "../platform/audit.js";
import { conflict, notFound } from "../platform/errors.js";
import { peopleInScope } from "./people.js";
import { posyanduInScope, type ScopePrincipal } from "../platform/scope.js";
import { preferredChannel } from "../contacts/preferred-channel.js";
import { syncPosyanduDays } from "../reminders/index.js";
import type { Runtime } from "../runtime.js";

type ContactRow = typeof contacts.$inferSelect;

/** A kader contact in the principal's area, locked for the change. */
async function kaderInScope(tx: DbOrTx, principal: ScopePrincipal, contactId: string): Promise<ContactRow> {
  const [row] = await tx
    .select()
    .from(contacts)
    .where(and(eq(contacts.id, contactId), eq(contacts.role, "kader"), peopleInScope(principal)))
    .for("update");
  if (!row) throw notFound("Kader");
  return row;
}

/** Queues a chat message to the contact on the channel they last wrote from, in their language. */
export async function notifyContact(
  tx: DbOrTx,
  i18n: I18n,
  contact: ContactRow,
  keys: string | string[],
  vars: Record<string, unknown>,
  now: Date,
): Promise<boolean> {
  const channel = await preferredChannel(tx, contact.id);
  if (!channel) return false;
  await enqueue(
    tx,
    [
      {
        contactId: contact.id,
        channel: channel.channel,
        address: channel.address,
        kind: "alert",
        message: {
          text: [keys]
            .flat()
            .map((key) => i18n.t(contact.lang ?? "id", key, vars))
            .join("\n\n"),
        },
      },
    ],
    now,
  );
  return true;
}

export interface KaderDecision {
  principal: ScopePrincipal;
  actor: AuditActor;
  contactId: string;
  now: Date;
  i18n: I18n;
}

export async function approveKader(tx: DbOrTx, d: KaderDecision & { posyanduId: string }): Promise<ContactRow> {
  const before = await kaderInScope(tx, d.principal, d.contactId);
  if (before.kaderStatus !== "pending") throw conflict("not_pending", "This kader is not waiting for approval");
  if (!(await posyanduInScope(tx, d.principal, d.posyanduId))) throw notFound("Posyandu");
  const [unit] = await tx.select().from(posyandu).where(eq(posyandu.id, d.posyanduId));
  // The kader works at the posyandu, so they live on the map where it is.
  const [after] = await tx
    .update(contacts)
    .set({ kaderStatus: "active", posyanduId: d.posyanduId, desaCode: unit?.desaCode ?? before.desaCode })
    .where(eq(contacts.id, before.id))
    .returning();
  await recordAudit(tx, { actor: d.actor, action: "kader.approve", entity: "contact", entityId: before.id, before, after, at: d.now });
  // The approval is when the kader learns what they can now do: the kader commands follow it.
  await notifyContact(
    tx,
    d.i18n,
    after as ContactRow,
    ["admin:kader.approved", "conversation:kader_commands"],
    { posyandu: posyanduLabel(unit?.name) },
    d.now,
  );
  return after as ContactRow;
}

/**
 * Approves a kader and assigns their posyandu, in one transaction; a kader's own pregnancy
 * reminders (if any) follow the posyandu they are assigned to.
 */
export async function approveKaderAtPosyandu(
  rt: Runtime,
  d: Omit<KaderDecision, "now" | "i18n"> & { posyanduId: string },
): Promise<ContactRow> {
  return rt.db.transaction(async (tx) => {
    const approved = await approveKader(tx, { ...d, now: rt.clock.now(), i18n: rt.i18n });
    await syncPosyanduDays(rt, tx, { contactId: approved.id });
    return approved;
  });
}

/** Rejects a pending registration or deactivates an active kader (both end as inactive). */
export async function deactivateKader(
  tx: DbOrTx,
  d: KaderDecision & { reason: string; expect: "pending" | "active" },
): Promise<ContactRow> {
  const before = await kaderInScope(tx, d.principal, d.contactId);
  if (before.kaderStatus !== d.expect) {
    throw conflict(d.expect === "pending" ? "not_pending" : "not_active", `This kader is not ${d.expect}`);
  }
  const [after] = await tx.update(contacts).set({ kaderStatus: "inactive" }).where(eq(contacts.id, before.id)).returning();
  const action = d.expect === "pending" ? "kader.reject" : "kader.deactivate";
  await recordAudit(tx, { actor: d.actor, action, entity: "contact", entityId: before.id, before, after, reason: d.reason, at: d.now });
  await notifyContact(
    tx,
    d.i18n,
    after as ContactRow,
    d.expect === "pending" ? "admin:kader.rejected" : "admin:kader.deactivated",
    {},
    d.now,
  );
  return after as ContactRow;
}
