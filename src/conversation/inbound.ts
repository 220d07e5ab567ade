// The path of every inbound message, whatever the channel: record it once, find the person,
// run the conversation in order for that person, queue the replies — all in one transaction —
// then send the replies.
import { sql } from "drizzle-orm";
import { InboundBusyError, InboundUnavailableError, type InboundMessage, type InboundSink } from "../channels/channel.js";
import { isDatabaseError } from "../db/errors.js";
import type { ChannelHub } from "../channels/hub.js";
import { deliverOutbox, enqueue } from "../channels/outbox.js";
import { contactChannelFromJson, contactFromJson, type Contact, type ContactChannel } from "../contacts/index.js";
import { rawQuery, type Tx } from "../db/client.js";
import { DEFAULT_LANG } from "../i18n/index.js";
import { detectLanguage } from "../knowledge/index.js";
import type { Runtime } from "../runtime.js";
import { route } from "./router.js";
import { dialogueStateOf, type DialogueState } from "./state.js";
import { Turn } from "./turn.js";
import * as metrics from "../metrics/index.js";

/**
 * More messages than this from one person in a minute is flooding: the person is told once that
 * everything will be answered, and the replies to the extra messages go out a minute later per
 * further batch of this size. Nothing is dropped: a real question in a burst is still answered.
 */
export const FLOOD_LIMIT_PER_MINUTE = 20;

/**
 * Longer texts are answered with "please write shorter" on every channel. 4,096 is
 * Telegram's own message limit: room for a kader's many-line report; WhatsApp allows 65,536.
 */
export const MAX_INBOUND_TEXT_LENGTH = 4096;

/** When the replies to the n-th message within a minute may go out: at once up to the limit, then a minute per batch. */
export function floodDelayMs(n: number, limit = FLOOD_LIMIT_PER_MINUTE): number {
  return n <= limit ? 0 : Math.floor((n - 1) / limit) * 60_000;
}

/**
 * PostgreSQL text cannot hold NUL (U+0000): it is stripped from everything a provider sends, so a
 * stray NUL is just a missing character rather than a message that fails every time it comes.
 */
export function withoutNul(message: InboundMessage): InboundMessage {
  const strip = (v: string) => (v.includes("\u0000") ? v.replaceAll("\u0000", "") : v);
  const clean: InboundMessage = { ...message, externalId: strip(message.externalId), address: strip(message.address) };
  if (message.text !== undefined) clean.text = strip(message.text);
  if (message.payload !== undefined) clean.payload = strip(message.payload);
  if (message.phone !== undefined) clean.phone = strip(message.phone);
  return clean;
}

type Begun =
  | { duplicate: true }
  | { duplicate: false; contact: Contact; channel: ContactChannel; created: boolean; recent: number; state: DialogueState | null; expired: boolean };

/** The inbound_begin routine: stores the message and opens the person's turn (see routines.ts). */
async function beginInbound(tx: Tx, message: InboundMessage, now: Date): Promise<Begun> {
  const [row] = await rawQuery<{ r: unknown }>(
    tx,
    "select inbound_begin($1, $2, $3, $4, $5::timestamptz, $6::timestamptz, $7::timestamptz) as r",
    [
      message.channel,
      message.externalId,
      message.address,
      message.phone ?? null,
      message.receivedAt.toISOString(),
      new Date(now.getTime() - 60_000).toISOString(),
      now.toISOString(),
    ],
  );
  const r = (typeof row?.r === "string" ? JSON.parse(row.r) : row?.r) as Record<string, unknown> | undefined;
  if (!r) throw new Error("inbound_begin returned nothing");
  if (r.duplicate) return { duplicate: true };
  return {
    duplicate: false,
    contact: contactFromJson(r.contact as Record<string, unknown>),
    channel: contactChannelFromJson(r.channel as Record<string, unknown>),
    created: Boolean(r.created),
    recent: Number(r.recent),
    state: dialogueStateOf(r.state),
    expired: Boolean(r.expired),
  };
}

