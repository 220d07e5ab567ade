// Referrals to the puskesmas serving the desa: created when a child or pregnant woman needs care,
// sent to the puskesmas staff's chats, acknowledged, given an outcome, reminded after 7 days.
import { and, asc, count, desc, eq, inArray, isNull, lte, ne, sql, type SQL } from "drizzle-orm";
import { staffChatsForDesa } from "../admin/notify.js";
import { whereInScope, type ScopePrincipal } from "../platform/scope.js";
import { enqueue } from "../channels/outbox.js";
import { children, pregnancies } from "../children/children.sql.js";
import { contactChannels } from "../contacts/contacts.sql.js";
import type { DbOrTx } from "../db/client.js";
import { posyandu, puskesmas, puskesmasDesa } from "../health-units/health-units.sql.js";
import type { I18n, Lang } from "../i18n/index.js";
import type { Job } from "../jobs/index.js";
import type { Runtime } from "../runtime.js";
import { growthSettings, referrals, type ReferralOutcome, type ReferralReason } from "./growth.sql.js";
import { REFERRAL_RULES, type ReferralRule } from "./referral-rules.js";
import { referralPriority } from "./rules.js";

export type Referral = typeof referrals.$inferSelect;

/** Open referrals are reminded once after this long without an outcome. */
export const REFERRAL_REMINDER_AFTER_MS = 7 * 24 * 60 * 60_000;

const RULES_KEY = "referral_rules";

/**
 * The weighing referral rules in force: the Pokja's setting (admin API) when there is one, else the
 * configured default (GROWTH_REFERRAL_RULES). Read per report, so a change applies at once.
 */
export async function referralRulesOf(
  db: DbOrTx,
  fallback: readonly ReferralRule[],
): Promise<{ rules: readonly ReferralRule[]; setting: typeof growthSettings.$inferSelect | null }> {
  const [row] = await db.select().from(growthSettings).where(eq(growthSettings.key, RULES_KEY));
  const value = row?.value;
  if (Array.isArray(value) && value.every((r) => (REFERRAL_RULES as readonly unknown[]).includes(r)))
    return { rules: value as ReferralRule[], setting: row ?? null };
  return { rules: fallback, setting: null };
}

/** Stores the Pokja's rule set; returns the row before (null when the default was in force). */
export async function setReferralRules(db: DbOrTx, rules: readonly ReferralRule[], accountId: string | null, now: Date) {
  const [before] = await db.select().from(growthSettings).where(eq(growthSettings.key, RULES_KEY)).for("update");
  const value = [...new Set(rules)];
  const [after] = await db
    .insert(growthSettings)
    .values({ key: RULES_KEY, value, updatedAt: now, updatedBy: accountId })
    .onConflictDoUpdate({ target: growthSettings.key, set: { value, updatedAt: now, updatedBy: accountId } })
    .returning();
  return { before: before ?? null, after: after as typeof growthSettings.$inferSelect };
}

export async function puskesmasForDesa(db: DbOrTx, desaCode: string | null): Promise<{ id: string; name: string } | null> {
  if (!desaCode) return null;
  const [row] = await db
    .select({ id: puskesmas.id, name: puskesmas.name })
    .from(puskesmasDesa)
    .innerJoin(puskesmas, eq(puskesmas.id, puskesmasDesa.puskesmasId))
    .where(eq(puskesmasDesa.desaCode, desaCode));
  return row ?? null;
}

/** Who the referral is about, as staff need it to find the person. */
async function subjectText(db: DbOrTx, i18n: I18n, lang: Lang, ref: Referral): Promise<string> {
  if (ref.childId) {
    const [c] = await db
      .select({
        name: children.name,
        code: children.code,
        birthDate: children.birthDate,
        motherName: children.motherName,
        posyandu: posyandu.name,
      })
      .from(children)
      .leftJoin(posyandu, eq(posyandu.id, children.posyanduId))
      .where(eq(children.id, ref.childId));
    if (!c) return "-";
    return i18n.t(lang, "growth:referral.subject_child", {
      name: c.name,
      code: c.code,
      birthDate: c.birthDate,
      mother: c.motherName ?? "-",
      posyandu: c.posyandu ?? "-",
    });
  }
  if (ref.pregnancyId) {
    const [p] = await db
      .select({ hpht: pregnancies.hpht, phone: contactChannels.phone })
      .from(pregnancies)
      .leftJoin(contactChannels, eq(contactChannels.contactId, pregnancies.contactId))
      .where(eq(pregnancies.id, ref.pregnancyId));
    // Puskesmas staff may see phone numbers (admin SEES_PHONE_NUMBERS): they call the mother.
    return i18n.t(lang, "growth:referral.subject_pregnancy", { hpht: p?.hpht ?? "-", phone: p?.phone ?? "-" });
  }
  return "-";
}

export function reasonsText(i18n: I18n, lang: Lang, reasons: readonly ReferralReason[]): string {
  return reasons.map((r) => i18n.t(lang, `growth:reason.${r}`)).join(", ");
}

