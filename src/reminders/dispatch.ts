// The durable reminder queue. Two steps, each in short transactions so any number of instances
// can run them at once and a crash at any point loses nothing and sends nothing twice:
//   planDue   — plans whose next reminder is due today become `reminder_fires` rows (one row per
//               plan, rule, occurrence and follow-up: the unique key makes planning idempotent);
//   dispatchDue — pending fires whose send time has come are claimed per person, re-checked,
//               merged into one message per person and queued in the outbox with a dedupe key,
//               and marked sent — all in ONE transaction; the outbox then sends.
// Planning lives in planning.ts, the send time of a fire in send-at.ts.
import { and, asc, eq, lte, sql } from "drizzle-orm";
import type { ChannelHub } from "../channels/hub.js";
import { deliverOutbox, enqueue, type Enqueue } from "../channels/outbox.js";
import { personLockKey } from "../contacts/person-lock.js";
import { PREFERRED_CHANNEL_ORDER_SQL } from "../contacts/preferred-channel.js";
import { queryRows, type Tx } from "../db/client.js";
import { isLang, type Lang } from "../i18n/index.js";
import type { Runtime } from "../runtime.js";
import { renderMessage, replyButtons, type RenderItem } from "./message.js";
import { reminderFires } from "./reminders.sql.js";
import { planDue, serialised } from "./planning.js";
import { localToday } from "./send-at.js";

export interface DispatchStats {
  messages: number;
  sent: number;
  skipped: number;
  outboxIds: number[];
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
            after
              ? sql`(${reminderFires.sendAt}, ${reminderFires.id}) > (${after.sendAt.toISOString()}::timestamptz, ${after.id})`
              : undefined,
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
  const values = sql.join(
    ids.map((id) => sql`(${id}::text)`),
    sql`, `,
  );
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`select id from (values ${values}) as t(id) where pg_try_advisory_xact_lock(${sql.raw(personLockKey("id"))})`,
  );
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
        order by ${sql.raw(PREFERRED_CHANNEL_ORDER_SQL)} limit 1
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