export interface InboundResult {
  duplicate: boolean;
  outboxIds: number[];
}

/** Stores and handles one message exactly once; returns the queued replies' ids. */
export async function handleInbound(rt: Runtime, received: InboundMessage): Promise<InboundResult> {
  const message = withoutNul(received);
  try {
    return await rt.db.transaction(async (tx) => {
      const now = rt.clock.now();
      // Ledger, find-or-create contact, the person's lock, flood count and dialogue state in one
      // round trip (src/db/routines.ts). A redelivery, or the same message reaching a second
      // instance, stops at the ledger's unique key.
      const begun = await beginInbound(tx, message, now);
      if (begun.duplicate) return { duplicate: true, outboxIds: [] };
      const { contact, channel, state, expired } = begun;

      const tooLong = (message.text?.length ?? 0) > MAX_INBOUND_TEXT_LENGTH;
      const lang = contact.lang ?? detectLanguage((message.text ?? "").slice(0, MAX_INBOUND_TEXT_LENGTH)) ?? DEFAULT_LANG;
      const turn = new Turn(rt, tx, contact, channel, message, lang, state);

      const n = begun.recent;
      const delayMs = floodDelayMs(n);
      if (tooLong) {
        turn.say("conversation:too_long", { max: MAX_INBOUND_TEXT_LENGTH });
      } else {
        if (expired) turn.say("conversation:expired");
        await route(turn);
      }

      // Each reply carries what sending needs (language, WhatsApp Cloud's window), so the send
      // side looks nothing up per reply.
      const context = { lang: turn.contact.lang ?? turn.lang, lastInboundAt: message.receivedAt };
      const to = { channel: message.channel, address: message.address, context };
      const replies = turn.replies.map((reply) => ({
        contactId: turn.erased ? null : contact.id,
        ...to,
        message: reply,
        // Its own kind: WhatsApp Cloud sends it as the `erasure` template outside the 24-hour window.
        ...(turn.erased ? { forgetAfterSend: true, kind: "erasure" as const } : {}),
        ...(delayMs > 0 ? { notBefore: new Date(now.getTime() + delayMs) } : {}),
      }));
      // The first message over the limit: the person hears at once that the answers are coming.
      const notice =
        n === FLOOD_LIMIT_PER_MINUTE + 1 && !turn.erased
          ? [{ contactId: contact.id, ...to, message: { text: rt.i18n.t(turn.lang, "conversation:flood") } }]
          : [];
      const outboxIds = await enqueue(tx, [...notice, ...replies], now);
      return { duplicate: false, outboxIds };
    });
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

export function createInboundSink(rt: Runtime, hub: ChannelHub, options: { maxConcurrency?: number } = {}): ConversationSink {
  const sending = new Set<Promise<unknown>>();
  // Bounded work: beyond this many messages in progress a message is refused (503 / tried again),
  // so a burst waits at the provider, not in this process's memory or the database pool's queue.
  const maxConcurrency = options.maxConcurrency ?? rt.config.INBOUND_MAX_CONCURRENCY;
  let inProgress = 0;

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
      const apology = { contactId: null, channel: message.channel, address: withoutNul(message).address, message: { text: rt.i18n.t(lang, "conversation:error") } };
      return await enqueue(rt.db, [apology], rt.clock.now());
    } catch (err) {
      throw new InboundUnavailableError({ cause: err });
    }
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
      outboxIds = await handle(message);
    } finally {
      inProgress--;
      metrics.inboundInProgress.dec();
      timer();
    }
    // Sending happens after the caller is answered (webhooks must be acknowledged quickly); a
    // failed send stays in the outbox for the retry job.
    const delivered = deliverOutbox(rt, hub, { ids: outboxIds }).catch((err: unknown) =>
      rt.log.error({ err }, "delivering replies failed"),
    );
    sending.add(delivered);
    void delivered.finally(() => sending.delete(delivered));
    return { delivered };
  };
  return Object.assign(sink, { idle: async () => void (await Promise.allSettled([...sending])) });
}
