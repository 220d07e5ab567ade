// The pump of one channel: starts every send its pacing allows now, highest lane first, asking
// each row's send guard a few rows ahead of its slot and the channel whether it holds the row
// back; sets a timer for the next slot.
import { MAX_GUARD_AHEAD, guardOf, verdictHolds, type RegisteredGuard } from "./guards.js";
import { heldLater, laneList, leaveGuardAhead, sendContextOf, type ChannelState, type EngineCore, type Held } from "./held.js";
import { outsideWindow, wantsMore } from "./rules.js";
import { postpone, sendHeld } from "./send.js";

/** Starts every send the channel's pacing allows now, highest lane first; sets a timer for the next. */
export function pump(core: EngineCore, channel: string): void {
  const { rt } = core;
  const state = core.state(channel);
  const adapter = core.hub.get(channel);
  for (;;) {
    const now = core.now();
    topUpGuardChecks(core, channel, state, now);
    const channelWait = state.pacer.channelWaitMs(now);
    if (channelWait > 0) return later(core, channel, channelWait);
    let pick: { lane: number; index: number } | null = null;
    let soonest = Infinity;
    for (let lane = 0; lane < state.lanes.length && !pick; lane++) {
      const list = state.lanes[lane] as Held[];
      for (let i = 0; i < list.length; i++) {
        const h = list[i] as Held;
        const address = h.row.address;
        if (state.busy.has(address)) continue;
        const wait = state.pacer.recipientWaitMs(address, now);
        if (wait > 0) {
          soonest = Math.min(soonest, wait);
          continue;
        }
        if (outsideWindow(h.row.channel, h.recipient?.lastInboundAt, rt.clock.now()) && !state.pacer.tierAllows(address, h.lane, now))
          continue;
        const guard = guardOf(h.row.kind);
        if (guard && h.guard === "passed" && !verdictHolds(rt, guard, h.row, h.guardVersion)) {
          // Paused, cancelled or quiet hours since its check: checked again before it may go. A
          // clock verdict (same guard version) is asked again after a second, never in a hot loop.
          if (h.guardVersion === guard.version) h.guardAfter = now + 1_000;
          h.guard = undefined;
          state.guardAhead = Math.max(0, state.guardAhead - 1);
        }
        if (guard && h.guard !== "passed") {
          if (h.guard === undefined && state.guardAhead < MAX_GUARD_AHEAD) {
            if ((h.guardAfter ?? 0) <= now) checkGuard(core, channel, state, h, guard);
            else soonest = Math.min(soonest, (h.guardAfter ?? 0) - now);
          }
          continue;
        }
        // The channel holds this message back (WhatsApp's restrictions): back to the queue until then.
        const hold = adapter?.holdUntil?.(address, sendContextOf(h));
        if (hold) {
          list.splice(i--, 1);
          leaveGuardAhead(state, h);
          void postpone(core, h, hold);
          continue;
        }
        pick = { lane, index: i };
        break;
      }
    }
    if (!pick) {
      if (soonest < Infinity) later(core, channel, soonest);
      return;
    }
    const next = (state.lanes[pick.lane] as Held[])[pick.index] as Held;
    if (!core.stopped && !core.claimHolds(next, now)) {
      // Our lease is short of the margin (its renewal is late): nothing is sent until it is renewed.
      if (core.isOurs(next)) return renewThenPump(core, channel);
      // Claimed under an id whose lease lapsed: the row may be someone else's now.
      (state.lanes[pick.lane] as Held[]).splice(pick.index, 1);
      leaveGuardAhead(state, next);
      core.dropClaim(next);
      continue;
    }
    const [h] = (state.lanes[pick.lane] as Held[]).splice(pick.index, 1) as [Held];
    leaveGuardAhead(state, h);
    if (core.stopped) {
      // Stopping: leave it for release().
      (state.lanes[pick.lane] as Held[]).splice(pick.index, 0, h);
      return;
    }
    const cost = adapter?.cost?.(h.row.message) ?? 1;
    const jitter = state.pacer.take(h.row.address, now, cost);
    if (outsideWindow(h.row.channel, h.recipient?.lastInboundAt, rt.clock.now())) state.pacer.countUnique(h.row.address, now);
    state.busy.add(h.row.address);
    void sendHeld(core, h, jitter)
      .catch((err: unknown) => rt.log.error({ err }, "outbox: send bookkeeping failed"))
      .finally(() => {
        // The next message to this person is spaced from this one's answer, so network delays
        // cannot bring two closer together at the provider than its per-chat limit.
        state.pacer.finished(h.row.address, core.now(), cost);
        state.busy.delete(h.row.address);
        if (core.running && wantsMore(state.buffer, heldLater(state))) core.wake();
        pump(core, channel);
      });
  }
}

