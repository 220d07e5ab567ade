// The chat side of linking a parent to a kader-registered child (rules in linking.ts): a code
// typed during DAFTAR or TAMBAH ANAK, a parent linked by phone after registering, and the kader's
// or bidan's SETUJU ANAK n / TOLAK ANAK n on a link request.
import { and, eq } from "drizzle-orm";
import { accountForContact } from "../admin/chat-link.js";
import { principalOf } from "../admin/accounts.js";
import { notifyContact } from "../admin/kader.js";
import { staffChatsForDesa } from "../admin/notify.js";
import { whereInScope } from "../platform/scope.js";
import { enqueue } from "../channels/outbox.js";
import { contacts } from "../contacts/contacts.sql.js";
import type { Contact } from "../contacts/index.js";
import type { ConversationDomain } from "../conversation/domain.js";
import type { Turn } from "../conversation/turn.js";
import type { DbOrTx } from "../db/client.js";
import { linkChild } from "../reminders/enrol.js";
import type { Runtime } from "../runtime.js";
import { children } from "./children.sql.js";
import { findChildByCode, type Child } from "./index.js";
import {
  codeAttemptsInLastHour,
  decideCodeLink,
  linkRequestByNumber,
  mayTryCode,
  openLinkRequest,
  recordCodeAttempt,
  unlinkedChildrenByPhone,
  verifiedPhonesOf,
} from "./linking.js";
import { preferredChannel } from "../contacts/preferred-channel.js";
import { applyLinkDecision, phoneHint } from "./link-requests.js";

const NS = "children:link.";

/**
 * A child code typed by a parent. Returns the child when the person is (now) its linked parent;
 * otherwise the turn has been answered — alike for a wrong, unknown or someone else's code.
 */
export async function linkByCode(turn: Turn, code: string): Promise<Child | null> {
  const { tx, now } = turn;
  if (!mayTryCode(await codeAttemptsInLastHour(tx, turn.contact.id, now))) {
    turn.say(`${NS}too_many`);
    return null;
  }
  const child = await findChildByCode(tx, code);
  const decision = decideCodeLink(child, turn.contact.id, await verifiedPhonesOf(tx, turn.contact.id));
  if (child && (decision === "link" || decision === "already")) {
    const result = await linkChild(turn.rt, tx, turn.contact, child);
    if (result === "linked" || result === "already") return child;
  }
  await recordCodeAttempt(tx, turn.contact.id, now);
  if (child && decision === "request") {
    const { request, created } = await openLinkRequest(tx, child.id, turn.contact.id, now);
    if (created) await askApprovers(turn.rt, tx, child, turn.contact, request.number, now);
  }
  turn.say(`${NS}pending`);
  return null;
}

/** The active kader of the child's posyandu and the bidan/puskesmas of its desa hear of the request. */
async function askApprovers(rt: Runtime, tx: DbOrTx, child: Child, requester: Contact, number: number, now: Date): Promise<void> {
  const channel = await preferredChannel(tx, requester.id);
  const vars = { number, name: child.name, code: child.code, channel: channel?.channel ?? "-", phone: phoneHint(channel?.phone) };
  const kaders = child.posyanduId
    ? await tx
        .select()
        .from(contacts)
        .where(and(eq(contacts.role, "kader"), eq(contacts.kaderStatus, "active"), eq(contacts.posyanduId, child.posyanduId)))
    : [];
  for (const kader of kaders) await notifyContact(tx, rt.i18n, kader, `${NS}request`, vars, now);
  const staff = await staffChatsForDesa(tx, child.desaCode);
  await enqueue(
    tx,
    staff.map((s) => ({
      contactId: s.contactId,
      channel: s.channel,
      address: s.address,
      kind: "alert",
      message: { text: rt.i18n.t(s.lang, `${NS}request`, vars) },
      dedupeKey: `child-link:${number}:${s.contactId}`,
    })),
    now,
  );
}

/**
 * Links a parent to every unlinked child a kader registered with one of the parent's verified
 * phones (a parent registering after the kader, or sharing their number later). Returns them.
 */
export async function linkByPhone(rt: Runtime, tx: DbOrTx, contact: Contact, phones: readonly string[]): Promise<Child[]> {
  const linked: Child[] = [];
  for (const child of await unlinkedChildrenByPhone(tx, phones)) {
    if ((await linkChild(rt, tx, contact, child)) === "linked") linked.push(child);
  }
  return linked;
}

const DECISION = /^(setuju|tolak|terima|tulak)\s+(?:anak\s+)?l-?\s?(\d{1,9})$/i;

/** SETUJU ANAK L-12 / TOLAK ANAK L-12 from the kader of the child's posyandu or staff of its area. */
export async function handleLinkDecision(turn: Turn): Promise<boolean> {
  const m = DECISION.exec(turn.text.replace(/\s+/g, " ").trim());
  if (!m) return false;
  const approve = /^(setuju|terima)$/i.test(m[1] as string);
  const request = await linkRequestByNumber(turn.tx, Number(m[2]));
  const [child] = request ? await turn.tx.select().from(children).where(eq(children.id, request.childId)) : [];
  const decider = child ? await mayDecide(turn, child) : null;
  if (!request || !child || !decider || request.status !== "pending") {
    turn.say(`${NS}decision_unknown`, { number: m[2] });
    return true;
  }
  const outcome = await applyLinkDecision(turn.rt, turn.tx, request, child, approve, decider, turn.now);
  const vars = { number: request.number, name: child.name };
  if (outcome === "not_pending") turn.say(`${NS}decision_unknown`, { number: m[2] });
  else turn.say(`${NS}${outcome}`, vars);
  return true;
}

/** Who decides: an active kader of the child's posyandu, or a linked staff account reaching the child. */
async function mayDecide(turn: Turn, child: Child): Promise<{ contactId: string; accountId?: string } | null> {
  if (!turn.staffRolesAllowed) return null;
  const c = turn.contact;
  if (c.role === "kader" && c.kaderStatus === "active" && c.posyanduId && c.posyanduId === child.posyanduId) return { contactId: c.id };
  const account = await accountForContact(turn.tx, c.id);
  if (!account) return null;
  const [inScope] = await turn.tx
    .select({ id: children.id })
    .from(children)
    .where(
      and(eq(children.id, child.id), whereInScope(principalOf(account), { desaCode: children.desaCode, posyanduId: children.posyanduId })),
    );
  return inScope ? { contactId: c.id, accountId: account.id } : null;
}

/** SETUJU/TOLAK L-12: a kader or health worker decides on a parent's request to link a child. */
export const childLinkConversation: ConversationDomain = {
  name: "child-links",
  handlers: [handleLinkDecision],
  keywords: [{ prefixes: ["setuju l", "setuju anak", "tolak l", "tolak anak", "tulak l", "tulak anak", "terima l", "terima anak"] }],
};
