// Answers to reminders (SUDAH, BELUM/TUNDA) and the kader's overdue list.
import { and, desc, eq, gte, inArray, sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../db/client.js";
import type { Runtime } from "../runtime.js";
import { addDays } from "./dates.js";
import type { Fire } from "./planning.js";
import { jitterFraction, localToday, sendAtFor } from "./send-at.js";
import { reminderFires, reminderPlans } from "./reminders.sql.js";
import { NOT_YET_RETRY_DAYS, ruleByKey } from "./rules.js";

/** A reply counts for the latest reminder sent within this many days. */
export const REPLY_WINDOW_DAYS = 30;
/** BELUM/TUNDA remind again at most this many times. follow_up 2 and 3 are those. */
export const MAX_SNOOZES = 2;
/** A reminder again after BELUM stays sendable this many days. */
const SNOOZE_LENGTH_DAYS = 3;

export interface Occurrence {
  planId: string;
  ruleKey: string;
  occurrence: string;
}

/** The confirmable reminders of the latest message that asked for SUDAH/BELUM and is still open. */
export async function openReminders(rt: Runtime, tx: DbOrTx, contactId: string): Promise<Fire[]> {
  const since = new Date(rt.clock.now().getTime() - REPLY_WINDOW_DAYS * 86_400_000);
  const sent = await tx
    .select()
    .from(reminderFires)
    .where(
      and(
        eq(reminderFires.contactId, contactId),
        eq(reminderFires.confirmable, true),
        eq(reminderFires.status, "sent"),
        gte(reminderFires.sentAt, since),
      ),
    )
    .orderBy(desc(reminderFires.sentAt))
    .limit(50);
  const latest = sent[0]?.sentAt?.getTime();
  return sent.filter((f) => f.sentAt?.getTime() === latest);
}

function sameOccurrence(occ: Occurrence) {
  return and(eq(reminderFires.planId, occ.planId), eq(reminderFires.ruleKey, occ.ruleKey), eq(reminderFires.occurrence, occ.occurrence));
}

/** SUDAH: the visit/immunisation is recorded done; its follow-ups and repeats will not be sent. */
export async function markDone(rt: Runtime, tx: DbOrTx, occurrences: Occurrence[]): Promise<number> {
  let n = 0;
  for (const occ of occurrences) {
    const rows = await tx
      .update(reminderFires)
      .set({ status: "done", doneAt: rt.clock.now() })
      .where(and(sameOccurrence(occ), inArray(reminderFires.status, ["pending", "sent"])))
      .returning({ id: reminderFires.id });
    n += rows.length > 0 ? 1 : 0;
  }
  return n;
}

export type SnoozeResult = {
  scheduled: number;
  limitReached: number;
  /** Already to be reminded again (a second BELUM/TUNDA before the first re-reminder went): its day. */
  pendingOn?: string;
};

/** BELUM/TUNDA: the same reminder again in 3 days (NOT_YET_RETRY_DAYS), at most twice per visit. */
export async function snooze(rt: Runtime, tx: DbOrTx, fires: Fire[]): Promise<SnoozeResult> {
  const result: SnoozeResult = { scheduled: 0, limitReached: 0 };
  const now = rt.clock.now();
  const due = addDays(localToday(rt, now), NOT_YET_RETRY_DAYS);
  const seen = new Set<string>();
  for (const fire of fires) {
    const key = `${fire.planId}|${fire.ruleKey}|${fire.occurrence}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const rows = await tx
      .select({ followUp: reminderFires.followUp, status: reminderFires.status, dueDate: reminderFires.dueDate })
      .from(reminderFires)
      .where(sameOccurrence(fire));
    // BELUM/TUNDA again before the re-reminder went: that one stands; a second
    // would use up both re-reminders before either is sent.
    const waiting = rows.find((r) => r.followUp >= 2 && r.status === "pending");
    if (waiting) {
      result.pendingOn = waiting.dueDate;
      continue;
    }
    const snoozes = rows.filter((r) => r.followUp >= 2).length;
    if (snoozes >= MAX_SNOOZES) {
      result.limitReached++;
      continue;
    }
    const [plan] = await tx.select().from(reminderPlans).where(eq(reminderPlans.id, fire.planId));
    if (!plan || plan.status !== "active") continue;
    const until = addDays(due, SNOOZE_LENGTH_DAYS - 1);
    const sendAt = sendAtFor(rt, { due, until }, plan.sendHour ?? rt.config.REMINDER_HOUR, jitterFraction(plan.contactId), now);
    if (!sendAt) continue;
    const rule = ruleByKey(fire.ruleKey);
    const main = await tx
      .select()
      .from(reminderFires)
      .where(and(sameOccurrence(fire), eq(reminderFires.followUp, 0)));
    const inserted = await tx
      .insert(reminderFires)
      .values({
        planId: fire.planId,
        contactId: fire.contactId,
        ruleKey: fire.ruleKey,
        occurrence: fire.occurrence,
        followUp: 2 + snoozes,
        kind: fire.kind,
        confirmable: true,
        // The question form ("sudah imunisasi …?") when the rule has one, else the reminder itself.
        messageKey: rule?.followUp?.messageKey ?? main[0]?.messageKey ?? fire.messageKey,
        vars: main[0]?.vars ?? fire.vars,
        dueDate: due,
        untilDate: until,
        sendAt,
      })
      .onConflictDoNothing()
      .returning({ id: reminderFires.id });
    result.scheduled += inserted.length;
  }
  return result;
}

export interface OverdueItem {
  childName: string | null;
  childCode: string | null;
  programme: string;
  ruleKey: string;
  vars: Record<string, string | number>;
  until: string;
  /** HPHT or birth date of the plan. */
  anchor: string;
}

/**
 * TERLAMBAT for a kader: visits and immunisations of the families of their posyandu whose window
 * has ended with a reminder sent and no SUDAH. Newest first, at most `limit`.
 */
export async function overdueForPosyandu(rt: Runtime, tx: DbOrTx, posyanduId: string, limit = 30): Promise<OverdueItem[]> {
  const today = localToday(rt);
  const rows = await queryRows<{
    child_name: string | null;
    child_code: string | null;
    programme: string;
    rule_key: string;
    vars: Record<string, string | number>;
    until_date: string;
    anchor: string;
  }>(
    tx,
    // Driven from the posyandu's people (children by their posyandu, pregnancies and mothers by
    // the contact's), then each plan's fires by the unique key's plan_id prefix: the cost follows
    // the size of one posyandu, not the regency's whole reminder history.
    sql`
      with plans as (
        select p.id, p.programme, p.anchor, p.child_id from children c
        join reminder_plans p on p.child_id = c.id
        where c.posyandu_id = ${posyanduId}::uuid and p.status = 'active'
        union all
        select p.id, p.programme, p.anchor, p.child_id from contacts ct
        join reminder_plans p on p.contact_id = ct.id and p.child_id is null
        where ct.posyandu_id = ${posyanduId}::uuid and p.status = 'active'
      )
      select c.name as child_name, c.code as child_code, p.programme, f.rule_key, f.vars, f.until_date::text as until_date, p.anchor::text as anchor
      from plans p
      cross join lateral (
        select f.rule_key, f.vars, f.until_date from reminder_fires f
        where f.plan_id = p.id and f.follow_up = 0 and f.confirmable and f.status = 'sent' and f.until_date < ${today}::date
        offset 0 -- keeps the look-up per plan (reminder_fires_once_uq), whatever the estimates
      ) f
      left join children c on c.id = p.child_id
      order by f.until_date desc, c.name
      limit ${limit}`,
  );
  return rows.map((r) => ({
    childName: r.child_name,
    childCode: r.child_code,
    programme: r.programme,
    ruleKey: r.rule_key,
    vars: typeof r.vars === "string" ? (JSON.parse(r.vars) as Record<string, string | number>) : r.vars,
    until: r.until_date.slice(0, 10),
    anchor: r.anchor.slice(0, 10),
  }));
}

/**
 * What TERLAMBAT can and cannot see in a posyandu: people with an active reminder plan (their
 * visits and immunisations are tracked), and children under five without one (registered by a
 * kader, parent not on Balanting): for those there is nothing to check, and the kader must be
 * told so rather than "nobody is late".
 */
export async function overdueCoverage(rt: Runtime, tx: DbOrTx, posyanduId: string): Promise<{ followed: number; unchecked: number }> {
  // followed: active plans (a child, a pregnancy, a mother after birth); unchecked: children.
  const today = localToday(rt);
  const [row] = await queryRows<{ followed: number; unchecked: number }>(
    tx,
    sql`
      select
        (select count(*)::int from (
           select p.id from children c join reminder_plans p on p.child_id = c.id
           where c.posyandu_id = ${posyanduId}::uuid and p.status = 'active'
           union all
           select p.id from contacts ct join reminder_plans p on p.contact_id = ct.id and p.child_id is null
           where ct.posyandu_id = ${posyanduId}::uuid and p.status = 'active'
         ) plans) as followed,
        (select count(*)::int from children c
           where c.posyandu_id = ${posyanduId}::uuid and c.birth_date > (${today}::date - interval '5 years')
             and not exists (select 1 from reminder_plans p where p.child_id = c.id and p.status = 'active')) as unchecked`,
  );
  return { followed: Number(row?.followed ?? 0), unchecked: Number(row?.unchecked ?? 0) };
}
