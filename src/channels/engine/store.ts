// The engine's statements on the outbox and its leases: claiming due rows, handing them back,
// the recipients' context for a batch, and the instance and channel leases.
import { and, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import { queryRows, rawQuery, textArrayLiteral, type DbOrTx, type RawParam } from "../../db/client.js";
import { outbox } from "../channels.sql.js";
import type { OutboxRow, Recipient } from "./held.js";

export interface ClaimQuery {
  channels: string[];
  ids?: number[];
  limit: number;
  minLane?: number;
  maxLane?: number;
}

// The claim's text per shape (ids given, lane bounds given): written by hand and prepared once per
// connection, since it runs for every batch of replies (drizzle rebuilt it each time: ~4% of the
// service's CPU at 1,000 messages/s, BENCHMARKS.md). One text per shape keeps each plan on its indexes.
const claimTexts = new Map<string, string>();
function claimText(ids: boolean, minLane: boolean, maxLane: boolean): string {
  const shape = `${Number(ids)}${Number(minLane)}${Number(maxLane)}`;
  let text = claimTexts.get(shape);
  if (text === undefined) {
    // The optional conditions take the parameters after the four fixed ones, in this order.
    let n = 4;
    text = `update outbox set status = 'sending', claimed_by = $1
      where id in (
        select id from outbox
        where status = 'queued' and channel = any($2::text[]) and next_attempt_at <= $3::timestamptz
          ${ids ? `and id = any($${++n}::bigint[])` : ""}
          ${minLane ? `and lane >= $${++n}::smallint` : ""}
          ${maxLane ? `and lane <= $${++n}::smallint` : ""}
          -- Only while our instance lease lives in the database: an instance that stalled past it
          -- (and does not know yet) claims nothing the others may be sending.
          and exists (select 1 from outbox_leases l where l.name = 'instance:' || $1 and l.expires_at > now())
        order by lane, id
        limit $4
        for update skip locked)
      returning *`;
    claimTexts.set(shape, text);
  }
  return text;
}

const outboxColumns = Object.entries(getTableColumns(outbox));
/** A row as the driver returns it (snake_case, raw types) as drizzle would map it. */
function outboxRowOf(raw: Record<string, unknown>): OutboxRow {
  const row: Record<string, unknown> = {};
  for (const [key, column] of outboxColumns) {
    const value = raw[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as OutboxRow;
}

/**
 * Claims due rows for `holder` in lane order, in one statement (its own transaction): the due rows
 * locked, skipping rows another claim holds, and marked ours. Sorted by lane, then id.
 */
export async function claimDueRows(db: DbOrTx, q: ClaimQuery, holder: string, now: Date): Promise<OutboxRow[]> {
  const params: RawParam[] = [holder, textArrayLiteral(q.channels), now.toISOString(), q.limit];
  const text = claimText(q.ids !== undefined, q.minLane !== undefined, q.maxLane !== undefined);
  if (q.ids !== undefined) params.push(`{${q.ids.join(",")}}`);
  if (q.minLane !== undefined) params.push(q.minLane);
  if (q.maxLane !== undefined) params.push(q.maxLane);
  const rows = (await rawQuery(db, text, params)).map(outboxRowOf);
  return rows.sort((a, b) => a.lane - b.lane || a.id - b.id);
}

/** Hands rows `holder` claimed back to the queue (shutdown, a channel lease lost). */
export async function releaseRows(db: DbOrTx, ids: number[], holder: string): Promise<void> {
  await db
    .update(outbox)
    .set({ status: "queued", claimedBy: null, attemptedAt: null })
    .where(and(inArray(outbox.id, ids), eq(outbox.claimedBy, holder)));
}

/** Hands one row back to the queue if `holder` still has it "sending". */
export async function releaseClaim(db: DbOrTx, id: number, holder: string): Promise<void> {
  await db
    .update(outbox)
    .set({ status: "queued", claimedBy: null, attemptedAt: null })
    .where(and(eq(outbox.id, id), eq(outbox.claimedBy, holder), eq(outbox.status, "sending")));
}

/**
 * Rows left "sending" by an instance whose lease lapsed (or by the previous outbox) go back to the
 * queue. One its send guard had cleared for sending may have reached the provider: sent again (no
 * idempotency key on Telegram or Baileys) and counted in unknown_outcomes.
 */
export async function reclaimOrphans(db: DbOrTx): Promise<number> {
  const rows = await queryRows<{ id: number }>(
    db,
    sql`update outbox set status = 'queued', claimed_by = null, attempted_at = null,
          unknown_outcomes = unknown_outcomes + case when attempted_at is not null then 1 else 0 end
        where status = 'sending'
          and not exists (select 1 from outbox_leases l where l.name = 'instance:' || outbox.claimed_by and l.expires_at > now())
        returning id`,
  );
  return rows.length;
}

/**
 * Takes or renews the named leases for `holder`; returns the names now held. An instance lease
 * that lapsed in the database is not renewed (its rows may have been taken over meanwhile: a clock
 * or a stall we did not see); a channel lease that lapsed is anyone's.
 */
export async function renewLeases(db: DbOrTx, holder: string, names: string[], leaseMs: number): Promise<string[]> {
  const lease = `${leaseMs} milliseconds`;
  const rows = await queryRows<{ name: string }>(
    db,
    sql`insert into outbox_leases (name, holder, expires_at)
        select n, ${holder}, now() + ${lease}::interval from unnest(${textArrayLiteral(names)}::text[]) as n
        on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at
          where (outbox_leases.holder = excluded.holder and outbox_leases.expires_at > now())
             or (outbox_leases.expires_at <= now() and outbox_leases.name like 'channel:%')
        returning name`,
  );
  return rows.map((r) => r.name);
}

/** Gives up every lease of `holder` (a clean stop: others take over at once). */
export async function dropLeases(db: DbOrTx, holder: string): Promise<void> {
  await db.execute(sql`delete from outbox_leases where holder = ${holder}`);
}

export const recipientKey = (row: Pick<OutboxRow, "channel" | "address">) => `${row.channel}\u0000${row.address}`;

/**
 * Each claimed row's recipient language and last inbound time (WhatsApp Cloud's 24-hour window),
 * in one query for the batch rather than one per message. Keyed by recipientKey.
 */
export async function recipientsOf(db: DbOrTx, rows: OutboxRow[]): Promise<Map<string, Recipient>> {
  const map = new Map<string, Recipient>();
  // Replies carry their recipient (queued by the conversation, which knows it): no look-up.
  for (const r of rows) if (r.lang !== null) map.set(recipientKey(r), { lang: r.lang, lastInboundAt: r.lastInboundAt });
  const unknown = rows.filter((r) => !map.has(recipientKey(r)));
  if (unknown.length === 0) return map;
  const pairs = [...new Map(unknown.map((r) => [recipientKey(r), { channel: r.channel, address: r.address }])).values()];
  const found = await queryRows<{ channel: string; address: string; lang: "id" | "bjn" | null; last_inbound_at: Date | string | null }>(
    db,
    sql`select cc.channel, cc.address, c.lang, cc.last_inbound_at
        from json_to_recordset(${JSON.stringify(pairs)}::json) as x(channel text, address text)
        join contact_channels cc on cc.channel = x.channel and cc.address = x.address
        left join contacts c on c.id = cc.contact_id`,
  );
  for (const r of found) {
    const at = r.last_inbound_at === null ? null : new Date(r.last_inbound_at);
    map.set(recipientKey(r), { lang: r.lang, lastInboundAt: at });
  }
  return map;
}
