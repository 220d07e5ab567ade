// The durable reminder queue. Two steps, each in short transactions so any number of instances
// can run them at once and a crash at any point loses nothing and sends nothing twice:
//   planDue   — plans whose next reminder is due today become `reminder_fires` rows (one row per
//               plan, rule, occurrence and follow-up: the unique key makes planning idempotent);
//   dispatchDue — pending fires whose send time has come are claimed per person, re-checked,
//               merged into one message per person and queued in the outbox with a dedupe key,
//               and marked sent — all in ONE transaction; the outbox then sends.
import { and, asc, eq, getTableColumns, lte, sql } from "drizzle-orm";
import { DateTime } from "luxon";
import type { ChannelHub } from "../channels/hub.js";
import { deliverOutbox, enqueue, type Enqueue } from "../channels/outbox.js";
import { personLockKey } from "../contacts/person-lock.js";
import { queryRows, type DbOrTx, type Tx } from "../db/client.js";
import { isLang, type Lang } from "../i18n/index.js";
import type { Runtime } from "../runtime.js";
import { dueSlice, type PlanEntry } from "./programme.js";
import { renderMessage, replyButtons, type RenderItem } from "./message.js";
import { pregnancies } from "../children/children.sql.js";
import { reminderFires, reminderPlans } from "./reminders.sql.js";
import { sendTimeFor } from "./send-time.js";

/** Sends are spread over this long after the preferred hour, so a morning's messages do not all go in one second. */
export const JITTER_SECONDS = 30 * 60;

export type Plan = typeof reminderPlans.$inferSelect;
export type Fire = typeof reminderFires.$inferSelect;

export interface PlanStats {
  plans: number;
  fires: number;
}

export interface DispatchStats {
  messages: number;
  sent: number;
  skipped: number;
  outboxIds: number[];
}

/** Today's calendar date in the service's time zone (WITA by default). */
export function localToday(rt: Runtime, now = rt.clock.now()): string {
  return DateTime.fromJSDate(now, { zone: rt.config.TIMEZONE }).toISODate() ?? "";
}

/** A stable spread of send minutes per person: the same family hears from us at the same time. */
export function jitterFraction(contactId: string): number {
  return (parseInt(contactId.replace(/-/g, "").slice(0, 8), 16) % 60) / 60;
}

interface OnTime {
  /** Send instant with no jitter, or null. */
  base: Date | null;
  /** True when every jitter in [0, JITTER_SECONDS) just adds to `base` (no quiet-hour clamping). */
  linear: boolean;
}
const onTimeCache = new Map<string, OnTime>();

/**
 * sendTimeFor, memoised for on-time sends: thousands of families share a due day and hour, and
 * sendTimeFor (luxon with an IANA zone) costs ~0.2 ms a call. The on-time instant does not depend
 * on `until`; with jitter it is base + jitter unless the jitter runs into quiet hours, which the
 * two probes (no jitter, full jitter) detect — then the exact function is called.
 */
