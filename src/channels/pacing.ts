// Pure pacing rules for outbound messages: token buckets, rolling caps and priority lanes. No I/O
// and no timers: every function takes the time, so the rules are unit-tested without waiting.
// The engine (engine.ts) asks these when the next send may start.
import type { MessageKind } from "./channel.js";

/**
 * Priority lanes, highest first. A conversation reply goes before anything else; bulk only gets
 * what capacity is left (it is never picked while a higher lane has a sendable message).
 */
export const LANES = ["reply", "notice", "reminder", "bulk"] as const;
export type Lane = (typeof LANES)[number];

/**
 * The one place message kinds (outbox.kind) map onto lanes. Unknown kinds count as notices: a new
 * kind of staff message should not wait behind reminders because nobody listed it here.
 */
const LANE_OF_KIND: Readonly<Record<MessageKind, Lane>> = {
  reply: "reply",
  erasure: "reply", // the HAPUS DATA confirmation: a reply with a template of its own
  alert: "notice",
  handoff: "notice",
  referral: "notice",
  growth: "notice",
  reminder: "reminder",
  broadcast: "bulk",
  campaign: "bulk",
};

/** The lane of a kind; a kind this version does not know (a row from a newer one) is a notice. */
export function laneOf(kind: string | undefined): Lane {
  return LANE_OF_KIND[(kind ?? "reply") as MessageKind] ?? "notice";
}

/** The lane's rank (0 = first); stored in outbox.lane so rows are claimed in lane order. */
export function laneRank(lane: Lane): number {
  return LANES.indexOf(lane);
}

/**
 * A token bucket: `rate` tokens per second, `burst` at most. Burst 1 spaces sends evenly (a
 * provider counting any rolling second sees at most `rate`). `slack` (a quarter token) is kept on
 * top so a timer firing a few milliseconds late does not slow the rate down over time.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly rate: number,
    readonly burst: number,
    now: number,
    readonly slack = 0.25,
  ) {
    this.tokens = burst;
    this.updatedAt = now;
  }

  private refill(now: number): void {
    if (now > this.updatedAt) {
      this.tokens = Math.min(this.burst + this.slack, this.tokens + ((now - this.updatedAt) * this.rate) / 1000);
      this.updatedAt = now;
    }
  }

  /** Milliseconds until `cost` tokens are there (0: now); fractional. */
  waitMs(now: number, cost = 1): number {
    this.refill(now);
    const need = Math.min(cost, this.burst) - this.tokens;
    return need <= 1e-9 ? 0 : (need * 1000) / this.rate;
  }

  /** Takes `cost` tokens (the balance may go below zero for a message of several pieces). */
  take(now: number, cost = 1): void {
    this.refill(now);
    this.tokens -= cost;
  }
}

/** At most `limit` sends in any rolling `windowMs` (WhatsApp by Baileys: per minute, hour, day). */
export class RollingCap {
  private readonly times: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  private prune(now: number): void {
    let drop = 0;
    while (drop < this.times.length && (this.times[drop] as number) <= now - this.windowMs) drop++;
    if (drop) this.times.splice(0, drop);
  }

  waitMs(now: number): number {
    this.prune(now);
    if (this.times.length < this.limit) return 0;
    return (this.times[this.times.length - this.limit] as number) + this.windowMs - now;
  }

  take(now: number): void {
    this.times.push(now);
  }

  /** Sends counted in the window now. */
  count(now: number): number {
    this.prune(now);
    return this.times.length;
  }
}

/** One channel's pacing, from settings (config/index.ts → outboundPacing). */
export interface ChannelPacing {
  /** Sends per second over the whole channel; undefined: unpaced. */
  perSecond?: number;
  /** Sends per second to one recipient; undefined: only one at a time, in order. */
  perRecipientPerSecond?: number;
  /** Rolling caps over the whole channel (Baileys: per minute, hour and day). */
  caps?: { limit: number; windowMs: number }[];
  /** Random extra wait before each send, 0..jitterMs (Baileys: human-like). */
  jitterMs?: number;
  /**
   * WhatsApp Cloud's messaging tier: unique people per rolling 24 h reached outside their 24-hour
   * window. Reminders and bulk stop at `bulkShare` of it, leaving the rest for alerts and replies.
   */
  uniqueOutsideWindowPer24h?: number;
  bulkShare?: number;
}

