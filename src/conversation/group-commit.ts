// Handling inbound messages in one transaction per batch (a group commit): the messages that
// arrive while the previous batch is in the database are recorded, answered and queued together,
// in four statements for the whole batch — begin, inbound_begin_batch, inbound_finish, commit —
// instead of five or more per message; on PostgreSQL the commit goes right behind the last
// (pipelinedTransaction). Each message is still recorded exactly once (the ledger by channel and
// provider id), each person's messages still run one at a time in arrival order (the person lock,
// and the batcher never puts one address in two batches at once), and nothing is acknowledged
// before its batch has committed.
import type { InboundMessage } from "../channels/channel.js";
import { OUTBOX_NOTIFY_CHANNEL } from "../channels/engine.js";
import { outboxRows, parseIds, type Enqueue } from "../channels/outbox.js";
import { contactChannelFromJson, contactFromJson, type Contact, type ContactChannel } from "../contacts/index.js";
import { pipelinedTransaction, type RawStatement, type Tx } from "../db/client.js";
import { DEFAULT_LANG } from "../i18n/index.js";
import { detectLanguage } from "../knowledge/index.js";
import type { Runtime } from "../runtime.js";
import { route } from "./router.js";
import { dialogueStateOf, type DialogueState } from "./state.js";
import { Turn } from "./turn.js";

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

export interface InboundResult {
  duplicate: boolean;
  outboxIds: number[];
}

type Begun =
  | { duplicate: true }
  | {
      duplicate: false;
      contact: Contact;
      channel: ContactChannel;
      created: boolean;
      recent: number;
      state: DialogueState | null;
      expired: boolean;
    };

