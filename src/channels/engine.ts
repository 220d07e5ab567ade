// The outbound engine: every message leaves through here — replies, staff notices, reminders,
// broadcasts. Rows are claimed from the outbox in lane order (pacing.ts), held in memory per
// channel and sent as fast as the channel's pacing allows, highest lane first.
//
// Across instances (README "Pacing"):
// - every instance holds a lease "instance:<id>" in outbox_leases, renewed every third of
//   OUTBOUND_LEASE_MS; rows it claimed carry its id, and once its lease lapses (a crash) any
//   instance puts them back in the queue;
// - one instance at a time sends on each channel, the holder of "channel:<name>": pacing lives in
//   that one process, so two instances never add up to twice the provider's limit. The web chat
//   is not paced and keeps no lease (its mailboxes live in the process that serves the page);
// - enqueue() sends NOTIFY balanting_outbox in its transaction: the sending instance wakes when the
//   rows commit, whichever instance queued them; a short poll covers a missed notification.
// A send whose result could not be recorded before a crash is sent again (at least once) and
// counted (outbox.unknown_outcomes, for rows a send guard marked just before their slot); every
// other path sends a row exactly once. Before each send the engine checks by its own clock that
// the row was claimed under its current id and that the lease has a quarter of OUTBOUND_LEASE_MS
// to spare. After a stalled event loop it sends nothing until the lease is renewed: a renewal
// succeeds only if the lease never lapsed in the database; otherwise it drops what it holds and
// claims afresh under a new id, rather than race the instance that may have taken the rows over.
//
// This file is the engine's one entry point; its parts live in engine/:
// - outbound-engine.ts: start/stop, the claim loop, deliver(), handing rows back;
// - pump.ts and send.ts: picking the next row per channel and lane, sending it, its outcome;
// - guards.ts: the send guards of message kinds (campaigns);
// - leases.ts and store.ts: the leases and the engine's statements on the outbox;
// - rules.ts: the pure rules (retry and rate-limit decisions, the 24-hour window, buffer sizes);
//   pacing itself is ../pacing.ts; outcomes.ts records what happened to each send.
import type { Runtime } from "../runtime.js";
import type { ChannelHub } from "./hub.js";
import { OutboundEngine } from "./engine/outbound-engine.js";
import { engineSettings, type EngineSettings } from "./engine/settings.js";

export { OUTBOX_NOTIFY_CHANNEL, OutboundEngine } from "./engine/outbound-engine.js";
export { engineSettings, type EngineSettings } from "./engine/settings.js";
export type { DeliveryStats, EngineCounters, OutboxRow } from "./engine/held.js";
export { invalidateSendGuard, registerSendGuard, type SendGuard, type SendGuardOptions } from "./engine/guards.js";
export { reclaimOrphans } from "./engine/store.js";

const engines = new WeakMap<ChannelHub, OutboundEngine>();

/** The hub's engine (one per hub, created on first use with the runtime's settings or the given ones). */
export function engineFor(rt: Runtime, hub: ChannelHub, settings?: EngineSettings): OutboundEngine {
  let engine = engines.get(hub);
  if (!engine) {
    engine = new OutboundEngine(rt, hub, settings ?? engineSettings(rt.config));
    engines.set(hub, engine);
  }
  return engine;
}