export function sendAtFor(rt: Runtime, entry: Pick<PlanEntry, "due" | "until">, hour: number, fraction: number, now: Date): Date | null {
  const base = {
    due: entry.due,
    until: entry.until,
    preferredHour: hour,
    tz: rt.config.TIMEZONE,
    quietStart: rt.config.QUIET_HOURS_START,
    quietEnd: rt.config.QUIET_HOURS_END,
    jitterSeconds: JITTER_SECONDS,
  };
  const key = `${entry.due}|${hour}|${rt.config.TIMEZONE}|${rt.config.QUIET_HOURS_START}|${rt.config.QUIET_HOURS_END}`;
  let onTime = onTimeCache.get(key);
  if (onTime === undefined) {
    const first = sendTimeFor({ ...base, until: entry.due, now: new Date(0), random: () => 0 });
    const last = sendTimeFor({ ...base, until: entry.due, now: new Date(0), random: () => (JITTER_SECONDS - 1) / JITTER_SECONDS });
    const linear = first !== null && last !== null && last.getTime() - first.getTime() === (JITTER_SECONDS - 1) * 1000;
    onTime = { base: first, linear };
    if (onTimeCache.size > 50_000) onTimeCache.clear();
    onTimeCache.set(key, onTime);
  }
  let at: Date | null;
  if (onTime.linear && onTime.base) at = new Date(onTime.base.getTime() + Math.floor(fraction * JITTER_SECONDS) * 1000);
  else at = sendTimeFor({ ...base, now: new Date(0), random: () => fraction });
  if (at && at.getTime() >= now.getTime()) return at;
  // Late (enrolled mid-window, or after downtime): the next allowed moment if the window is still open.
  return sendTimeFor({ ...base, now, random: () => fraction });
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
export async function planOne(rt: Runtime, tx: DbOrTx, plan: Plan, now = rt.clock.now(), options: { catchUp?: boolean } = {}): Promise<number> {
  const today = localToday(rt, now);
  const hbLow = await pregnancyHbLow(tx, plan);
  const slice = dueSlice({ programme: plan.programme, anchor: plan.anchor, hbLow }, plan.posyanduDay, plan.plannedThrough, today, today, options);
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
function serialised(): <T>(fn: () => Promise<T>) => Promise<T> {
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

/**
 * Sends what is due: claims the pending fires of up to `batchSize` people per transaction. A
 * person is claimed with the same advisory lock the conversation takes for their messages, so a
 * SUDAH being handled and a reminder being sent never interleave, and two dispatchers never split
 * one person's day into two messages. `hub` given → the queued messages are sent right away;
 * otherwise the outbox job sends them.
 */
export async function dispatchDue(
  rt: Runtime,
  hub?: ChannelHub,
  options: {
    /** People per transaction. */
    batchSize?: number;
    now?: Date;
    /** Transactions run side by side (PostgreSQL); they take batches from one cursor. */
    workers?: number;
    /** Fault injection for the crash tests: runs just before the claim commits. */
    beforeCommit?: () => void | Promise<void>;
  } = {},
): Promise<DispatchStats> {
  const now = options.now ?? rt.clock.now();
  const batchSize = options.batchSize ?? 1000;
  const workers = options.workers ?? (rt.engine === "postgres" ? 2 : 1);
  const stats: DispatchStats = { messages: 0, sent: 0, skipped: 0, outboxIds: [] };
  // Due fires are walked once, in (send_at, id) order; a person met again later in the walk was
  // already claimed whole (claimFires takes all their due fires), and a person another instance
  // holds is left for the next tick.
  let cursor: { sendAt: Date; id: number } | null = null;
  let exhausted = false;
  const next = serialised();
  const nextPeople = () =>
    next(async () => {
      if (exhausted) return [];
      const after = cursor;
      const rows = await rt.db
        .select({ id: reminderFires.id, contactId: reminderFires.contactId, sendAt: reminderFires.sendAt })
        .from(reminderFires)
        .where(
          and(
            eq(reminderFires.status, "pending"),
            lte(reminderFires.sendAt, now),
            after ? sql`(${reminderFires.sendAt}, ${reminderFires.id}) > (${after.sendAt.toISOString()}::timestamptz, ${after.id})` : undefined,
          ),
        )
        .orderBy(asc(reminderFires.sendAt), asc(reminderFires.id))
        .limit(batchSize);
      const last = rows[rows.length - 1];
      if (!last) exhausted = true;
      else cursor = { sendAt: last.sendAt, id: last.id };
      return [...new Set(rows.map((r) => r.contactId))];
    });
  const worker = async (): Promise<void> => {
    for (;;) {
      const people = await nextPeople();
      if (people.length === 0) return;
      const ids = await rt.db.transaction(async (tx) => {
        const locked = await lockContacts(tx, people);
        if (locked.length === 0) return [];
        const fires = await claimFires(tx, locked, now);
        const queued = await sendFires(rt, tx, fires, now, stats);
        await options.beforeCommit?.();
        return queued;
      });
      stats.outboxIds.push(...ids);
      if (hub && ids.length) await deliverOutbox(rt, hub, { ids, limit: ids.length });
    }
  };
  await Promise.all(Array.from({ length: workers }, () => worker()));
  return stats;
}

/** Takes each person's lock (contacts/person-lock.ts, as for their messages) if it is free. */
async function lockContacts(tx: Tx, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const values = sql.join(ids.map((id) => sql`(${id}::text)`), sql`, `);
  const rows = await queryRows<{ id: string }>(tx, sql`select id from (values ${values}) as t(id) where pg_try_advisory_xact_lock(${sql.raw(personLockKey("id"))})`);
  return rows.map((r) => r.id);
}

/** A claimed fire with what sending it needs: the person, their channel, the plan, the child. */
interface ClaimedFire {
  id: number;
  plan_id: string;
  contact_id: string;
  rule_key: string;
  occurrence: string;
  follow_up: number;
  kind: string;
  confirmable: boolean;
  message_key: string;
  vars: Record<string, string | number> | string;
  due_date: string;
  until_date: string;
  lang: string | null;
  opted_out: boolean;
  plan_active: boolean;
  child_name: string | null;
  /** A follow-up whose visit was already confirmed with SUDAH (it is moot). */
  already_done: boolean;
  channel: string | null;
  address: string | null;
}

const json = (value: unknown) => sql`${JSON.stringify(value)}::json`;

/**
 * The pending, due fires of the locked people, claimed, each with its recipient: the
 * channel the person wrote from last (it is the one they use now), language, opt-out, plan and
 * child. One round trip per batch.
 */
async function claimFires(tx: Tx, contactIds: string[], now: Date): Promise<ClaimedFire[]> {
  // Marked sent right away (UPDATE … RETURNING locks the rows); the few that turn out not to be
  // sendable are set to skipped/cancelled before the same transaction commits.
  return queryRows<ClaimedFire & Record<string, unknown>>(
    tx,
    sql`
      with people as (select value::uuid as id from json_array_elements_text(${json(contactIds)})),
      due as (
        -- Per person: the plan stays right even when the statistics lag behind a morning's
        -- burst of new rows (a scan of every pending row per batch would make the day quadratic).
        select x.id from people, lateral (
          select f.id from reminder_fires f
          where f.contact_id = people.id and f.status = 'pending' and f.send_at <= ${now.toISOString()}::timestamptz
          offset 0 -- keeps the look-up per person (reminder_fires_contact_status_idx)
        ) x
      ),
      claimed as (
        update reminder_fires f set status = 'sent', sent_at = ${now.toISOString()}::timestamptz
        where f.id in (select id from due) and f.status = 'pending'
        returning f.id, f.plan_id, f.contact_id, f.rule_key, f.occurrence, f.follow_up, f.kind, f.confirmable, f.message_key,
                  f.vars, f.due_date, f.until_date
      )
      select f.id::int as id, f.plan_id, f.contact_id, f.rule_key, f.occurrence, f.follow_up, f.kind, f.confirmable, f.message_key,
             f.vars, f.due_date::text as due_date, f.until_date::text as until_date,
             c.lang, c.opted_out_at is not null as opted_out,
             -- A child's loss stops the child's reminders, not the mother's own KF (postnatal) ones.
             (p.status = 'active' and (p.programme = 'postnatal' or ch.reminders_stopped_at is null)) as plan_active,
             ch.name as child_name,
             f.follow_up > 0 and exists (
               select 1 from reminder_fires d
               where d.plan_id = f.plan_id and d.rule_key = f.rule_key and d.occurrence = f.occurrence and d.status = 'done'
             ) as already_done,
             cc.channel, cc.address
      from claimed f
      join contacts c on c.id = f.contact_id
      join reminder_plans p on p.id = f.plan_id
      left join children ch on ch.id = p.child_id
      left join lateral (
        select channel, address from contact_channels
        where contact_id = f.contact_id
        order by coalesce(last_inbound_at, created_at) desc limit 1
      ) cc on true
      order by f.id`,
  );
}

async function setStatus(tx: Tx, ids: number[], status: "skipped" | "cancelled"): Promise<void> {
  if (ids.length === 0) return;
  await tx.execute(sql`
    update reminder_fires set status = ${status}, sent_at = null
    where id in (select value::bigint from json_array_elements_text(${json(ids)}))`);
}


async function sendFires(rt: Runtime, tx: Tx, fires: ClaimedFire[], now: Date, stats: DispatchStats): Promise<number[]> {
  if (fires.length === 0) return [];
  const today = localToday(rt, now);

  const send = new Map<string, ClaimedFire[]>();
  const skipped: number[] = [];
  const cancelled: number[] = [];
  for (const f of fires) {
    if (!f.plan_active) cancelled.push(f.id);
    else if (f.opted_out || !f.address || !f.channel || f.until_date < today || f.already_done) skipped.push(f.id);
    else send.set(f.contact_id, [...(send.get(f.contact_id) ?? []), f]);
  }

  const items: Enqueue[] = [];
  const sentIds: number[] = [];
  for (const [contactId, list] of send) {
    const first = list[0]!;
    const lang: Lang = isLang(first.lang) ? first.lang : "id";
    const renderItems: RenderItem[] = list.map((f) => ({
      planId: f.plan_id,
      ruleKey: f.rule_key,
      occurrence: f.occurrence,
      kind: f.kind,
      due: f.due_date,
      messageKey: f.message_key,
      vars: typeof f.vars === "string" ? (JSON.parse(f.vars) as Record<string, string | number>) : f.vars,
      childName: f.child_name ?? undefined,
    }));
    const text = renderMessage(rt.i18n, lang, renderItems, today);
    const confirmable = list.some((f) => f.confirmable);
    items.push({
      contactId,
      channel: first.channel!,
      address: first.address!,
      message: confirmable ? { text, buttons: replyButtons(rt.i18n, lang) } : { text },
      kind: "reminder",
      // Fire ids are claimed once; the key guards the outbox against any replay of this batch.
      dedupeKey: `reminder:${Math.min(...list.map((f) => f.id))}`,
    });
    sentIds.push(...list.map((f) => f.id));
  }
  const outboxIds = await enqueue(tx, items, now);
  await setStatus(tx, skipped, "skipped");
  await setStatus(tx, cancelled, "cancelled");
  stats.messages += items.length;
  stats.sent += sentIds.length;
  stats.skipped += skipped.length + cancelled.length;
  return outboxIds;
}

/** What one tick did (a type alias, so it is also a job's Record<string, number>). */
export type TickStats = { plans: number; fires: number; messages: number; sent: number; skipped: number };

/** One tick of the reminder job: plan what became due, send what is due. */
export async function reminderTick(rt: Runtime, hub?: ChannelHub): Promise<TickStats> {
  const planned = await planDue(rt);
  const sent = await dispatchDue(rt, hub);
  return { plans: planned.plans, fires: planned.fires, messages: sent.messages, sent: sent.sent, skipped: sent.skipped };
}