/** Pumps the channel again in `ms` (the earliest of the timers asked for wins). */
export function later(core: EngineCore, channel: string, ms: number): void {
  const state = core.state(channel);
  const at = core.now() + ms;
  if (state.timer && state.timerAt <= at) return;
  if (state.timer) clearTimeout(state.timer);
  state.timerAt = at;
  state.timer = setTimeout(
    () => {
      state.timer = null;
      pump(core, channel);
    },
    Math.max(1, Math.ceil(ms)),
  );
}

/**
 * Renews the leases now, then sends on. A renewal succeeds only while our instance lease is
 * alive in the database, so every claim made under it is ours again; if it lapsed, the renewal
 * drops what we hold and starts under a new id (the rows are claimed afresh).
 */
function renewThenPump(core: EngineCore, channel: string): void {
  void core.heartbeat(true).then(
    () => {
      if (!core.stopped) pump(core, channel);
    },
    (err: unknown) => {
      core.rt.log.warn({ err }, "outbox: lease renewal failed");
      if (!core.stopped) later(core, channel, 1_000);
    },
  );
}

/** How many held rows one top-up looks through for rows to check: bounds its cost per pass. */
const GUARD_SCAN_LIMIT = 64;

/**
 * Keeps MAX_GUARD_AHEAD rows checked ahead of the sending slots, in lane order. The pass below
 * starts checks only for rows it meets before the one it sends, so with the first rows already
 * checked, no new check began until all of them had gone, and every fourth paced send then
 * waited a database round trip for its check (campaign drains at 27/s of 30/s; BENCHMARKS.md).
 */
function topUpGuardChecks(core: EngineCore, channel: string, state: ChannelState, now: number): void {
  if (state.guardAhead >= MAX_GUARD_AHEAD) return;
  let looked = 0;
  for (const list of state.lanes) {
    for (const h of list) {
      if (++looked > GUARD_SCAN_LIMIT) return;
      if (h.guard !== undefined || (h.guardAfter ?? 0) > now || state.busy.has(h.row.address)) continue;
      const guard = guardOf(h.row.kind);
      if (!guard) continue;
      checkGuard(core, channel, state, h, guard);
      if (state.guardAhead >= MAX_GUARD_AHEAD) return;
    }
  }
}

/** Runs a held row's send guard; the row is sent once it passes, or leaves the lane when handled. */
function checkGuard(core: EngineCore, channel: string, state: ChannelState, h: Held, guard: RegisteredGuard): void {
  h.guard = "checking";
  h.guardVersion = guard.version;
  state.guardAhead++;
  const settled = () => (state.guardAhead = Math.max(0, state.guardAhead - 1));
  void guard
    .check(core.rt, h.row, h.holder)
    .then(
      (verdict) => {
        if (verdict === "send") {
          h.guard = "passed";
          return;
        }
        settled();
        const list = laneList(state, h);
        const at = list?.indexOf(h) ?? -1;
        if (at >= 0) list?.splice(at, 1);
        h.settle("released");
      },
      (err: unknown) => {
        settled();
        core.rt.log.warn({ err, outboxId: h.row.id }, "outbox: send guard failed; checking again shortly");
        h.guard = undefined;
        h.guardAfter = core.now() + 1_000;
      },
    )
    .finally(() => {
      if (!core.stopped) pump(core, channel);
    });
}
