// The path of every inbound message, whatever the channel: record it once, find the person,
// run the conversation in order for that person, queue the replies — all in one transaction —
// then send the replies.
import { sql } from "drizzle-orm";
import { InboundBusyError, InboundUnavailableError, type InboundMessage, type InboundSink } from "../channels/channel.js";
import { isDatabaseError } from "../db/errors.js";
import type { ChannelHub } from "../channels/hub.js";
import { deliverOutbox, enqueue } from "../channels/outbox.js";
import { DEFAULT_LANG } from "../i18n/index.js";
import { detectLanguage } from "../knowledge/index.js";
import type { Runtime } from "../runtime.js";
import { handleInboundBatch, SamePersonTwiceError, withoutNul, type InboundResult } from "./group-commit.js";
import * as metrics from "../metrics/index.js";

export { FLOOD_LIMIT_PER_MINUTE, MAX_INBOUND_TEXT_LENGTH, floodDelayMs, withoutNul, type InboundResult } from "./group-commit.js";

/** Stores and handles one message exactly once; returns the queued replies' ids. */
export async function handleInbound(rt: Runtime, message: InboundMessage): Promise<InboundResult> {
  try {
    const [result] = await handleInboundBatch(rt, [message]);
    if (!result) throw new Error("no result");
    return result;
  } catch (cause) {
    throw new Error(`handling an inbound ${message.channel} message`, { cause });
  }
}

/**
 * What channel adapters call. A message that failed on the database while the database does not
 * answer is not acknowledged: InboundUnavailableError makes webhooks answer 503 and polling try
 * the same update again, and the rolled-back ledger row lets the redelivery be handled afresh.
 * A lost race or a blip is simply tried again. A failure of our own code (or one that repeats
 * while the database answers) is logged without content and answered with an apology, so the
 * person is never left in silence and a broken message is not redelivered forever.
 */
export interface ConversationSink extends InboundSink {
  /** Resolves when every reply handed out so far has been sent (for a clean shutdown). */
  idle(): Promise<void>;
}

/** Tries per message while the database answers (a lost race, a deadlock, a blip). */
const ATTEMPTS = 3;