/**
 * The pacing state of one channel: a bucket over the channel, one per recipient, rolling caps,
 * and a pause (a provider's 429 with retry_after).
 */
export class ChannelPacer {
  private readonly channel?: TokenBucket;
  private readonly recipients = new Map<string, number>();
  private readonly caps: RollingCap[];
  private pausedUntil = 0;
  private readonly recipientPaused = new Map<string, number>();
  private readonly uniques = new Map<string, number>();

  constructor(
    readonly settings: ChannelPacing,
    now: number,
    private readonly random: () => number = Math.random,
  ) {
    if (settings.perSecond) this.channel = new TokenBucket(settings.perSecond, 1, now);
    this.caps = (settings.caps ?? []).map((c) => new RollingCap(c.limit, c.windowMs));
  }

  /** Milliseconds until the channel may send a message of `cost` pieces (any recipient). */
  channelWaitMs(now: number, cost = 1): number {
    return Math.max(this.pausedUntil - now, this.channel?.waitMs(now, cost) ?? 0, ...this.caps.map((c) => c.waitMs(now)), 0);
  }

  /** Milliseconds until this recipient may get the next message. */
  recipientWaitMs(address: string, now: number): number {
    return Math.max((this.recipients.get(address) ?? 0) - now, (this.recipientPaused.get(address) ?? 0) - now, 0);
  }

  /** Records a send starting now; returns the jitter to wait before it (Baileys). */
  take(address: string, now: number, cost = 1): number {
    this.channel?.take(now, cost);
    for (const cap of this.caps) cap.take(now);
    const per = this.settings.perRecipientPerSecond;
    if (per) this.recipients.set(address, now + (cost * 1000) / per);
    if (this.recipients.size > 10_000) this.forget(now);
    return this.settings.jitterMs ? Math.floor(this.random() * this.settings.jitterMs) : 0;
  }

  /** A send to this recipient was answered: the next one waits the per-recipient interval from now. */
  finished(address: string, now: number, cost = 1): void {
    const per = this.settings.perRecipientPerSecond;
    if (per) this.recipients.set(address, Math.max(this.recipients.get(address) ?? 0, now + (cost * 1000) / per));
  }

  /** A provider's "too many requests": nothing more on the channel (or to one recipient) until then. */
  pause(now: number, ms: number, address?: string): void {
    if (address === undefined) this.pausedUntil = Math.max(this.pausedUntil, now + ms);
    else this.recipientPaused.set(address, Math.max(this.recipientPaused.get(address) ?? 0, now + ms));
  }

  /**
   * Whether a message of this lane may go to a person outside their 24-hour window under the
   * tier (WhatsApp Cloud): replies and notices up to the tier, reminders and bulk up to bulkShare.
   */
  tierAllows(address: string, lane: Lane, now: number): boolean {
    const tier = this.settings.uniqueOutsideWindowPer24h;
    if (!tier) return true;
    this.pruneUniques(now);
    if (this.uniques.has(address)) return true;
    const limit = lane === "reminder" || lane === "bulk" ? Math.floor(tier * (this.settings.bulkShare ?? 0.8)) : tier;
    return this.uniques.size < limit;
  }

  /** Counts a person reached outside their window (WhatsApp Cloud tier). */
  countUnique(address: string, now: number): void {
    if (this.settings.uniqueOutsideWindowPer24h) this.uniques.set(address, now);
  }

  /** People reached outside their window in the last 24 h (seeded from the outbox at start). */
  seedUniques(entries: Iterable<[string, number]>): void {
    for (const [address, at] of entries) this.uniques.set(address, at);
  }

  private pruneUniques(now: number): void {
    for (const [address, at] of this.uniques) if (at <= now - 86_400_000) this.uniques.delete(address);
  }

  private forget(now: number): void {
    for (const [address, at] of this.recipients) if (at <= now) this.recipients.delete(address);
    for (const [address, at] of this.recipientPaused) if (at <= now) this.recipientPaused.delete(address);
  }
}

/** Full-jitter exponential backoff for transient failures: random in [base·2^(n-1)/2, base·2^(n-1)], capped. */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(ceiling / 2 + (random() * ceiling) / 2);
}
