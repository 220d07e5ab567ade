// What the engine holds in memory: claimed rows waiting in their lanes per channel, and the part
// of the engine the sending modules (pump.ts, send.ts) work through.
import type { EventEmitter } from "node:events";
import type { Runtime } from "../../runtime.js";
import type { SendContext } from "../channel.js";
import type { outbox } from "../channels.sql.js";
import type { ChannelHub } from "../hub.js";
import { ChannelPacer, LANES, laneRank, type ChannelPacing, type Lane } from "../pacing.js";
import { channelBuffer, laneAtRank } from "./rules.js";
import type { EngineSettings } from "./settings.js";

export type OutboxRow = typeof outbox.$inferSelect;
export type Outcome = "sent" | "retrying" | "failed" | "released";

export interface DeliveryStats {
  sent: number;
  retrying: number;
  failed: number;
}

/** Counters since the engine started (benchmark, tests, logs). */
export interface EngineCounters extends DeliveryStats {
  /** Provider rate-limit answers (429), each waited out without counting an attempt. */
  rateLimited: number;
  /** Transient failures (5xx, network) retried. */
  transient: number;
}

export interface Recipient {
  lang: "id" | "bjn" | null;
  lastInboundAt: Date | null;
}

export interface Held {
  row: OutboxRow;
  lane: Lane;
  /** The instance id it was claimed under: sendable only while that id's lease is ours. */
  holder: string;
  /** Its guard's version when the check that passed it began (a pause since then means: check again). */
  guardVersion?: number;
  /** Its kind's send guard: being checked, or passed (then it may take the next slot). */
  guard?: "checking" | "passed";
  /** After a failed check (database away): not checked again before this (the engine's clock). */
  guardAfter?: number;
  recipient: Recipient | undefined;
  settle: (outcome: Outcome) => void;
  done: Promise<Outcome>;
}

/** A claimed row, held in memory until it has an outcome. */
export function holdRow(row: OutboxRow, holder: string, recipient: Recipient | undefined): Held {
  let settle!: (o: Outcome) => void;
  const done = new Promise<Outcome>((resolve) => (settle = resolve));
  return { row, lane: laneAtRank(row.lane), holder, recipient, done, settle };
}

/** What the adapter is told about a send (its holds and templates depend on it). */
export function sendContextOf(h: Held): SendContext {
  return { kind: h.row.kind, lang: h.recipient?.lang ?? "id", lastInboundAt: h.recipient?.lastInboundAt ?? null };
}

/** Per channel: held rows by lane, recipients being sent to, the pacer and the pump's timer. */
export interface ChannelState {
  lanes: Held[][];
  /** Rows checked or being checked by their send guard, not yet sent (at most MAX_GUARD_AHEAD). */
  guardAhead: number;
  busy: Set<string>;
  pacer: ChannelPacer;
  timer: NodeJS.Timeout | null;
  timerAt: number;
  /** How many lane 2–3 rows to keep claimed (about ten seconds of sending). */
  buffer: number;
}

export function newChannelState(pacing: ChannelPacing, now: number): ChannelState {
  return {
    lanes: LANES.map(() => []),
    guardAhead: 0,
    busy: new Set(),
    pacer: new ChannelPacer(pacing, now),
    timer: null,
    timerAt: 0,
    buffer: channelBuffer(pacing.perSecond),
  };
}

/** Reminder and bulk rows held for the channel (lanes 2–3). */
export function heldLater(state: ChannelState): number {
  return (state.lanes[2]?.length ?? 0) + (state.lanes[3]?.length ?? 0);
}

/** The lane list a held row waits in. */
export function laneList(state: ChannelState, h: Held): Held[] | undefined {
  return state.lanes[laneRank(h.lane)];
}

/** A guard-cleared row leaves the look-ahead (sent, held back or dropped). */
export function leaveGuardAhead(state: ChannelState, h: Held): void {
  if (h.guard === "passed") state.guardAhead = Math.max(0, state.guardAhead - 1);
}

/** The engine as the sending modules see it. */
export interface EngineCore {
  readonly rt: Runtime;
  readonly hub: ChannelHub;
  readonly settings: EngineSettings;
  readonly counters: EngineCounters;
  readonly events: EventEmitter;
  /** Continuous mode (start() until stop()). */
  readonly running: boolean;
  /** Stopped or crashed: nothing more is sent. */
  readonly stopped: boolean;
  readonly crashed: boolean;
  /** The engine's monotonic clock (ms). */
  now(): number;
  state(channel: string): ChannelState;
  /** Claimed under our current id (a lease short of its margin is renewed, not given up). */
  isOurs(h: Held): boolean;
  /** Whether the row may be sent now: claimed under our id, with lease time to spare. */
  claimHolds(h: Held, now: number): boolean;
  /** Hands a row whose claim is no longer safely ours back to the queue, then claims again. */
  dropClaim(h: Held): void;
  /** Renews the leases (when due, or now when forced). */
  heartbeat(force?: boolean): Promise<void>;
  /** Asks for a claim pass now. */
  wake(): void;
}