async function databaseAnswers(rt: Runtime): Promise<boolean> {
  try {
    await rt.db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}

/** Messages handled together at most (one transaction): bounds the batch's time and its size in memory. */
export const MAX_BATCH = 32;
/** Batches in the database at once: while one commits, the next is being answered. */
const PARALLEL_BATCHES = 2;

interface Waiting {
  message: InboundMessage;
  /** The person as far as this instance can tell before the database: one address, one person. */
  key: string;
  done: (result: { outboxIds: number[] } | { error: unknown }) => void;
}

export function createInboundSink(rt: Runtime, hub: ChannelHub, options: { maxConcurrency?: number } = {}): ConversationSink {
  const sending = new Set<Promise<unknown>>();
  // Bounded work: beyond this many messages in progress a message is refused (503 / tried again),
  // so a burst waits at the provider, not in this process's memory or the database pool's queue.
  const maxConcurrency = options.maxConcurrency ?? rt.config.INBOUND_MAX_CONCURRENCY;
  let inProgress = 0;

  /** One message in its own transaction, tried again on a lost race; the apology when it cannot be handled. */
  const handle = async (message: InboundMessage): Promise<number[]> => {
    let failure: unknown;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        const handled = await handleInbound(rt, message);
        metrics.inboundMessages.inc({ channel: message.channel, outcome: handled.duplicate ? "duplicate" : "handled" });
        return handled.outboxIds;
      } catch (err) {
        failure = err;
        if (!isDatabaseError(err)) break;
        if (!(await databaseAnswers(rt))) {
          rt.log.warn({ err, channel: message.channel }, "inbound message not stored: database unavailable");
          metrics.inboundMessages.inc({ channel: message.channel, outcome: "unavailable" });
          throw new InboundUnavailableError({ cause: err });
        }
      }
    }
    rt.log.error({ err: failure, channel: message.channel, alert: "inbound_failed" }, "inbound message failed");
    metrics.inboundMessages.inc({ channel: message.channel, outcome: "failed" });
    metrics.errors.inc({ place: "inbound" });
    const lang = detectLanguage(message.text ?? "") ?? DEFAULT_LANG;
    try {
      const apology = {
        contactId: null,
        channel: message.channel,
        address: withoutNul(message).address,
        message: { text: rt.i18n.t(lang, "conversation:error") },
      };
      return await enqueue(rt.db, [apology], rt.clock.now());
    } catch (err) {
      throw new InboundUnavailableError({ cause: err });
    }
  };

  // The group commit: messages wait here (at most maxConcurrency of them) while PARALLEL_BATCHES
  // batches are in the database; each batch takes the waiting messages in arrival order, skipping
  // an address that is already in a batch (its earlier message must commit first).
  let waiting: Waiting[] = [];
  const busy = new Set<string>();
  let batches = 0;

  const runBatch = async (batch: Waiting[]): Promise<void> => {
    let results: InboundResult[] | null = null;
    if (batch.length > 1) {
      try {
        results = await handleInboundBatch(
          rt,
          batch.map((w) => w.message),
        );
      } catch (err) {
        // One message's failure (or a deadlock, or the database going away) must not decide the
        // others': each is handled on its own, with its retries, its apology or its 503.
        if (!(err instanceof SamePersonTwiceError))
          rt.log.warn({ err, messages: batch.length }, "inbound batch failed; handling its messages one by one");
      }
    }
    if (results) {
      for (const [i, w] of batch.entries()) {
        const r = results[i] as InboundResult;
        metrics.inboundMessages.inc({ channel: w.message.channel, outcome: r.duplicate ? "duplicate" : "handled" });
        w.done({ outboxIds: r.outboxIds });
      }
      return;
    }
    await Promise.all(
      batch.map((w) =>
        handle(w.message).then(
          (outboxIds) => w.done({ outboxIds }),
          (error: unknown) => w.done({ error }),
        ),
      ),
    );
  };

  const pump = (): void => {
    while (batches < PARALLEL_BATCHES && waiting.length > 0) {
      const batch: Waiting[] = [];
      const rest: Waiting[] = [];
      const keys = new Set<string>();
      for (const w of waiting) {
        if (batch.length < MAX_BATCH && !busy.has(w.key) && !keys.has(w.key)) {
          batch.push(w);
          keys.add(w.key);
        } else {
          rest.push(w);
        }
      }
      if (batch.length === 0) return;
      waiting = rest;
      for (const key of keys) busy.add(key);
      batches++;
      void runBatch(batch).finally(() => {
        batches--;
        for (const key of keys) busy.delete(key);
        pump();
      });
    }
  };

  const handleGrouped = (message: InboundMessage): Promise<number[]> =>
    new Promise<number[]>((resolve, reject) => {
      const key = `${message.channel}\u0000${withoutNul(message).address}`;
      waiting.push({
        message,
        key,
        done: (r) => ("error" in r ? reject(r.error instanceof Error ? r.error : new Error(String(r.error))) : resolve(r.outboxIds)),
      });
      pump();
    });

  // Replies go out per channel and tick: the messages finished in the same turn of the event loop
  // (a batch) are claimed in one transaction, not one each.
  const pendingIds = new Map<string, { ids: number[]; delivered: Promise<unknown> }>();
  const deliverSoon = (channel: string, ids: number[]): Promise<unknown> => {
    let pending = pendingIds.get(channel);
    if (!pending) {
      const collected: number[] = [];
      const delivered = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        pendingIds.delete(channel);
        return deliverOutbox(rt, hub, { ids: collected });
      });
      pending = { ids: collected, delivered };
      pendingIds.set(channel, pending);
      const tracked = delivered.catch((err: unknown) => rt.log.error({ err }, "delivering replies failed"));
      sending.add(tracked);
      void tracked.finally(() => sending.delete(tracked));
    }
    pending.ids.push(...ids);
    return pending.delivered.catch(() => undefined);
  };

  const sink = async (message: InboundMessage) => {
    if (inProgress >= maxConcurrency) {
      metrics.inboundMessages.inc({ channel: message.channel, outcome: "busy" });
      throw new InboundBusyError();
    }
    inProgress++;
    metrics.inboundInProgress.inc();
    const timer = metrics.inboundSeconds.startTimer({ channel: message.channel });
    let outboxIds: number[];
    try {
      outboxIds = await handleGrouped(message);
    } finally {
      inProgress--;
      metrics.inboundInProgress.dec();
      timer();
    }
    // Sending happens after the caller is answered (webhooks must be acknowledged quickly); a
    // failed send stays in the outbox for the retry job.
    if (outboxIds.length === 0) return { delivered: Promise.resolve() };
    return { delivered: deliverSoon(message.channel, outboxIds) };
  };
  return Object.assign(sink, { idle: async () => void (await Promise.allSettled([...sending])) });
}
