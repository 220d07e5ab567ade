// Deciding a parent's request to be linked to a kader-registered child (the rules are in
// linking.ts): the same use case for a kader or health worker replying SETUJU/TOLAK ANAK in chat and
// for staff in the admin API or console. Staff see only requests for children of their area, and
// only the last digits of the requester's phone (least access: enough to check with the family).
import { and, asc, count, desc, eq, sql } from "drizzle-orm";
import { notifyContact } from "../admin/kader.js";
import { auditSnapshot, recordAudit, type AuditActor } from "../platform/audit.js";
import { conflict, notFound } from "../platform/errors.js";
import { whereInScope, type ScopePrincipal } from "../platform/scope.js";
import { contactChannels, contacts } from "../contacts/contacts.sql.js";
import type { DbOrTx } from "../db/client.js";
import { linkChild } from "../reminders/enrol.js";
import { formatDate } from "../reminders/render.js";
import type { Runtime } from "../runtime.js";
import { childLinkRequests, children } from "./children.sql.js";
import type { Child } from "./index.js";
import { decideLinkRequest, type ChildLinkRequest } from "./linking.js";

const NS = "children:link.";

/** Who decided: a kader's chat contact, a staff account (in chat or in the API), or both. */
export interface LinkDecider {
  contactId?: string | null;
  accountId?: string | null;
}

export type LinkDecisionOutcome = "approved" | "rejected" | "approve_failed" | "not_pending";

/** The last digits of a phone, for staff checking who asks without the number spelled out. */
export function phoneHint(phone: string | null | undefined): string {
  return phone ? `…${phone.slice(-4)}` : "-";
}

/**
 * Records the decision on a pending request (once: a request decided meanwhile is `not_pending`),
 * links the parent on approval and tells them; the decision is in the audit log.
 */
export async function applyLinkDecision(
  rt: Runtime,
  tx: DbOrTx,
  request: ChildLinkRequest,
  child: Child,
  approve: boolean,
  decider: LinkDecider,
  now: Date,
): Promise<LinkDecisionOutcome> {
  const decided = await decideLinkRequest(tx, request.id, approve ? "approved" : "rejected", decider, now);
  if (!decided) return "not_pending";
  const actor: AuditActor = decider.accountId ? { kind: "account", accountId: decider.accountId } : { kind: "system" };
  await recordAudit(tx, {
    actor,
    action: approve ? "child_link.approve" : "child_link.reject",
    entity: "child_link_request",
    entityId: request.id,
    before: auditSnapshot({ status: request.status, childId: request.childId }),
    after: auditSnapshot({ status: decided.status, childId: decided.childId, decidedByContactId: decided.decidedByContactId }),
    at: now,
  });
  if (!approve) return "rejected";
  const [parent] = await tx.select().from(contacts).where(eq(contacts.id, request.contactId));
  const result = parent ? await linkChild(rt, tx, parent, child) : "taken";
  if (!parent || (result !== "linked" && result !== "already")) return "approve_failed";
  await notifyContact(tx, rt.i18n, parent, `${NS}approved_parent`, { name: child.name, birth: formatDate(child.birthDate) }, now);
  return "approved";
}

/** A request as staff see it: the child, its place, when, and a hint of who asks. */
export interface LinkRequestView {
  id: string;
  number: number;
  status: ChildLinkRequest["status"];
  childId: string;
  childName: string;
  childCode: string;
  desaCode: string | null;
  posyanduId: string | null;
  requesterChannel: string | null;
  requesterPhoneHint: string;
  createdAt: Date;
  decidedAt: Date | null;
}

export interface LinkRequestQuery {
  status?: ChildLinkRequest["status"];
  limit: number;
  offset: number;
}

/** Requests for children in the principal's area, pending first and oldest first among them. */
export async function listLinkRequests(
  db: DbOrTx,
  principal: ScopePrincipal,
  query: LinkRequestQuery,
): Promise<{ items: LinkRequestView[]; total: number }> {
  const where = and(
    whereInScope(principal, { desaCode: children.desaCode, posyanduId: children.posyanduId }),
    query.status ? eq(childLinkRequests.status, query.status) : undefined,
  );
  const [totalRow] = await db
    .select({ n: count() })
    .from(childLinkRequests)
    .innerJoin(children, eq(children.id, childLinkRequests.childId))
    .where(where);
  // One channel per requester: the one they wrote on last.
  const channel = db
    .selectDistinctOn([contactChannels.contactId], {
      contactId: contactChannels.contactId,
      channel: contactChannels.channel,
      phone: contactChannels.phone,
    })
    .from(contactChannels)
    .orderBy(contactChannels.contactId, sql`${contactChannels.lastInboundAt} desc nulls last`)
    .as("requester_channel");
  const rows = await db
    .select({
      request: childLinkRequests,
      child: { name: children.name, code: children.code, desaCode: children.desaCode, posyanduId: children.posyanduId },
      channel: channel.channel,
      phone: channel.phone,
    })
    .from(childLinkRequests)
    .innerJoin(children, eq(children.id, childLinkRequests.childId))
    .leftJoin(channel, eq(channel.contactId, childLinkRequests.contactId))
    .where(where)
    .orderBy(sql`${childLinkRequests.status} <> 'pending'`, asc(childLinkRequests.createdAt), desc(childLinkRequests.number))
    .limit(query.limit)
    .offset(query.offset);
  return {
    total: Number(totalRow?.n ?? 0),
    items: rows.map((r) => ({
      id: r.request.id,
      number: r.request.number,
      status: r.request.status,
      childId: r.request.childId,
      childName: r.child.name,
      childCode: r.child.code,
      desaCode: r.child.desaCode,
      posyanduId: r.child.posyanduId,
      requesterChannel: r.channel,
      requesterPhoneHint: phoneHint(r.phone),
      createdAt: r.request.createdAt,
      decidedAt: r.request.decidedAt,
    })),
  };
}

/** A request with its child, if the child is in the principal's area. */
export async function findLinkRequestInScope(
  db: DbOrTx,
  principal: ScopePrincipal,
  number: number,
): Promise<{ request: ChildLinkRequest; child: Child } | null> {
  const [row] = await db
    .select({ request: childLinkRequests, child: children })
    .from(childLinkRequests)
    .innerJoin(children, eq(children.id, childLinkRequests.childId))
    .where(
      and(eq(childLinkRequests.number, number), whereInScope(principal, { desaCode: children.desaCode, posyanduId: children.posyanduId })),
    );
  return row ?? null;
}

/**
 * A staff member of the child's area decides a request over the admin API (the same decision as
 * SETUJU/TOLAK ANAK in chat): 404 outside their area, 409 once decided.
 */
export async function decideLinkRequestAsStaff(
  rt: Runtime,
  by: { principal: ScopePrincipal; accountId: string },
  number: number,
  approve: boolean,
): Promise<Exclude<LinkDecisionOutcome, "not_pending">> {
  const outcome = await rt.db.transaction(async (tx) => {
    const found = await findLinkRequestInScope(tx, by.principal, number);
    if (!found) throw notFound("Link request");
    return applyLinkDecision(rt, tx, found.request, found.child, approve, { accountId: by.accountId }, rt.clock.now());
  });
  if (outcome === "not_pending") throw conflict("already_decided", "The request has been decided already");
  return outcome;
}
