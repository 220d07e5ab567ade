// Send guards: a message kind's last check right before one of its messages is sent (campaigns:
// still running, the person not opted out, not in quiet hours). One per kind, registered by the
// domain at start; the engine asks them a few rows ahead of each sending slot (pump.ts).
import type { Runtime } from "../../runtime.js";
import type { OutboxRow } from "./held.js";

/**
 * A check run right before a message of some kind is sent (campaigns: still running, the person not
 * opted out, not in quiet hours). "handled": the guard has already put the row back in the queue or
 * removed it, in the database, conditioned on `holder` still holding it; the message is not sent.
 * Checks run just ahead of the row's sending slot, a few at a time, so their database round trip
 * never delays a paced send (a send leaving late bunches the next ones at the provider).
 */
export type SendGuard = (rt: Runtime, row: OutboxRow, holder: string) => Promise<"send" | "handled">;

export interface SendGuardOptions {
  /**
   * A check without I/O at the very moment of sending (quiet hours by the clock): false means the
   * guard's verdict no longer holds and it runs again before the row may go.
   */
  atSend?: (rt: Runtime, row: OutboxRow) => boolean;
  /** A NOTIFY channel on which any instance announces that verdicts may have changed (a pause). */
  notifyChannel?: string;
}

export interface RegisteredGuard {
  check: SendGuard;
  options: SendGuardOptions;
  /** Bumped by invalidateSendGuard: verdicts given before are checked again. */
  version: number;
}

const sendGuards = new Map<string, RegisteredGuard>();

/**
 * Rows per channel checked (or being checked) by their send guard and not yet sent: enough to
 * hide a database round trip behind the pacing (4 slots = 133 ms at 30/s), few enough that a
 * pause or quiet hours let at most these through.
 */
export const MAX_GUARD_AHEAD = 4;

/** Registers the guard of a message kind (one per kind; the last registration wins). */
export function registerSendGuard(kind: string, guard: SendGuard, options: SendGuardOptions = {}): void {
  sendGuards.set(kind, { check: guard, options, version: 0 });
}

/**
 * Verdicts this kind's guard gave so far may be stale (a pause or cancel just committed): every row
 * already passed is checked again before it is sent. Immediate in this process; other instances
 * learn it from the guard's notifyChannel.
 */
export function invalidateSendGuard(kind: string): void {
  const guard = sendGuards.get(kind);
  if (guard) guard.version++;
}

/** The guard of a message kind, if it has one. */
export function guardOf(kind: string): RegisteredGuard | undefined {
  return sendGuards.get(kind);
}

/** Every registered guard by kind (the engine listens on their notify channels). */
export function registeredGuards(): IterableIterator<[string, RegisteredGuard]> {
  return sendGuards.entries();
}

/** Whether a passed guard's verdict still holds now: no pause or cancel since, and its clock check. */
export function verdictHolds(rt: Runtime, guard: RegisteredGuard, row: OutboxRow, guardVersion: number | undefined): boolean {
  return guardVersion === guard.version && (guard.options.atSend?.(rt, row) ?? true);
}
