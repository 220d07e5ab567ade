// Planning, the first step of the durable reminder queue (dispatch.ts is the second): plans whose
// next reminder is due today become `reminder_fires` rows (one row per plan, rule, occurrence and
// follow-up: the unique key makes planning idempotent). Short transactions; any number of
// instances may run it at once.
import { and, asc, eq, getTableColumns, lte, sql } from "drizzle-orm";
import { queryRows, type DbOrTx, type Tx } from "../db/client.js";
import type { Runtime } from "../runtime.js";
import { dueSlice, type PlanEntry } from "./programme.js";
import { pregnancies } from "../children/children.sql.js";
import { reminderFires, reminderPlans } from "./reminders.sql.js";
import { jitterFraction, localToday, sendAtFor } from "./send-at.js";

export type Plan = typeof reminderPlans.$inferSelect;
export type Fire = typeof reminderFires.$inferSelect;

export interface PlanStats {
  plans: number;
  fires: number;
}

/** The fire rows of a plan's slice (pure apart from the config it reads). */
export function firesOf(rt: Runtime, plan: Plan, entries: readonly PlanEntry[], now: Date): (typeof reminderFires.$inferInsert)[] {
  const hour = plan.sendHour ?? rt.config.REMINDER_HOUR;
  const fraction = jitterFraction(plan.contactId);
  const rows: (typeof reminderFires.$inferInsert)[] = [];
  for (const e of entries) {
    const sendAt = sendAtFor(rt, e, hour, fraction, now);
    if (!sendAt) continue; // window already over: nothing to send
    rows.push({
      planId: plan.id,
      contactId: plan.contactId,
      ruleKey: e.ruleKey,
      occurrence: e.occurrence,
      followUp: e.followUp,
      kind: e.kind,
      confirmable: e.confirmable,
      messageKey: e.messageKey,
      vars: e.vars,
      dueDate: e.due,
      untilDate: e.until,
      sendAt,
    });
  }
  return rows;
}

/** Plans the fires of one plan due through today; for enrolment and corrections (inside a turn). */
export async function planOne(
  rt: Runtime,
  tx: DbOrTx,
  plan: Plan,
  now = rt.clock.now(),
  options: { catchUp?: boolean } = {},
): Promise<number> {
  const today = localToday(rt, now);
  const hbLow = await pregnancyHbLow(tx, plan);
  const slice = dueSlice(
    { programme: plan.programme, anchor: plan.anchor, hbLow },
    plan.posyanduDay,
    plan.plannedThrough,
    today,
    today,
    options,
  );
  const inserted = await insertFires(tx, firesOf(rt, plan, slice.entries, now));
  await tx.update(reminderPlans).set({ plannedThrough: today, nextDue: slice.nextDue }).where(eq(reminderPlans.id, plan.id));
  return inserted;
}

/** The pregnancy's own Hb flag (pregnancies.hb_low, set by the kader's HAMIL): the one source of truth. */
export async function pregnancyHbLow(tx: DbOrTx, plan: Plan): Promise<boolean> {
  if (plan.programme !== "pregnancy" || !plan.pregnancyId) return false;
  const [row] = await tx.select({ hbLow: pregnancies.hbLow }).from(pregnancies).where(eq(pregnancies.id, plan.pregnancyId));
  return row?.hbLow ?? false;
}

/** The same, inside the planner's select: one look-up by primary key per pregnancy plan. */
const planHbLow = sql<boolean>`(${reminderPlans.programme} = 'pregnancy' and coalesce((select ${pregnancies.hbLow} from ${pregnancies} where ${pregnancies.id} = ${reminderPlans.pregnancyId}), false))`;

const INSERT_CHUNK = 1000;

/**
 * Turns every active plan whose next reminder is due today (or earlier, after downtime) into fire
 * rows, `batchSize` plans per transaction. Plans are claimed FOR UPDATE SKIP LOCKED, so instances
 * share the work; the unique key makes a repeated plan step harmless.
 */
