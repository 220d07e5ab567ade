// Recording what happened to each send (send.ts). The common outcome, "sent", is written for
// every send that finished in the same turn of the event loop in one statement: at a busy
// minute's rate that is one UPDATE per batch of replies rather than one per reply.
import { eq } from "drizzle-orm";
import { rawQuery } from "../../db/client.js";
import type { Runtime } from "../../runtime.js";
import { outbox } from "../channels.sql.js";

/** A row's new values (null: the row is deleted). */
export type OutcomeValues = Partial<typeof outbox.$inferInsert> | null;

/** Waits between tries to record a send's outcome while the database is away (about 4 minutes in all). */
const OUTCOME_RETRY_MS = [500, 1_000, 2_000, 5_000, 10_000, 15_000, 15_000, 30_000, 30_000, 30_000, 30_000, 30_000, 30_000];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function withRetries(write: () => Promise<unknown>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await write();
      return;
    } catch (err) {
      const delay = OUTCOME_RETRY_MS[attempt];
      if (delay === undefined) throw err;
      await sleep(delay);
    }
  }
}

/**
 * Records what happened to a send. The message has left already: if the database is away now,
 * the row would stay "sending" and be sent again after a reclaim, so the outcome is retried until
 * the database is back (a crash meanwhile still means at-least-once, never lost).
 */
export async function recordOutcome(rt: Runtime, id: number, outcome: OutcomeValues): Promise<void> {
  if (outcome?.status === "sent" && outcome.sentAt instanceof Date) {
    return recordSent(rt, {
      id,
      sent_at: outcome.sentAt.toISOString(),
      external_id: outcome.externalId ?? null,
      attempts: outcome.attempts ?? 1,
    });
  }
  await withRetries(() =>
    outcome === null ? rt.db.delete(outbox).where(eq(outbox.id, id)) : rt.db.update(outbox).set(outcome).where(eq(outbox.id, id)),
  );
}

interface SentRow {
  id: number;
  sent_at: string;
  external_id: string | null;
  attempts: number;
}

/** The "sent" outcomes collected in this turn of the event loop, per runtime. */
const pending = new WeakMap<Runtime, { rows: SentRow[]; written: Promise<void> }>();

function recordSent(rt: Runtime, row: SentRow): Promise<void> {
  let batch = pending.get(rt);
  if (!batch) {
    const rows: SentRow[] = [];
    const written = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      pending.delete(rt);
      return withRetries(() =>
        rawQuery(
          rt.db,
          `update outbox o set status = 'sent', sent_at = x.sent_at, external_id = x.external_id, last_error = null, claimed_by = null, attempts = x.attempts
           from json_to_recordset($1::text::json) as x(id bigint, sent_at timestamptz, external_id text, attempts integer)
           where o.id = x.id`,
          [JSON.stringify(rows)],
        ),
      );
    });
    batch = { rows, written };
    pending.set(rt, batch);
  }
  batch.rows.push(row);
  return batch.written;
}
