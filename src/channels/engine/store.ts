// The engine's statements on the outbox and its leases: claiming due rows, handing them back,
// the recipients' context for a batch, and the instance and channel leases.
import { and, asc, eq, gte, inArray, lte, sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client.js";
import { outbox } from "../channels.sql.js";
import type { OutboxRow, Recipient } from "./held.js";

export interface ClaimQuery {
  channels: string[];
  ids?: number[];
  limit: number;
  minLane?: number;
  maxLane?: number;
}

/**
 * Claims due rows for `holder` in lane order, in one statement (its own transaction): the due rows
 * locked, skipping rows another claim holds, and marked ours. Sorted by lane, then id.
 */
export async function claimDueRows(db: DbOrTx, q: ClaimQuery, holder: string, now: Date): Promise<OutboxRow[]> {
  const due = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        eq(outbox.status, "queued"),
        inArray(outbox.channel, q.channels),
        lte(outbox.nextAttemptAt, now),
        q.ids ? inArray(outbox.id, q.ids) : undefined,
        q.minLane !== undefined ? gte(outbox.lane, q.minLane) : undefined,
        q.maxLane !== undefined ? lte(outbox.lane, q.maxLane) : undefined,
        // Only while our instance lease lives in the database: an instance that stalled past it
        // (and does not know yet) claims nothing the others may be sending.
        sql`exists (select 1 from outbox_leases l where l.name = ${`instance:${holder}`} and l.expires_at > now())`,
      ),
    )
    .orderBy(asc(outbox.lane), asc(outbox.id))
    .limit(q.limit)
    .for("update", { skipLocked: true });
  const rows = await db.update(outbox).set({ status: "sending", claimedBy: holder }).where(inArray(outbox.id, due)).returning();
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
        select n, ${holder}, now() + ${lease}::interval from unnest(${`{${names.join(",")}}`}::text[]) as n
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