export async function planDue(rt: Runtime, options: { batchSize?: number; now?: Date; workers?: number } = {}): Promise<PlanStats> {
  const now = options.now ?? rt.clock.now();
  const today = localToday(rt, now);
  const batchSize = options.batchSize ?? 1000;
  const workers = options.workers ?? (rt.engine === "postgres" ? 2 : 1);
  const stats: PlanStats = { plans: 0, fires: 0 };
  // A keyset cursor (next_due, id) shared by this call's workers: each index entry is read once,
  // instead of every batch wading again through the entries the batches before it just moved.
  let cursor: { nextDue: string; id: string } | null = null;
  const select = serialised();
  const worker = async (): Promise<void> => {
    for (;;) {
      const done = await rt.db.transaction(async (tx) => {
        // Planning need not wait for its commit to reach the disk: a step lost in a crash is
        // simply planned again (next_due is lost with it), and a dispatch commit, which waits,
        // flushes every commit before it.
        if (rt.engine === "postgres") await tx.execute(sql`set local synchronous_commit = off`);
        const plans = await select(async () => {
          const after = cursor;
          const rows = await tx
            .select({ ...getTableColumns(reminderPlans), hbLow: planHbLow })
            .from(reminderPlans)
            .where(
              and(
                eq(reminderPlans.status, "active"),
                lte(reminderPlans.nextDue, today),
                after ? sql`(${reminderPlans.nextDue}, ${reminderPlans.id}) > (${after.nextDue}::date, ${after.id}::uuid)` : undefined,
              ),
            )
            .orderBy(asc(reminderPlans.nextDue), asc(reminderPlans.id))
            .limit(batchSize)
            .for("update", { skipLocked: true });
          const last = rows[rows.length - 1];
          if (last?.nextDue) cursor = { nextDue: last.nextDue, id: last.id };
          return rows;
        });
        if (plans.length === 0) return true;
        const rows: (typeof reminderFires.$inferInsert)[] = [];
        const next: { id: string; nextDue: string | null }[] = [];
        for (const plan of plans) {
          const slice = dueSlice(
            { programme: plan.programme, anchor: plan.anchor, hbLow: Boolean(plan.hbLow) },
            plan.posyanduDay,
            plan.plannedThrough,
            today,
            today,
          );
          rows.push(...firesOf(rt, plan, slice.entries, now));
          next.push({ id: plan.id, nextDue: slice.nextDue });
        }
        const inserted = await insertFires(tx, rows); // (not `stats.fires += await …`: workers interleave)
        stats.fires += inserted;
        await setNextDue(tx, next, today);
        stats.plans += plans.length;
        return plans.length < batchSize;
      });
      if (done) return;
    }
  };
  // Workers share the plans (SKIP LOCKED against other instances); while one waits for the
  // database, another plans.
  await Promise.all(Array.from({ length: workers }, () => worker()));
  // A morning's burst of new fires leaves the row estimates far behind (PGlite has no autovacuum;
  // PostgreSQL's comes a minute or more later), and with estimates of a few hundred rows the
  // dispatch walk would sort every due fire per batch instead of reading its index in order.
  if (stats.fires >= ANALYZE_AFTER_FIRES) await rt.db.execute(sql`analyze reminder_fires`);
  return stats;
}

/** New fires in one planning step after which the table's statistics are refreshed. */
const ANALYZE_AFTER_FIRES = 10_000;

/** Runs the given functions one at a time, in call order (a tiny mutex). */
export function serialised(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => {});
    return run;
  };
}

/**
 * Inserts fire rows as one JSON parameter per chunk (json_to_recordset): at a day's volume this is
 * several times cheaper than a parameter per column per row, on PostgreSQL and PGlite alike.
 * Returns how many were new (a fire planned before is skipped by the unique key).
 */
export async function insertFires(tx: DbOrTx, rows: (typeof reminderFires.$inferInsert)[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const chunk = rows.slice(i, i + INSERT_CHUNK).map((r) => ({ ...r, sendAt: r.sendAt.toISOString() }));
    const result = await queryRows<{ n: number }>(
      tx,
      sql`with ins as (
        insert into reminder_fires (plan_id, contact_id, rule_key, occurrence, follow_up, kind, confirmable, message_key, vars, due_date, until_date, send_at)
        select "planId", "contactId", "ruleKey", occurrence, "followUp", kind, confirmable, "messageKey", vars, "dueDate", "untilDate", "sendAt"
        from json_to_recordset(${JSON.stringify(chunk)}::json) as x("planId" uuid, "contactId" uuid, "ruleKey" text, occurrence text,
          "followUp" smallint, kind text, confirmable boolean, "messageKey" text, vars jsonb, "dueDate" date, "untilDate" date, "sendAt" timestamptz)
        on conflict do nothing returning 1)
      select count(*)::int as n from ins`,
    );
    inserted += Number(result[0]?.n ?? 0);
  }
  return inserted;
}

async function setNextDue(tx: Tx, next: { id: string; nextDue: string | null }[], today: string): Promise<void> {
  for (let i = 0; i < next.length; i += INSERT_CHUNK * 5) {
    await tx.execute(sql`
      update reminder_plans p set planned_through = ${today}::date, next_due = v."nextDue"
      from json_to_recordset(${JSON.stringify(next.slice(i, i + INSERT_CHUNK * 5))}::json) as v(id uuid, "nextDue" date)
      where p.id = v.id`);
  }
}
