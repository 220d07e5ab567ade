// Every outbound message is a row first (queued), then sent by the channel's adapter (sent), or
// retried with backoff when the failure is transient, or marked failed with the reason. Rows are
// claimed with FOR UPDATE SKIP LOCKED so several deliverers never send the same row.
import { and, asc, eq, inArray, lte, sql } from "drizzle-orm";
import { queryRows, rawQuery, type DbOrTx } from "../db/client.js";
import type { Runtime } from "../runtime.js";
import { SendError, type OutboundMessage } from "./channel.js";
import { outbox } from "./channels.sql.js";
import type { ChannelHub } from "./hub.js";

export const MAX_ATTEMPTS = 6;
/** A row left in "sending" this long was claimed by a process that died; it is queued again. */
const STALE_SENDING_MS = 5 * 60_000;

export interface Enqueue {
  contactId: string | null;
  channel: string;
  address: string;
  message: OutboundMessage;
  kind?: string;
  /** Senders that must never send twice (reminders, broadcasts) give a unique key. */
  dedupeKey?: string;
  /** Not sent before this time (a flood's replies go out a minute later); default: at once. */
  notBefore?: Date;
  /** The row is deleted once sent or failed (the last words to a person who erased their data). */
  forgetAfterSend?: boolean;
  /** The recipient as sending needs it, when the sender knows it (saves a look-up per send). */
  context?: { lang: "id" | "bjn"; lastInboundAt: Date | null };
}

/**
 * Queues messages in the caller's transaction, due `now` (the runtime's clock, so simulations can
 * move time); a repeated dedupeKey is skipped. Returns the new rows' ids.
 */
export async function enqueue(db: DbOrTx, items: Enqueue[], now: Date): Promise<number[]> {
  if (items.length === 0) return [];
  // One JSON parameter for all rows (json_to_recordset): at a morning's reminder volume a
  // parameter per column per row costs more than everything else in the transaction.
  const rows = items.map(({ context, ...i }) => ({
    ...i,
    kind: i.kind ?? "reply",
    notBefore: i.notBefore?.toISOString(),
    forgetAfterSend: i.forgetAfterSend ?? false,
    lang: context?.lang,
    lastInboundAt: context?.lastInboundAt?.toISOString(),
  }));
  const at = now.toISOString();
  // The same text every time: prepared once per connection (rawQuery).
  const inserted = await rawQuery<{ id: number }>(
    db,
    `insert into outbox (contact_id, channel, address, message, kind, dedupe_key, created_at, next_attempt_at, forget_after_send, lang, last_inbound_at)
     select "contactId", channel, address, message, kind, "dedupeKey", $1::timestamptz, coalesce("notBefore", $1::timestamptz), "forgetAfterSend", lang, "lastInboundAt"
     from json_to_recordset($2::text::json)
       as x("contactId" uuid, channel text, address text, message jsonb, kind text, "dedupeKey" text, "notBefore" timestamptz,
            "forgetAfterSend" boolean, lang text, "lastInboundAt" timestamptz)
     on conflict (dedupe_key) do nothing
     returning id::int as id`,
    [at, JSON.stringify(rows)],
  );
  return inserted.map((r) => Number(r.id));
}