function begunFromJson(r: Record<string, unknown> | undefined): Begun {
  if (!r) throw new Error("inbound_begin_batch returned too few results");
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

const parseJson = (value: unknown): unknown => (typeof value === "string" ? JSON.parse(value) : value);

/**
 * The inbound_begin_batch routine (src/db/routines.ts): records every message and opens each
 * person's turn (ledger, find-or-create contact, person lock, flood count, dialogue state).
 */
function beginBatchStatement(messages: InboundMessage[], now: Date): RawStatement {
  const rows = messages.map((m) => ({
    channel: m.channel,
    external_id: m.externalId,
    address: m.address,
    phone: m.phone ?? null,
    received_at: m.receivedAt.toISOString(),
  }));
  return {
    text: "select inbound_begin_batch($1::text::json, $2::timestamptz, $3::timestamptz) as r",
    params: [JSON.stringify(rows), new Date(now.getTime() - 60_000).toISOString(), now.toISOString()],
  };
}

function begunOf(rows: Record<string, unknown>[], count: number): Begun[] {
  const results = parseJson(rows[0]?.r);
  if (!Array.isArray(results) || results.length !== count) throw new Error("inbound_begin_batch returned a wrong number of results");
  return (results as Record<string, unknown>[]).map(begunFromJson);
}

/** Runs the conversation for one recorded message; returns the outbox rows it queues. */
async function takeTurn(
  rt: Runtime,
  tx: Tx,
  message: InboundMessage,
  begun: Begun & { duplicate: false },
  now: Date,
): Promise<{ turn: Turn; items: Enqueue[] }> {
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
  const replies: Enqueue[] = turn.replies.map((reply) => ({
    contactId: turn.erased ? null : contact.id,
    ...to,
    message: reply,
    // Its own kind: WhatsApp Cloud sends it as the `erasure` template outside the 24-hour window.
    ...(turn.erased ? { forgetAfterSend: true, kind: "erasure" as const } : {}),
    ...(delayMs > 0 ? { notBefore: new Date(now.getTime() + delayMs) } : {}),
  }));
  // The first message over the limit: the person hears at once that the answers are coming.
  const notice: Enqueue[] =
    n === FLOOD_LIMIT_PER_MINUTE + 1 && !turn.erased
      ? [{ contactId: contact.id, ...to, message: { text: rt.i18n.t(turn.lang, "conversation:flood") } }]
      : [];
  return { turn, items: [...notice, ...replies] };
}

/**
 * Stores and handles messages of different people in one transaction, exactly once each; returns
 * each message's queued reply ids, in the given order. Any failure fails the whole batch (rolled
 * back): the caller then handles its messages one by one.
 */
export async function handleInboundBatch(rt: Runtime, received: InboundMessage[]): Promise<InboundResult[]> {
  const messages = received.map(withoutNul);
  // The same order of person locks in every batch (by address), so two batches do not wait on
  // each other (a person reached on two channels can still meet a deadlock: rolled back, retried).
  const order = messages.map((_, i) => i).sort((a, b) => compareAddress(messages[a] as InboundMessage, messages[b] as InboundMessage));
  const now = rt.clock.now();
  const sorted = order.map((i) => messages[i] as InboundMessage);
  // The batch's last statement and the commit go together.
  const { value: batch, lastRows } = await pipelinedTransaction(rt.db, beginBatchStatement(sorted, now), async (tx, firstRows) => {
    const begun = begunOf(firstRows, sorted.length);
    // One person reached on two channels at once: their second turn must see what the first
    // wrote, which a shared batch (states written at its end) would not show it.
    const people = begun.flatMap((b) => (b.duplicate ? [] : [b.contact.id]));
    if (new Set(people).size !== people.length) throw new SamePersonTwiceError();
    const states: Record<string, unknown>[] = [];
    const items: Enqueue[] = [];
    const counts: number[] = [];
    // One turn after another on the transaction's connection (their handlers may query it).
    for (const [k, b] of begun.entries()) {
      if (b.duplicate) {
        counts.push(-1);
        continue;
      }
      const { turn, items: queued } = await takeTurn(rt, tx, sorted[k] as InboundMessage, b, now);
      if (turn.stateWrite !== undefined && !turn.erased) {
        const { contactId, state, expiresAt } = turn.stateWrite;
        states.push(
          state === null
            ? { contact_id: contactId, flow: null }
            : { contact_id: contactId, flow: state.flow, step: state.step, data: state.data, expires_at: expiresAt.toISOString() },
        );
      }
      items.push(...queued);
      counts.push(queued.length);
    }
    return { value: { counts, queued: items.length }, last: finishStatement(states, items, now) };
  });
  const ids = parseIds(lastRows[0]?.ids);
  // Replies have no dedupe key, so every row is inserted and the ids come back in row order.
  if (ids.length !== batch.queued) throw new Error("inbound_finish queued a wrong number of replies");
  const results: InboundResult[] = new Array<InboundResult>(messages.length);
  let at = 0;
  for (const [k, count] of batch.counts.entries()) {
    const i = order[k] as number;
    if (count < 0) {
      results[i] = { duplicate: true, outboxIds: [] };
    } else {
      results[i] = { duplicate: false, outboxIds: ids.slice(at, at + count) };
      at += count;
    }
  }
  return results;
}

/** A batch held two messages of one person (two channels): it is redone one message at a time. */
export class SamePersonTwiceError extends Error {
  constructor() {
    super("one person twice in an inbound batch");
    this.name = "SamePersonTwiceError";
  }
}

function compareAddress(a: InboundMessage, b: InboundMessage): number {
  return a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : a.address < b.address ? -1 : a.address > b.address ? 1 : 0;
}

/** The inbound_finish routine: every turn's dialogue state and every reply in one statement (none when there is nothing to write). */
function finishStatement(states: Record<string, unknown>[], items: Enqueue[], now: Date): RawStatement | null {
  if (states.length === 0 && items.length === 0) return null;
  return {
    text: "select inbound_finish($1::timestamptz, $2::text::json, $3::text::json, $4) as ids",
    params: [now.toISOString(), JSON.stringify(states), JSON.stringify(outboxRows(items)), OUTBOX_NOTIFY_CHANNEL],
  };
}