export type NotifyKind = "new" | "update" | "reminder";

/**
 * Queues the referral (new, updated with new reasons, or its reminder) to every chat of the
 * puskesmas and the bidan of the desa; exactly once per key. An urgent referral says so first.
 */
export async function notifyPuskesmas(
  db: DbOrTx,
  i18n: I18n,
  ref: Referral,
  now: Date,
  kind: NotifyKind,
  added: readonly ReferralReason[] = [],
): Promise<number> {
  if (!ref.puskesmasId) return 0;
  // The puskesmas and the bidan of the desa follow referrals up (the Pokja when nobody is linked there).
  const chats = await staffChatsForDesa(db, ref.desaCode);
  // One update message per change: the reasons it added name it.
  const key = kind === "update" ? `referral:update:${ref.id}:${[...added].sort().join("+")}` : `referral:${kind}:${ref.id}`;
  let queued = 0;
  for (const chat of chats) {
    const vars = {
      number: ref.number,
      subject: await subjectText(db, i18n, chat.lang, ref),
      reasons: reasonsText(i18n, chat.lang, ref.reasons),
      added: reasonsText(i18n, chat.lang, added),
    };
    const lines = [];
    if (ref.priority === "urgent") lines.push(i18n.t(chat.lang, "growth:referral.urgent_head", vars));
    lines.push(i18n.t(chat.lang, `growth:referral.${kind === "new" ? "notify" : kind}`, vars));
    const ids = await enqueue(
      db,
      [
        {
          contactId: chat.contactId,
          channel: chat.channel,
          address: chat.address,
          kind: "referral",
          message: { text: lines.join("\n") },
          dedupeKey: `${key}:${chat.contactId}`,
        },
      ],
      now,
    );
    queued += ids.length;
  }
  return queued;
}

export interface NewReferral {
  childId?: string;
  pregnancyId?: string;
  measurementId?: string;
  desaCode: string | null;
  posyanduId: string | null;
  reasons: ReferralReason[];
  createdByContactId: string | null;
}

export interface ReferralResult {
  referral: Referral;
  created: boolean;
  /** Reasons added to a referral that was already open (the puskesmas and bidan were told again). */
  added: ReferralReason[];
  puskesmasName: string | null;
  notified: number;
}

/**
 * Creates a referral for the puskesmas of the desa and notifies it. A person has one referral not
 * yet closed at a time: when one is open (or acknowledged) and the child got worse — a reason the
 * puskesmas has not heard yet — the reason is added, the priority raised when it is more severe,
 * and the puskesmas and bidan are told again what changed.
 */
export async function createReferral(db: DbOrTx, i18n: I18n, input: NewReferral, now: Date): Promise<ReferralResult> {
  const who = input.childId
    ? eq(referrals.childId, input.childId)
    : eq(referrals.pregnancyId, input.pregnancyId ?? "00000000-0000-0000-0000-000000000000");
  const unit = await puskesmasForDesa(db, input.desaCode);
  const [open] = await db
    .select()
    .from(referrals)
    .where(and(who, ne(referrals.status, "closed")))
    .orderBy(desc(referrals.createdAt))
    .limit(1)
    .for("update");
  const priority = referralPriority(input.reasons);
  if (open) {
    const added = input.reasons.filter((r) => !open.reasons.includes(r));
    if (added.length === 0) return { referral: open, created: false, added, puskesmasName: unit?.name ?? null, notified: 0 };
    const [updated] = await db
      .update(referrals)
      .set({
        reasons: [...open.reasons, ...added],
        priority: open.priority === "urgent" ? "urgent" : priority,
        updatedAt: now,
        measurementId: input.measurementId ?? open.measurementId,
      })
      .where(eq(referrals.id, open.id))
      .returning();
    if (!updated) throw new Error("updating a referral");
    const notified = await notifyPuskesmas(db, i18n, updated, now, "update", added);
    return { referral: updated, created: false, added, puskesmasName: unit?.name ?? null, notified };
  }
  const [referral] = await db
    .insert(referrals)
    .values({
      childId: input.childId ?? null,
      pregnancyId: input.pregnancyId ?? null,
      measurementId: input.measurementId ?? null,
      puskesmasId: unit?.id ?? null,
      desaCode: input.desaCode,
      posyanduId: input.posyanduId,
      reasons: input.reasons,
      priority,
      createdByContactId: input.createdByContactId,
      createdAt: now,
    })
    .returning();
  if (!referral) throw new Error("creating a referral");
  const notified = await notifyPuskesmas(db, i18n, referral, now, "new");
  return { referral, created: true, added: [], puskesmasName: unit?.name ?? null, notified };
}

/** The referral of a child not yet closed, if any (advice for a weight-only re-measure). */
export async function openReferralOfChild(db: DbOrTx, childId: string): Promise<Referral | undefined> {
  const [row] = await db
    .select()
    .from(referrals)
    .where(and(eq(referrals.childId, childId), ne(referrals.status, "closed")))
    .orderBy(desc(referrals.createdAt))
    .limit(1);
  return row;
}