/** Backoff before attempt n+1: 10 s, 20 s, 40 s … capped at an hour, or what the provider asks. */
export function retryDelayMs(attempts: number, retryAfterMs?: number): number {
  const backoff = Math.min(10_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
  return Math.max(backoff, retryAfterMs ?? 0);
}

/**
 * Sends in progress in this process, by outbox id and hub. A turn's own delivery waits on rows the
 * periodic job claimed a moment earlier, so the web chat never answers before its replies are in
 * the mailbox (the job runs on the minute and may claim a turn's fresh rows first).
 */
const inFlight = new WeakMap<ChannelHub, Map<number, Promise<void>>>();

export interface DeliveryStats {
  sent: number;
  retrying: number;
  failed: number;
}

/**
 * Sends queued rows that are due: the given ids (right after a conversation turn) or any due row
 * (the periodic job). Rows of one address are sent in order.
 */
export async function deliverOutbox(
  rt: Runtime,
  hub: ChannelHub,
  options: { ids?: number[]; limit?: number } = {},
): Promise<DeliveryStats> {
  const stats: DeliveryStats = { sent: 0, retrying: 0, failed: 0 };
  if (options.ids && options.ids.length === 0) return stats;
  const now = rt.clock.now();
  const claimed = await rt.db.transaction(async (tx) => {
    const due = tx
      .select({ id: outbox.id })
      .from(outbox)
      .where(
        and(
          eq(outbox.status, "queued"),
          lte(outbox.nextAttemptAt, now),
          options.ids ? inArray(outbox.id, options.ids) : undefined,
        ),
      )
      .orderBy(asc(outbox.id))
      .limit(options.limit ?? 200)
      .for("update", { skipLocked: true });
    return tx
      .update(outbox)
      // next_attempt_at doubles as "claimed at" while sending (see requeueStale).
      .set({ status: "sending", attempts: sql`${outbox.attempts} + 1`, nextAttemptAt: now })
      .where(inArray(outbox.id, due))
      .returning();
  });
  claimed.sort((a, b) => a.id - b.id);
  const sending = inFlight.get(hub) ?? new Map<number, Promise<void>>();
  inFlight.set(hub, sending);
  const claimedIds = new Set(claimed.map((r) => r.id));
  const othersSending = (options.ids ?? []).flatMap((id) => (claimedIds.has(id) ? [] : [sending.get(id)])).filter((p) => p !== undefined);
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  for (const id of claimedIds) sending.set(id, done);
  try {
    await sendClaimed(rt, hub, claimed, now, stats);
  } finally {
    for (const id of claimedIds) sending.delete(id);
    release();
  }
  await Promise.all(othersSending);
  return stats;
}

async function sendClaimed(rt: Runtime, hub: ChannelHub, claimed: OutboxRow[], now: Date, stats: DeliveryStats): Promise<void> {
  let contexts: Map<string, Recipient>;
  try {
    contexts = await sendContexts(rt.db, claimed);
  } catch (err) {
    // The database went away between claiming and sending: hand the rows back (once it answers
    // again) rather than leave them "sending" until requeueStale, minutes later.
    await Promise.all(claimed.map((row) => recordOutcome(rt, row.id, { status: "queued", attempts: row.attempts - 1 })));
    throw err;
  }

  // Channels send side by side (a paced WhatsApp backlog must not hold up Telegram); within a
  // channel rows go one by one, in order.
  const byChannel = new Map<string, typeof claimed>();
  for (const row of claimed) byChannel.set(row.channel, [...(byChannel.get(row.channel) ?? []), row]);
  await Promise.all(
    [...byChannel.values()].map(async (rows) => {
      for (const row of rows) await sendOne(rt, hub, row, contexts.get(rowKey(row)) ?? contexts.get(contextKey(row)), now, stats);
    }),
  );
}

type OutboxRow = typeof outbox.$inferSelect;

async function sendOne(rt: Runtime, hub: ChannelHub, row: OutboxRow, recipient: Recipient | undefined, now: Date, stats: DeliveryStats): Promise<void> {
  const adapter = hub.get(row.channel);
  let outcome: Partial<typeof outbox.$inferInsert>;
  if (!adapter) {
    // The channel is not running in this process (e.g. disabled); keep the row for later.
    outcome = { status: "queued", attempts: row.attempts - 1, nextAttemptAt: new Date(now.getTime() + 60_000) };
  } else {
    try {
      const context = { kind: row.kind, lang: recipient?.lang ?? "id", lastInboundAt: recipient?.lastInboundAt ?? null } as const;
      const result = await adapter.send(row.address, row.message, context);
      outcome = { status: "sent", sentAt: rt.clock.now(), externalId: result.externalId ?? null, lastError: null };
      stats.sent++;
    } catch (err) {
      const retryable = err instanceof SendError ? err.retryable : true;
      const reason = err instanceof Error ? err.message.slice(0, 500) : String(err);
      if (retryable && row.attempts < MAX_ATTEMPTS) {
        const delay = retryDelayMs(row.attempts, err instanceof SendError ? err.retryAfterMs : undefined);
        outcome = { status: "queued", lastError: reason, nextAttemptAt: new Date(rt.clock.now().getTime() + delay) };
        stats.retrying++;
      } else {
        outcome = { status: "failed", lastError: reason };
        stats.failed++;
      }
      rt.log.warn({ outboxId: row.id, channel: row.channel, attempts: row.attempts, retryable }, "send failed");
    }
  }
  // A person who erased their data: once their last message has left (or cannot), their chat
  // address and that message go too.
  if (row.forgetAfterSend && (outcome.status === "sent" || outcome.status === "failed")) await recordOutcome(rt, row.id, null);
  else await recordOutcome(rt, row.id, outcome);
}

/** Waits between tries to record a send's outcome while the database is away (about 4 minutes in all). */
const OUTCOME_RETRY_MS = [500, 1_000, 2_000, 5_000, 10_000, 15_000, 15_000, 30_000, 30_000, 30_000, 30_000, 30_000, 30_000];

/**
 * Records what happened to a send (null: the row is deleted). The message has left already: if the database is away now, the
 * row would stay "sending" and be sent again by requeueStale, so the outcome is retried until the
 * database is back (a crash meanwhile still means at-least-once, never lost).
 */
async function recordOutcome(rt: Runtime, id: number, outcome: Partial<typeof outbox.$inferInsert> | null): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      if (outcome === null) await rt.db.delete(outbox).where(eq(outbox.id, id));
      else await rt.db.update(outbox).set(outcome).where(eq(outbox.id, id));
      return;
    } catch (err) {
      const delay = OUTCOME_RETRY_MS[attempt];
      if (delay === undefined) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

interface Recipient {
  lang: "id" | "bjn" | null;
  lastInboundAt: Date | null;
}

const contextKey = (row: Pick<OutboxRow, "channel" | "address">) => `${row.channel}\u0000${row.address}`;
/** A row carrying its own recipient is keyed by its id (two rows to one address may differ). */
const rowKey = (row: Pick<OutboxRow, "id">) => `#${row.id}`;

/**
 * Each claimed row's recipient language and last inbound time (WhatsApp Cloud's 24-hour window),
 * in one query for the batch rather than one per message.
 */
async function sendContexts(db: DbOrTx, rows: OutboxRow[]): Promise<Map<string, Recipient>> {
  const map = new Map<string, Recipient>();
  // Rows that carry their recipient (conversation replies) need no look-up.
  const unknown = rows.filter((r) => r.lang === null);
  for (const r of rows) if (r.lang !== null) map.set(rowKey(r), { lang: r.lang, lastInboundAt: r.lastInboundAt });
  if (unknown.length === 0) return map;
  const pairs = [...new Map(unknown.map((r) => [contextKey(r), { channel: r.channel, address: r.address }])).values()];
  const found = await queryRows<{ channel: string; address: string; lang: "id" | "bjn" | null; last_inbound_at: Date | string | null }>(
    db,
    sql`select cc.channel, cc.address, c.lang, cc.last_inbound_at
        from json_to_recordset(${JSON.stringify(pairs)}::json) as x(channel text, address text)
        join contact_channels cc on cc.channel = x.channel and cc.address = x.address
        left join contacts c on c.id = cc.contact_id`,
  );
  for (const r of found) {
    const at = r.last_inbound_at === null ? null : new Date(r.last_inbound_at);
    map.set(contextKey(r), { lang: r.lang, lastInboundAt: at });
  }
  return map;
}

/** Puts rows back in the queue whose sender died mid-send (at-least-once rather than lost). */
export async function requeueStale(rt: Runtime): Promise<number> {
  const cutoff = new Date(rt.clock.now().getTime() - STALE_SENDING_MS);
  const rows = await rt.db
    .update(outbox)
    .set({ status: "queued" })
    .where(and(eq(outbox.status, "sending"), lte(outbox.nextAttemptAt, cutoff)))
    .returning({ id: outbox.id });
  return rows.length;
}

/** A provider's later report that a message it accepted was not delivered. */
export async function markFailedByExternalId(rt: Runtime, channel: string, externalId: string, reason: string): Promise<void> {
  await rt.db
    .update(outbox)
    .set({ status: "failed", lastError: reason })
    .where(and(eq(outbox.channel, channel), eq(outbox.externalId, externalId)));
}
