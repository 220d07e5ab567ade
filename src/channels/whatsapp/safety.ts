// WhatsApp's own warnings about the service's number, read from Baileys 7 events, and what they
// hold back. Pure: events and the time in, restrictions out; the adapter keeps them (safety-store.ts).
//
// What Baileys 7.0.0-rc14 emits (lib/Socket/messages-recv.js, lib/Socket/socket.js, lib/Types):
// - `connection.update` with `reachoutTimeLock: { isActive, timeEnforcementEnds?: Date,
//   enforcementType? }` (ConnectionState.reachoutTimeLock, "When you are in this state, WhatsApp
//   prevents outgoing messages and calls"): from WhatsApp's push notification
//   (xwa2_notify_account_reachout_timelock; an active lock without an end is given now + 60 s, as
//   WhatsApp Web does) and from sock.fetchAccountReachoutTimelock(); `isActive: false` when lifted.
// - `message-capping.update` with NewChatMessageCapInfo: `capping_status` NONE | FIRST_WARNING |
//   SECOND_WARNING | CAPPED, `used_quota`/`total_quota` and the cycle's `cycle_end_timestamp`
//   (xwa2_notify_new_chat_messages_capping_info_update): the limit on starting new chats.
// - `messages.update` with `update.status` ERROR (0) and `messageStubParameters[0]` the server's
//   ack error, for a message this account sent. "463" (SERVER_ERROR_CODES.MessageAccountRestriction)
//   "usually means the account is restricted: WhatsApp blocks starting new chats but preserves
//   existing ones"; Baileys does not retry it, since "retrying counts as another reach out and
//   worsens the restriction". Its parameters then also carry "Your account has been restricted".
//
// All three restrict reaching out, not answering: while one holds, bulk messages (campaigns,
// broadcasts) and messages to someone who never wrote to the service wait; replies, notices and
// reminders to people who wrote in still go (if WhatsApp refuses one, its ack error says so).
import type { Lane } from "../pacing.js";

export const SAFETY_CAUSES = ["reachout-timelock", "message-capping", "account-restricted"] as const;
export type SafetyCause = (typeof SAFETY_CAUSES)[number];

/** What WhatsApp said, kept for the console (no personal data). */
export interface SafetyDetail {
  /** Reach-out time lock: WhatsApp's enforcement type (e.g. BIZ_QUALITY). */
  enforcement?: string;
  /** Message capping: FIRST_WARNING, SECOND_WARNING or CAPPED, and the cycle's quota. */
  capping?: string;
  used?: number;
  total?: number;
  /** True when WhatsApp gave no end time and the default pause was used. */
  guessedEnd?: boolean;
}

/** One restriction on one number, until `liftsAt`. */
export interface SafetyRestriction {
  cause: SafetyCause;
  since: Date;
  liftsAt: Date;
  detail: SafetyDetail;
}

/** What an event means: a restriction set (or extended), one lifted, or nothing to do. */
export type SafetyChange = { set: SafetyRestriction } | { lift: SafetyCause } | null;

/** The pause when WhatsApp gives an end that has already passed (clock skew): as WhatsApp Web does for a missing one. */
const MIN_PAUSE_MS = 60_000;

function endOrDefault(end: Date | undefined, now: Date, defaultPauseMs: number): { liftsAt: Date; guessed: boolean } {
  if (end && !Number.isNaN(end.getTime())) return { liftsAt: end > now ? end : new Date(now.getTime() + MIN_PAUSE_MS), guessed: false };
  return { liftsAt: new Date(now.getTime() + defaultPauseMs), guessed: true };
}

