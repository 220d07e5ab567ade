// Every outbound message is a row first (queued), then sent by the channel's adapter (sent), or
// retried when the failure is transient, or marked failed with the reason. The outbound engine
// (engine.ts) claims and paces the rows; this file is the API the rest of the service uses.
import { and, eq } from "drizzle-orm";
import { rawQuery, type DbOrTx } from "../db/client.js";
import type { Runtime } from "../runtime.js";
import type { MessageKind, OutboundMessage } from "./channel.js";
import { outbox } from "./channels.sql.js";
import { engineFor, OUTBOX_NOTIFY_CHANNEL, reclaimOrphans, type DeliveryStats } from "./engine.js";
import type { ChannelHub } from "./hub.js";
import { laneOf, laneRank } from "./pacing.js";

export type { DeliveryStats } from "./engine.js";

export interface Enqueue {
  contactId: string | null;
  channel: string;
  address: string;
  message: OutboundMessage;
  /** reply (default) | alert | handoff | referral | growth | reminder | broadcast: sets the priority lane (pacing.ts laneOf). */
  kind?: MessageKind;
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
 * move time); a repeated dedupeKey is skipped. Returns the new rows' ids. The sending instance is
 * woken by NOTIFY when the transaction commits.
 */
export async function enqueue(db: DbOrTx, items: Enqueue[], now: Date): Promise<number[]> {
  if (items.length === 0) return [];
  // Insert and NOTIFY in one statement (outbox_enqueue, src/db/routines.ts), prepared once per
  // connection (rawQuery); one JSON parameter for all rows: at a morning's reminder volume a
  // parameter per column per row costs more than everything else in the transaction.
  const [row] = await rawQuery<{ ids: unknown }>(db, "select outbox_enqueue($1::timestamptz, $2::text::json, $3) as ids", [
    now.toISOString(),
    JSON.stringify(outboxRows(items)),
    OUTBOX_NOTIFY_CHANNEL,
  ]);
  return parseIds(row?.ids);
}

/** The rows as outbox_enqueue (and inbound_finish) read them. */
export function outboxRows(items: Enqueue[]): Record<string, unknown>[] {
  return items.map(({ context, ...i }) => ({
    ...i,
    kind: i.kind ?? "reply",
    lane: laneRank(laneOf(i.kind)),
    notBefore: i.notBefore?.toISOString(),
    forgetAfterSend: i.forgetAfterSend ?? false,
    lang: context?.lang,
    lastInboundAt: context?.lastInboundAt?.toISOString(),
  }));
}

/** A JSON array of ids as the routines return it (text or parsed, by driver). */
export function parseIds(value: unknown): number[] {
  const ids = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  return Array.isArray(ids) ? ids.map(Number) : [];
}

/**
 * Sends queued rows that are due: the given ids (right after a conversation turn) or any due row,
 * through the hub's outbound engine (engine.ts: lanes, pacing, retries). Resolves when the rows
 * this instance holds among them have an outcome; rows of a channel another instance sends on are
 * left to it.
 */
export function deliverOutbox(rt: Runtime, hub: ChannelHub, options: { ids?: number[]; limit?: number } = {}): Promise<DeliveryStats> {
  return engineFor(rt, hub).deliver(options);
}

/** Puts rows back in the queue whose sender died mid-send (its lease lapsed): at least once rather than lost. */
export async function requeueStale(rt: Runtime): Promise<number> {
  return reclaimOrphans(rt.db);
}

/** A provider's later report that a message it accepted was not delivered. */
export async function markFailedByExternalId(rt: Runtime, channel: string, externalId: string, reason: string): Promise<void> {
  await rt.db
    .update(outbox)
    .set({ status: "failed", lastError: reason })
    .where(and(eq(outbox.channel, channel), eq(outbox.externalId, externalId)));
}