/** Referrals a staff member may see: the admin module's area scope on the referral's desa/posyandu. */
export function referralsInScope(principal: ScopePrincipal): SQL {
  return whereInScope(principal, { desaCode: referrals.desaCode, posyanduId: referrals.posyanduId });
}

/** A referral with whom it is about, as staff lists show it. */
export type ListedReferral = Referral & { childName: string | null; childCode: string | null };

/** A page of the area's referrals, newest first, with the child's name and the total. */
export async function listReferrals(
  db: DbOrTx,
  principal: ScopePrincipal,
  filter: { status?: Referral["status"]; limit: number; offset: number },
): Promise<{ items: ListedReferral[]; total: number }> {
  const where = and(referralsInScope(principal), filter.status ? eq(referrals.status, filter.status) : undefined);
  const rows = await db
    .select({ referral: referrals, childName: children.name, childCode: children.code })
    .from(referrals)
    .leftJoin(children, eq(children.id, referrals.childId))
    .where(where)
    // Urgent ones (gizi buruk: seen today) first, then the newest.
    .orderBy(sql`(${referrals.priority} = 'urgent') desc`, desc(referrals.createdAt))
    .limit(filter.limit)
    .offset(filter.offset);
  const [total] = await db.select({ n: count() }).from(referrals).where(where);
  return { items: rows.map((r) => ({ ...r.referral, childName: r.childName, childCode: r.childCode })), total: Number(total?.n ?? 0) };
}

export type ReferralChange = { ok: true; referral: Referral } | { ok: false; reason: "not_found" | "closed" };

async function referralForChange(db: DbOrTx, principal: ScopePrincipal, id: string): Promise<Referral | undefined> {
  const [row] = await db
    .select()
    .from(referrals)
    .where(and(eq(referrals.id, id), referralsInScope(principal)))
    .for("update");
  return row;
}

export async function acknowledgeReferral(
  db: DbOrTx,
  principal: ScopePrincipal,
  id: string,
  accountId: string | null,
  now: Date,
): Promise<ReferralChange> {
  const row = await referralForChange(db, principal, id);
  if (!row) return { ok: false, reason: "not_found" };
  if (row.status === "closed") return { ok: false, reason: "closed" };
  if (row.status === "acknowledged") return { ok: true, referral: row };
  const [after] = await db
    .update(referrals)
    .set({ status: "acknowledged", acknowledgedAt: now, acknowledgedBy: accountId })
    .where(eq(referrals.id, id))
    .returning();
  return { ok: true, referral: after as Referral };
}

/**
 * Records what happened. "datang" (the person came) keeps the referral followed (acknowledged);
 * "ditangani" (treated) and "sembuh-membaik" (recovered/improving) close it.
 */
export async function recordReferralOutcome(
  db: DbOrTx,
  principal: ScopePrincipal,
  id: string,
  outcome: ReferralOutcome,
  accountId: string | null,
  now: Date,
): Promise<ReferralChange> {
  const row = await referralForChange(db, principal, id);
  if (!row) return { ok: false, reason: "not_found" };
  if (row.status === "closed") return { ok: false, reason: "closed" };
  const closes = outcome !== "datang";
  const [after] = await db
    .update(referrals)
    .set({
      outcome,
      outcomeAt: now,
      status: closes ? "closed" : "acknowledged",
      closedAt: closes ? now : null,
      acknowledgedAt: row.acknowledgedAt ?? now,
      acknowledgedBy: row.acknowledgedBy ?? accountId,
    })
    .where(eq(referrals.id, id))
    .returning();
  return { ok: true, referral: after as Referral };
}

/** Reminds the puskesmas once about referrals still without an outcome after 7 days. */
export async function remindOpenReferrals(rt: Pick<Runtime, "db" | "i18n" | "clock">): Promise<{ reminded: number; queued: number }> {
  const now = rt.clock.now();
  const due = new Date(now.getTime() - REFERRAL_REMINDER_AFTER_MS);
  return rt.db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(referrals)
      .where(
        and(
          inArray(referrals.status, ["open", "acknowledged"]),
          isNull(referrals.outcome),
          isNull(referrals.remindedAt),
          lte(referrals.createdAt, due),
        ),
      )
      .orderBy(asc(referrals.createdAt))
      .limit(500)
      .for("update", { skipLocked: true });
    let queued = 0;
    for (const ref of rows) {
      queued += await notifyPuskesmas(tx, rt.i18n, ref, now, "reminder");
      await tx.update(referrals).set({ remindedAt: now }).where(eq(referrals.id, ref.id));
    }
    return { reminded: rows.length, queued };
  });
}

/** Daily at 08:00 in the service's time zone (WITA; startJobs passes config.TIMEZONE). */
export const referralReminderJob: Job = {
  name: "referral-reminders",
  schedule: "0 8 * * *",
  run: (rt) => remindOpenReferrals(rt),
};
