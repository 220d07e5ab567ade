// The path of every inbound message, whatever the channel: record it once, find the person,
// run the conversation in order for that person, queue the replies — all in one transaction —
// then send the replies.
import { and, count, eq, gte, sql } from "drizzle-orm";
import type { InboundMessage, InboundSink } from "../channels/channel.js";
import { safeError } from "../lib/log.js";
import { inboundMessages } from "../channels/channels.sql.js";
import type { ChannelHub } from "../channels/hub.js";
import { deliverOutbox, enqueue } from "../channels/outbox.js";
import { findOrCreateContact } from "../contacts/index.js";
import { DEFAULT_LANG } from "../i18n/index.js";
import { detectLanguage } from "../knowledge/index.js";
import type { Runtime } from "../runtime.js";
import { registerDomainConversations } from "./domains.js";
import { route } from "./router.js";
import { loadState } from "./state.js";
import { Turn } from "./turn.js";

/** More messages than this from one person in a minute is flooding; one notice, then quiet. */
export const FLOOD_LIMIT_PER_MINUTE = 20;

/**
 * Longer texts are answered with "please write shorter" on every channel (issue 13.3). 4,096 is
 * Telegram's own message limit: room for a kader's many-line report; WhatsApp allows 65,536.
 */
export const MAX_INBOUND_TEXT_LENGTH = 4096;

export interface InboundResult {
  duplicate: boolean;
  outboxIds: number[];
}

/** Stores and handles one message exactly once; returns the queued replies' ids. */
export async function handleInbound(rt: Runtime, message: InboundMessage): Promise<InboundResult> {
  try {
    return await rt.db.transaction(async (tx) => {
      // A redelivery, or the same message reaching a second instance, stops here: the unique key
      // makes the second insert wait for the first transaction and then do nothing.
      const [ledger] = await tx
        .insert(inboundMessages)
        .values({ channel: message.channel, externalId: message.externalId, receivedAt: message.receivedAt })
        .onConflictDoNothing()
        .returning({ id: inboundMessages.id });
      if (!ledger) return { duplicate: true, outboxIds: [] };

      const { contact, channel } = await findOrCreateContact(tx, message);
      // One person's messages run one at a time, in arrival order, across instances.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${contact.id}, 0))`);
      await tx.update(inboundMessages).set({ contactId: contact.id }).where(eq(inboundMessages.id, ledger.id));

      const now = rt.clock.now();
      const [recent] = await tx
        .select({ n: count() })
        .from(inboundMessages)
        .where(and(eq(inboundMessages.contactId, contact.id), gte(inboundMessages.receivedAt, new Date(now.getTime() - 60_000))));
      const tooLong = (message.text?.length ?? 0) > MAX_INBOUND_TEXT_LENGTH;
      const lang = contact.lang ?? detectLanguage((message.text ?? "").slice(0, MAX_INBOUND_TEXT_LENGTH)) ?? DEFAULT_LANG;
      const { state, expired } = await loadState(tx, contact.id, now);
      const turn = new Turn(rt, tx, contact, channel, message, lang, state);

      const n = recent?.n ?? 0;
      if (n > FLOOD_LIMIT_PER_MINUTE + 1) return { duplicate: false, outboxIds: [] };
      if (n === FLOOD_LIMIT_PER_MINUTE + 1) {
        turn.say("conversation:flood");
      } else if (tooLong) {
        turn.say("conversation:too_long", { max: MAX_INBOUND_TEXT_LENGTH });
      } else {
        if (expired) turn.say("conversation:expired");
        await route(turn);
      }

      const outboxIds = await enqueue(
        tx,
        turn.replies.map((reply) => ({
          contactId: turn.erased ? null : contact.id,
          channel: message.channel,
          address: message.address,
          message: reply,
        })),
        now,
      );
      return { duplicate: false, outboxIds };
    });
  } catch (cause) {
    throw new Error(`handling an inbound ${message.channel} message`, { cause });
  }
}

/**
 * What channel adapters call. A failure is logged (without content) and answered with an apology
 * so the person is never left in silence; the ledger row is rolled back, so a redelivery is
 * handled afresh.
 */
export interface ConversationSink extends InboundSink {
  /** Resolves when every reply handed out so far has been sent (for a clean shutdown). */
  idle(): Promise<void>;
}

export function createInboundSink(rt: Runtime, hub: ChannelHub): ConversationSink {
  registerDomainConversations();
  const sending = new Set<Promise<unknown>>();
  const sink = async (message: InboundMessage) => {
    let outboxIds: number[] = [];
    try {
      ({ outboxIds } = await handleInbound(rt, message));
    } catch (err) {
      rt.log.error({ ...safeError(err), channel: message.channel }, "inbound message failed");
      outboxIds = await enqueue(rt.db, [
        {
          contactId: null,
          channel: message.channel,
          address: message.address,
          message: { text: rt.i18n.t(detectLanguage(message.text ?? "") ?? DEFAULT_LANG, "conversation:error") },
        },
      ], rt.clock.now()).catch(() => []);
    }
    // Sending happens after the caller is answered (webhooks must be acknowledged quickly); a
    // failed send stays in the outbox for the retry job.
    const delivered = deliverOutbox(rt, hub, { ids: outboxIds }).catch((err: unknown) =>
      rt.log.error({ ...safeError(err) }, "delivering replies failed"),
    );
    sending.add(delivered);
    void delivered.finally(() => sending.delete(delivered));
    return { delivered };
  };
  return Object.assign(sink, { idle: async () => void (await Promise.allSettled([...sending])) });
}
