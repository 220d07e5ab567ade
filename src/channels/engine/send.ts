// Sending one held row and recording what came of it: sent, held back by the channel, waiting out
// a provider's rate limit (429 / retry_after), retried after a transient failure, or failed.
import * as metrics from "../../metrics/index.js";
import { guardOf, verdictHolds } from "./guards.js";
import { laneList, sendContextOf, type EngineCore, type Held } from "./held.js";
import { recordOutcome } from "./outcomes.js";
import { afterFailure, failureReason } from "./rules.js";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sends a row the pump picked (after its jitter), unless its claim or its guard's verdict lapsed meanwhile. */
export async function sendHeld(core: EngineCore, h: Held, jitter: number): Promise<void> {
  const { rt } = core;
  if (jitter > 0) await sleep(jitter);
  const row = h.row;
  const adapter = core.hub.get(row.channel);
  if (!core.claimHolds(h, core.now())) {
    // Our lease may lapse before the request leaves (a long pause): another instance may own this
    // row now. Claimed under our id: back to the lane until the lease is renewed; else dropped.
    if (core.isOurs(h)) laneList(core.state(row.channel), h)?.unshift(h);
    else core.dropClaim(h);
    return;
  }
  const guard = guardOf(row.kind);
  if (jitter > 0 && guard && !verdictHolds(rt, guard, row, h.guardVersion)) {
    // Paused or quiet hours during the jitter wait: back to the lane, checked again.
    h.guard = undefined;
    laneList(core.state(row.channel), h)?.unshift(h);
    return;
  }
  if (!adapter) {
    await recordOutcome(rt, row.id, {
      status: "queued",
      claimedBy: null,
      attemptedAt: null,
      nextAttemptAt: new Date(rt.clock.now().getTime() + 60_000),
    });
    h.settle("released");
    return;
  }
  try {
    core.events.emit("sending", row.id);
    const result = await adapter.send(row.address, row.message, sendContextOf(h));
    // A person who erased their data: once their last message has left, its row goes too.
    await recordOutcome(
      rt,
      row.id,
      row.forgetAfterSend
        ? null
        : {
            status: "sent",
            sentAt: rt.clock.now(),
            externalId: result.externalId ?? null,
            lastError: null,
            claimedBy: null,
            attempts: row.attempts + 1,
          },
    );
    core.counters.sent++;
    metrics.outboundMessages.inc({ channel: row.channel, lane: h.lane, result: "sent" });
    if (h.lane === "reply")
      metrics.replyLatency.observe({ channel: row.channel }, Math.max(0, rt.clock.now().getTime() - row.createdAt.getTime()) / 1000);
    h.settle("sent");
  } catch (err) {
    await failed(core, h, err);
  }
}

/** A held-back message goes back to the queue until the channel lets it go; no attempt counted. */
export async function postpone(core: EngineCore, h: Held, hold: { until: Date; reason: string }): Promise<void> {
  metrics.outboundMessages.inc({ channel: h.row.channel, lane: h.lane, result: "held" });
  try {
    await recordOutcome(core.rt, h.row.id, {
      status: "queued",
      claimedBy: null,
      lastError: hold.reason.slice(0, 500),
      nextAttemptAt: hold.until,
    });
  } catch (err) {
    core.rt.log.warn({ err, outboxId: h.row.id }, "outbox: putting a held message back failed");
  }
  h.settle("released");
}

/** Records a failed send as the rules decide (rules.ts afterFailure). */
async function failed(core: EngineCore, h: Held, err: unknown): Promise<void> {
  const { rt, settings, counters } = core;
  const row = h.row;
  const state = core.state(row.channel);
  const decision = afterFailure(err, row.attempts, settings, core.stopped);
  if (decision.action === "wait") {
    // Not the message's fault: wait what the provider asks, and do not count an attempt.
    const wait = decision.waitMs;
    counters.rateLimited++;
    metrics.rateLimited.inc({ channel: row.channel });
    metrics.outboundMessages.inc({ channel: row.channel, lane: h.lane, result: "rate_limited" });
    state.pacer.pause(core.now(), wait, decision.recipientOnly ? row.address : undefined);
    rt.log.warn({ outboxId: row.id, channel: row.channel, retryAfterMs: wait }, "send rate-limited; waiting");
    if (decision.keepHeld) {
      laneList(state, h)?.unshift(h);
      return;
    }
    await recordOutcome(rt, row.id, {
      status: "queued",
      claimedBy: null,
      attemptedAt: null,
      lastError: failureReason(err),
      nextAttemptAt: new Date(rt.clock.now().getTime() + wait),
    });
    h.settle("retrying");
    return;
  }
  const { attempts } = decision;
  const retryable = decision.action === "retry" || decision.retryable;
  rt.log.warn({ outboxId: row.id, channel: row.channel, attempts, retryable }, "send failed");
  if (decision.action === "retry") {
    counters.transient++;
    const delay = decision.delayMs;
    await recordOutcome(rt, row.id, {
      status: "queued",
      claimedBy: null,
      attemptedAt: null,
      attempts,
      lastError: failureReason(err),
      nextAttemptAt: new Date(rt.clock.now().getTime() + delay),
    });
    counters.retrying++;
    metrics.outboundMessages.inc({ channel: row.channel, lane: h.lane, result: "retrying" });
    h.settle("retrying");
    // The loop picks it up when due; make sure it looks soon.
    if (core.running && delay < settings.pollMs) setTimeout(() => core.wake(), delay).unref();
    return;
  }
  await recordOutcome(
    rt,
    row.id,
    row.forgetAfterSend ? null : { status: "failed", claimedBy: null, attempts, lastError: decision.lastError },
  );
  counters.failed++;
  metrics.outboundMessages.inc({ channel: row.channel, lane: h.lane, result: "failed" });
  h.settle("failed");
}