/** `connection.update` → reachoutTimeLock. */
export function fromReachoutTimelock(
  lock: { isActive?: boolean; timeEnforcementEnds?: Date | string; enforcementType?: string } | undefined,
  now: Date,
  defaultPauseMs: number,
): SafetyChange {
  if (!lock) return null;
  if (!lock.isActive) return { lift: "reachout-timelock" };
  const end = lock.timeEnforcementEnds === undefined ? undefined : new Date(lock.timeEnforcementEnds);
  const { liftsAt, guessed } = endOrDefault(end, now, defaultPauseMs);
  const detail: SafetyDetail = {
    ...(lock.enforcementType ? { enforcement: String(lock.enforcementType).slice(0, 80) } : {}),
    ...(guessed ? { guessedEnd: true } : {}),
  };
  return { set: { cause: "reachout-timelock", since: now, liftsAt, detail } };
}

/** A WhatsApp timestamp string: seconds since the epoch (milliseconds accepted too). */
function parseTimestamp(value: string | number | undefined): Date | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) return undefined;
  return new Date(n < 1e12 ? n * 1000 : n);
}

const CAPPING_WARNINGS = ["FIRST_WARNING", "SECOND_WARNING", "CAPPED"];

/** `message-capping.update` (NewChatMessageCapInfo): a warning or the cap pauses until the cycle ends. */
export function fromMessageCapping(
  info: { capping_status?: string; used_quota?: number; total_quota?: number; cycle_end_timestamp?: string } | undefined,
  now: Date,
  defaultPauseMs: number,
): SafetyChange {
  if (!info?.capping_status) return null;
  if (!CAPPING_WARNINGS.includes(info.capping_status)) return { lift: "message-capping" };
  const { liftsAt, guessed } = endOrDefault(parseTimestamp(info.cycle_end_timestamp), now, defaultPauseMs);
  const detail: SafetyDetail = {
    capping: info.capping_status,
    ...(typeof info.used_quota === "number" ? { used: info.used_quota } : {}),
    ...(typeof info.total_quota === "number" ? { total: info.total_quota } : {}),
    ...(guessed ? { guessedEnd: true } : {}),
  };
  return { set: { cause: "message-capping", since: now, liftsAt, detail } };
}

/** The server's ack error code of a failed send in `messages.update`, or null. */
export function ackErrorCode(update: {
  status?: number | null;
  messageStubParameters?: (string | null | undefined)[] | null;
}): string | null {
  // WAMessageStatus.ERROR is 0 (proto.WebMessageInfo.Status).
  if (update.status !== 0) return null;
  const code = update.messageStubParameters?.[0];
  return typeof code === "string" && /^\d{3}$/.test(code) ? code : null;
}

/** Ack error 463: new chats are blocked; paused for the default time (WhatsApp gives no end). */
export function fromAckError(code: string | null, now: Date, defaultPauseMs: number): SafetyChange {
  if (code !== "463") return null;
  return {
    set: { cause: "account-restricted", since: now, liftsAt: new Date(now.getTime() + defaultPauseMs), detail: { guessedEnd: true } },
  };
}

/**
 * Until when a message waits under the restrictions in force: bulk, and anything to a person who
 * never wrote to the service (first contact), waits for the latest lift time; the rest goes.
 */
export function holdUntil(restrictions: Iterable<SafetyRestriction>, lane: Lane, firstContact: boolean, now: Date): Date | null {
  if (lane !== "bulk" && !firstContact) return null;
  let until: Date | null = null;
  for (const r of restrictions) if (r.liftsAt > now && (!until || r.liftsAt > until)) until = r.liftsAt;
  return until;
}

/**
 * A new restriction over the one in force for the same cause: the first start stays; WhatsApp's
 * own end time replaces the old one (it may shorten a lock), a guessed end only extends it.
 */
export function mergeRestriction(current: SafetyRestriction | undefined, next: SafetyRestriction, now: Date): SafetyRestriction {
  if (!current || current.liftsAt <= now) return next;
  const liftsAt = next.detail.guessedEnd && current.liftsAt > next.liftsAt ? current.liftsAt : next.liftsAt;
  return { ...next, since: current.since, liftsAt };
}
