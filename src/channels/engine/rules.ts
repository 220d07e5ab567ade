// The engine's pure rules: what to do after a failed send, whom WhatsApp Cloud counts against the
// tier, how much to keep claimed, and when a lease is renewed or no longer safe to send under.
// No I/O and no timers: the time comes in, so each is unit-tested without waiting.
import { SendError } from "../channel.js";
import { backoffMs, LANES, type Lane } from "../pacing.js";

/** A provider's wait longer than this is not held in memory: the row goes back to the queue. */
export const MAX_HELD_RETRY_AFTER_MS = 60_000;
/** A rate-limit answer without retry_after is waited out this long. */
const DEFAULT_RETRY_AFTER_MS = 1_000;
/** Lanes 0–1 (replies, notices) due at once are claimed in batches of this many. */
export const URGENT_BATCH = 500;
/** The 24-hour customer-service window of WhatsApp Cloud. */
const WINDOW_MS = 86_400_000;

/** What happens to a row whose send failed. */
export type FailureDecision =
  /** The provider asked to slow down (429): not the message's fault, no attempt counted. */
  | { action: "wait"; waitMs: number; recipientOnly: boolean; keepHeld: boolean }
  /** Transient (5xx, network): queued again after a backoff, the attempt counted. */
  | { action: "retry"; attempts: number; delayMs: number }
  /** Permanent, or out of attempts: failed for good. */
  | { action: "give-up"; attempts: number; retryable: boolean; lastError: string };

export interface RetryPolicy {
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

/** The reason kept in outbox.last_error (bounded). */
export function failureReason(err: unknown): string {
  return err instanceof Error ? err.message.slice(0, 500) : String(err);
}

/**
 * After a failed send: a rate limit is waited out (in memory up to MAX_HELD_RETRY_AFTER_MS, unless
 * stopping), a transient failure retried with backoff until maxAttempts, anything else failed.
 */
export function afterFailure(
  err: unknown,
  priorAttempts: number,
  policy: RetryPolicy,
  stopping: boolean,
  random: () => number = Math.random,
): FailureDecision {
  if (err instanceof SendError && err.rateLimited) {
    const waitMs = err.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
    return { action: "wait", waitMs, recipientOnly: err.scope === "recipient", keepHeld: waitMs <= MAX_HELD_RETRY_AFTER_MS && !stopping };
  }
  const retryable = err instanceof SendError ? err.retryable : true;
  const attempts = priorAttempts + 1;
  if (retryable && attempts < policy.maxAttempts) {
    return { action: "retry", attempts, delayMs: backoffMs(attempts, policy.retryBaseMs, policy.retryMaxMs, random) };
  }
  const reason = failureReason(err);
  return { action: "give-up", attempts, retryable, lastError: retryable ? `gave up after ${attempts} attempts: ${reason}` : reason };
}

/** Whether a WhatsApp Cloud message goes to someone outside their 24-hour window (counted against the tier). */
export function outsideWindow(channel: string, lastInboundAt: Date | null | undefined, now: Date): boolean {
  if (channel !== "whatsapp-cloud") return false;
  return !lastInboundAt || now.getTime() - lastInboundAt.getTime() >= WINDOW_MS;
}

/** The lane of a stored rank; a rank out of range (a row from another version) is clamped. */
export function laneAtRank(rank: number): Lane {
  return LANES[Math.min(Math.max(rank, 0), LANES.length - 1)] as Lane;
}

/** How many reminder and bulk rows a channel keeps claimed: about ten seconds of sending, at least 20. */
export function channelBuffer(perSecond = 50): number {
  return Math.max(20, Math.ceil(perSecond * 10));
}

/** How many reminder and bulk rows to claim now: none until half the buffer has gone out. */
export function bulkRoom(buffer: number, held: number): number {
  const room = buffer - held;
  return room < buffer / 2 ? 0 : room;
}

/** Whether the loop should claim more reminder and bulk rows (less than half the buffer left). */
export function wantsMore(buffer: number, held: number): boolean {
  return held < buffer / 2;
}

/** Leases are renewed when a third of their time has passed (or when forced). */
export function renewalDue(now: number, validUntil: number, leaseMs: number): boolean {
  return now > validUntil - (leaseMs * 2) / 3;
}

/**
 * Whether a claim may still be sent under a lease valid until `validUntil`: the request needs a
 * margin to leave before the lease could lapse and another instance take the row over.
 */
export function leaseAllowsSend(now: number, validUntil: number, marginMs: number): boolean {
  return now < validUntil - marginMs;
}
