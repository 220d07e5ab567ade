// The posyandu day a plan is reminded of follows the posyandu itself: when a posyandu's
// monthly day changes, or a person or child moves to another posyandu, the affected active plans
// take the new day, their pending posyandu reminders are dropped and they are planned again.
// Set-based: a posyandu of hundreds of families costs a handful of statements, not a few per plan.
import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../db/client.js";
import type { Runtime } from "../runtime.js";
import { dayInMonth } from "./dates.js";
import { firesOf, insertFires, pregnancyHbLow, type Plan } from "./planning.js";
import { localToday } from "./send-at.js";
import { dueSlice, posyanduEntries, type PlanEntry } from "./programme.js";
import { REMINDER_RULES, type PosyanduRule } from "./rules.js";
import { reminderPlans } from "./reminders.sql.js";

/** Whose plans to bring in step: everyone of a posyandu, one person, or one child. */
export type PosyanduDayScope = { posyanduId: string } | { contactId: string } | { childId: string };

export interface PosyanduDaySync {
  /** Active plans whose posyandu day changed. */
  plans: number;
  /** Reminders planned again for them (due today, or a moved date's reminder). */
  fires: number;
}

const MOVED_RULES = new Map(REMINDER_RULES.filter((r): r is PosyanduRule => r.anchor === "posyandu-day").map((r) => [r.key, r]));

const jsonIds = (ids: readonly string[]) => sql`(select value::uuid from json_array_elements_text(${JSON.stringify(ids)}::json))`;

/**
 * Sets each affected active plan's posyandu day to its posyandu's current day: a child plan the
 * child's posyandu, a pregnancy plan the mother's (as enrol.ts picks them; postnatal plans have no
 * posyandu reminders). Call it inside the transaction that made the change.
 *
 * For a plan whose day changed: its pending posyandu reminders are deleted (sent ones stay, so
 * their (plan, rule, month) key keeps this month's reminder from going out twice), and it is
 * planned again from today as after an HPHT correction. When this month's reminder was already
 * sent for a date still ahead and the new date differs and is still ahead, one reminder saying the
 * date moved goes the day before the new date.
 */
export async function syncPosyanduDays(rt: Runtime, tx: DbOrTx, scope: PosyanduDayScope): Promise<PosyanduDaySync> {
  const today = localToday(rt);
  const now = rt.clock.now();
  // Candidate plans by the indexes of the scope (children/contacts by posyandu, plans by child or
  // contact), never a walk over every active plan.
  const candidates =
    "posyanduId" in scope
      ? sql`select p.id from reminder_plans p join children ch on ch.id = p.child_id
              where ch.posyandu_id = ${scope.posyanduId}::uuid and p.programme = 'child' and p.status = 'active'
            union all
            select p.id from reminder_plans p join contacts c on c.id = p.contact_id
              where c.posyandu_id = ${scope.posyanduId}::uuid and p.programme = 'pregnancy' and p.status = 'active'`
      : "contactId" in scope
        ? sql`select id from reminder_plans where contact_id = ${scope.contactId}::uuid and status = 'active'`
        : sql`select id from reminder_plans where child_id = ${scope.childId}::uuid and status = 'active'`;
  const changed = await queryRows<{ id: string }>(
    tx,
    sql`
      with target as (
        select p.id, y.day_of_month as day
        from reminder_plans p
        left join children ch on ch.id = p.child_id
        left join contacts c on c.id = p.contact_id
        left join posyandu y on y.id = case when p.programme = 'child' then ch.posyandu_id else c.posyandu_id end
        where p.id in (${candidates}) and p.programme in ('child', 'pregnancy')
      )
      update reminder_plans p set posyandu_day = t.day, planned_through = null, next_due = ${today}::date
      from target t
      where p.id = t.id and p.posyandu_day is distinct from t.day
      returning p.id`,
  );
  if (changed.length === 0) return { plans: 0, fires: 0 };
  const ids = changed.map((r) => r.id);

  // Only unsent ones: a dispatcher claiming one right now makes this wait, and then keeps it (sent).
  await tx.execute(sql`delete from reminder_fires where plan_id in ${jsonIds(ids)} and status = 'pending' and kind = 'posyandu'`);

  const plans: Plan[] = await tx
    .select()
    .from(reminderPlans)
    .where(sql`${reminderPlans.id} in ${jsonIds(ids)}`);
  // The latest posyandu reminder each plan was sent for a posyandu date not yet past: what the
  // family now believes is the date.
  const believed = await queryRows<{ plan_id: string; rule_key: string; until_date: string }>(
    tx,
    sql`
      select distinct on (plan_id) plan_id, rule_key, until_date::text as until_date
      from reminder_fires
      where plan_id in ${jsonIds(ids)} and kind = 'posyandu' and status = 'sent' and until_date >= ${today}::date
      order by plan_id, sent_at desc, id desc`,
  );
  const told = new Map(believed.map((b) => [b.plan_id, b]));

  const rows: Parameters<typeof insertFires>[1] = [];
  const next: { id: string; nextDue: string | null }[] = [];
  for (const plan of plans) {
    const key = { programme: plan.programme, anchor: plan.anchor, hbLow: await pregnancyHbLow(tx, plan) };
    const slice = dueSlice(key, plan.posyanduDay, null, today, today);
    const entries: PlanEntry[] = [...slice.entries];
    const moved = movedEntry(plan, told.get(plan.id), today);
    if (moved) entries.push(moved);
    rows.push(...firesOf(rt, plan, entries, now));
    next.push({ id: plan.id, nextDue: slice.nextDue });
  }
  // Fires already made (sent, done, still pending) are kept by the unique key.
  const fires = await insertFires(tx, rows);
  await tx.execute(sql`
    update reminder_plans p set planned_through = ${today}::date, next_due = v."nextDue"
    from json_to_recordset(${JSON.stringify(next)}::json) as v(id uuid, "nextDue" date)
    where p.id = v.id`);
  return { plans: plans.length, fires };
}

/**
 * The "posyandu day moved" reminder, when the family was told of a date in this month that has
 * not passed and the new day puts the posyandu on another date still ahead. Its occurrence is the
 * new date, so no date is announced twice.
 */
function movedEntry(plan: Plan, told: { rule_key: string; until_date: string } | undefined, today: string): PlanEntry | null {
  if (!told || plan.posyanduDay === null) return null;
  const rule = MOVED_RULES.get(told.rule_key);
  if (!rule) return null;
  const month = told.until_date.slice(0, 7);
  const date = dayInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)), plan.posyanduDay);
  if (date === told.until_date || date <= today) return null;
  // The month's reminder as planned for the new day: the rule's conditions (balita age, pregnancy
  // weeks) are checked the same way.
  const entry = posyanduEntries({ programme: plan.programme, anchor: plan.anchor, hbLow: false }, plan.posyanduDay, date).find(
    (e) => e.ruleKey === rule.key && e.occurrence === month,
  );
  if (!entry) return null;
  return { ...entry, occurrence: date, messageKey: rule.movedMessageKey };
}
