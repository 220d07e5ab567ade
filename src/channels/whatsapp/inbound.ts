// WhatsApp messages on their way in: Baileys' upsert events are checked and mapped to
// InboundMessage, then handed to the sink one at a time per chat (in the order they came).
import type { BaileysEventMap } from "@whiskeysockets/baileys";
import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/log.js";
import { withRequestId } from "../../lib/request-context.js";
import { InboundUnavailableError, type InboundSink } from "../channel.js";
import { mapBaileysMessage } from "./map.js";
import { baileysMessageSchema, describeIssues } from "./schema.js";

/** Waits before handing a message to the sink again while the database is away or busy. */
const SINK_RETRY_MS = [200, 1_000, 2_000, 5_000, 10_000];

export interface InboundQueue {
  onUpsert: (event: BaileysEventMap["messages.upsert"]) => void;
  /** Settles when every message taken so far has been handled (or given up). */
  drain(): Promise<void>;
}

export function createInboundQueue(options: { sink: InboundSink; log: Logger; clock: Clock; isRunning: () => boolean }): InboundQueue {
  const { sink, log, clock, isRunning } = options;
  const inflight = new Set<Promise<void>>();
  const byAddress = new Map<string, Promise<void>>();

  /** Handles one inbound message; messages of one chat are handled in order. */
  const deliver = (address: string, task: () => Promise<void>) => {
    const previous = byAddress.get(address) ?? Promise.resolve();
    const next = previous.then(task);
    byAddress.set(address, next);
    inflight.add(next);
    void next.finally(() => {
      inflight.delete(next);
      if (byAddress.get(address) === next) byAddress.delete(address);
    });
  };

  const onUpsert = ({ messages, type }: BaileysEventMap["messages.upsert"]) => {
    // "append" are messages from before this connection (history, own other devices): not turns.
    if (type !== "notify" || !isRunning()) return;
    for (const msg of messages) {
      const checked = baileysMessageSchema.safeParse(msg);
      if (!checked.success) {
        log.warn({ issues: describeIssues(checked.error) }, "whatsapp message malformed; ignored");
        continue;
      }
      let inbound: ReturnType<typeof mapBaileysMessage>;
      try {
        inbound = mapBaileysMessage(msg, clock.now());
      } catch (err) {
        log.warn({ error: err instanceof Error ? err.name : "unknown" }, "whatsapp message not understood; ignored");
        continue;
      }
      if (!inbound) continue;
      const message = inbound;
      deliver(message.address, () =>
        withRequestId(async () => {
          // WhatsApp has already been told the message arrived (Baileys sends the receipt), so it
          // will not deliver it again: while the database is away or the sink is full, keep trying
          // here (the last wait repeats) until it is stored or the channel stops.
          for (let attempt = 0; ; attempt++) {
            try {
              await sink(message);
              return;
            } catch (err) {
              if (!(err instanceof InboundUnavailableError) || !isRunning()) {
                log.error({ err, externalId: message.externalId }, "handling a WhatsApp message failed");
                return;
              }
              await new Promise((resolve) => setTimeout(resolve, SINK_RETRY_MS[Math.min(attempt, SINK_RETRY_MS.length - 1)]));
            }
          }
        }),
      );
    }
  };

  return {
    onUpsert,
    drain: async () => {
      await Promise.allSettled([...inflight]);
    },
  };
}
