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
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { performance } from "node:perf_hooks";
import { and, asc, eq, gte, inArray, lte, sql } from "drizzle-orm";
import type { Config } from "../config/index.js";
import { queryRows, type DbOrTx } from "../db/client.js";
import type { Runtime } from "../runtime.js";
import { SendError, type ChannelName } from "./channel.js";
import { outbox } from "./channels.sql.js";
import type { ChannelHub } from "./hub.js";
import { recordOutcome } from "./outcomes.js";
import { backoffMs, ChannelPacer, LANES, laneRank, type ChannelPacing, type Lane } from "./pacing.js";
import * as metrics from "../metrics/index.js";

/** The NOTIFY channel enqueue() signals on. */
export const OUTBOX_NOTIFY_CHANNEL = "balanting_outbox";

/** A provider's wait longer than this is not held in memory: the row goes back to the queue. */
const MAX_HELD_RETRY_AFTER_MS = 60_000;
/** Lanes 0–1 (replies, notices) due at once are claimed in batches of this many. */
const URGENT_BATCH = 500;

export interface EngineSettings {
  pacing: Partial<Record<ChannelName, ChannelPacing>>;
  pollMs: number;
  leaseMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxAttempts: number;
  /** The engine's monotonic clock in ms (default performance.now); tests move it to stand for a stalled event loop. */
  monotonic?: () => number;
}

/** Pacing and engine settings from the configuration. */
export function engineSettings(config: Config): EngineSettings {
  // A request leaves a little later than it was paced when the event loop is busy; the next one
  // may then reach the provider less than one interval after it. The headroom absorbs that.
  const paced = (limit: number) => limit * (1 - config.OUTBOUND_HEADROOM);
  return {
    pacing: {
      telegram: {
        perSecond: paced(config.OUTBOUND_TELEGRAM_PER_SECOND),
        perRecipientPerSecond: config.OUTBOUND_TELEGRAM_PER_CHAT_PER_SECOND,
      },
      "whatsapp-cloud": {
        perSecond: paced(config.OUTBOUND_WA_CLOUD_PER_SECOND),
        uniqueOutsideWindowPer24h: config.OUTBOUND_WA_CLOUD_TIER || undefined,
        bulkShare: config.OUTBOUND_WA_CLOUD_BULK_SHARE,
      },
      whatsapp: {
        caps: [
          { limit: config.OUTBOUND_BAILEYS_PER_MINUTE, windowMs: 60_000 },
          { limit: config.OUTBOUND_BAILEYS_PER_HOUR, windowMs: 3_600_000 },
          { limit: config.OUTBOUND_BAILEYS_PER_DAY, windowMs: 86_400_000 },
        ],
        jitterMs: config.OUTBOUND_BAILEYS_JITTER_MS,
      },
      web: {},
    },
    pollMs: config.OUTBOUND_POLL_MS,
    leaseMs: config.OUTBOUND_LEASE_MS,
    retryBaseMs: config.OUTBOUND_RETRY_BASE_MS,
    retryMaxMs: config.OUTBOUND_RETRY_MAX_MS,
    maxAttempts: config.OUTBOUND_MAX_ATTEMPTS,
  };
}

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

export type OutboxRow = typeof outbox.$inferSelect;
type Outcome = "sent" | "retrying" | "failed" | "released";

interface Held {
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

interface Recipient {
  lang: "id" | "bjn" | null;
  lastInboundAt: Date | null;
}

/** Per channel: held rows by lane, recipients being sent to, the pacer and the pump's timer. */
interface ChannelState {
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

interface RegisteredGuard {
  check: SendGuard;
  options: SendGuardOptions;
  /** Bumped by invalidateSendGuard: verdicts given before are checked again. */
  version: number;
}
const sendGuards = new Map<string, RegisteredGuard>();

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

/**
 * Rows per channel checked (or being checked) by their send guard and not yet sent: enough to
 * hide a database round trip behind the pacing (4 slots = 133 ms at 30/s), few enough that a
 * pause or quiet hours let at most these through.
 */
const MAX_GUARD_AHEAD = 4;

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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class OutboundEngine {
  readonly counters: EngineCounters = { sent: 0, retrying: 0, failed: 0, rateLimited: 0, transient: 0 };
  /** Emits "sending" (outbox id) as a send starts, "outcome" (outbox id, outcome) after its outcome is recorded. */
  readonly events = new EventEmitter();
  private id = randomUUID();
  private readonly channels = new Map<string, ChannelState>();
  private readonly held = new Map<number, Held>();
  /** The engine's clock (this.now()) until which this instance's lease (and channel leases) are surely valid. */
  private leaseValidUntil = 0;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private heartbeatRunning: Promise<void> | null = null;
  /** Channels this instance sends on (continuous mode); null: every channel of the hub (one-shot use). */
  private led: Set<string> | null = null;
  private running = false;
  private stopped = false;
  private crashed = false;
  private loopDone: Promise<void> | null = null;
  private wakeLoop: (() => void) | null = null;
  private wakeRequested = false;
  private unlisten: (() => Promise<void>) | null = null;
  private readonly now: () => number;
  /** A claim is sent only while its lease has at least this long to run (the send's own time to leave). */
  private readonly sendMarginMs: number;

  constructor(
    private readonly rt: Runtime,
    private readonly hub: ChannelHub,
    readonly settings: EngineSettings,
  ) {
    this.now = settings.monotonic ?? (() => performance.now());
    this.sendMarginMs = settings.leaseMs / 4;
  }

  // ---- continuous mode (main.ts) ----------------------------------------------------------

  /** Drains the outbox continuously until stop(): woken by NOTIFY, by deliver(), and every pollMs. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.led = new Set(this.unleasedChannels());
    try {
      const unlisten = [(await this.rt.listen?.(OUTBOX_NOTIFY_CHANNEL, () => this.wake())) ?? null];
      // Another instance paused a campaign (say): verdicts given here are checked again before sending.
      for (const [kind, guard] of sendGuards) {
        if (guard.options.notifyChannel)
          unlisten.push((await this.rt.listen?.(guard.options.notifyChannel, () => invalidateSendGuard(kind))) ?? null);
      }
      this.unlisten = async () => {
        for (const u of unlisten) await u?.();
      };
    } catch (err) {
      this.rt.log.warn({ err }, "outbox: LISTEN failed; polling only");
    }
    this.loopDone = this.loop();
  }

  /** Stops claiming, lets the sends in flight finish, and hands every row still held back to the queue. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopped = true;
    this.wake();
    await this.loopDone;
    await this.unlisten?.().catch(() => {});
    this.unlisten = null;
    const ids = [...this.held.values()].filter((h) => !this.isBusy(h)).map((h) => h.row.id);
    for (const state of this.channels.values()) {
      if (state.timer) clearTimeout(state.timer);
      state.timer = null;
      state.lanes = LANES.map(() => []);
    }
    await this.release(ids).catch((err: unknown) => this.rt.log.warn({ err }, "outbox: releasing held rows failed"));
    await Promise.allSettled([...this.held.values()].map((h) => h.done));
    this.stopHeartbeat();
    await this.rt.db.execute(sql`delete from outbox_leases where holder = ${this.id}`).catch(() => {});
  }

  /**
   * Test hook: behaves as if the process died now — no more sends, nothing written back, leases
   * left to lapse.
   */
  crash(): void {
    this.running = false;
    this.stopped = true;
    this.crashed = true;
    this.wake();
    this.stopHeartbeat();
    this.leaseValidUntil = 0;
    for (const state of this.channels.values()) {
      if (state.timer) clearTimeout(state.timer);
      state.timer = null;
    }
    this.dropAll();
    void this.unlisten?.().catch(() => {});
  }

  /** Asks the loop for a claim pass now (rows were queued). */
  wake(): void {
    this.wakeRequested = true;
    this.wakeLoop?.();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      this.wakeRequested = false;
      let full = false;
      try {
        await this.heartbeat();
        full = await this.claimPass();
      } catch (err) {
        this.rt.log.warn({ err }, "outbox: claim pass failed");
      }
      if (!this.running) break;
      if (full || this.wakeRequested) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.settings.pollMs);
        this.wakeLoop = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeLoop = null;
    }
  }

  // ---- one-shot use and the inbound path --------------------------------------------------

  /**
   * Sends the given due rows (or every due row) and resolves when each row this instance holds
   * among them has an outcome. Rows of a channel another instance sends on are left to it (it
   * was woken by NOTIFY). Without start() (tests, scripts) this claims and sends by itself.
   */
  async deliver(options: { ids?: number[]; limit?: number } = {}): Promise<DeliveryStats> {
    const stats: DeliveryStats = { sent: 0, retrying: 0, failed: 0 };
    if (options.ids && options.ids.length === 0) return stats;
    // Stopped (shutdown): what is queued now is sent by the next start or another instance.
    if (this.stopped) return stats;
    if (this.running) this.wake();
    await this.heartbeat();
    const channels = this.claimableChannels();
    // Running, replies and notices are claimed here at once; reminders and bulk are left to the
    // loop, which claims them a few seconds' worth at a time (a reminder round handed over whole
    // would sit in memory, and its caller would wait for all of it).
    const claimed = channels.length
      ? await this.claim({
          channels,
          ids: options.ids,
          limit: options.limit ?? (options.ids ? options.ids.length : 200),
          ...(this.running ? { maxLane: 1 } : {}),
        })
      : [];
    const mine = new Set(claimed.map((h) => h.row.id));
    // The loop may be claiming some of these ids right now (woken by the same NOTIFY).
    await Promise.allSettled([...this.claiming]);
    const waiting = (options.ids ?? []).flatMap((id) => {
      const h = this.held.get(id);
      return !h || mine.has(id) || (this.running && laneRank(h.lane) > 1) ? [] : [h.done];
    });
    const outcomes = await Promise.all(claimed.map((h) => h.done));
    for (const outcome of outcomes) if (outcome !== "released") stats[outcome]++;
    await Promise.all(waiting);
    return stats;
  }

  // ---- leases -----------------------------------------------------------------------------

  private unleasedChannels(): string[] {
    return this.hub.adapters().flatMap((a) => (a.name === "web" ? [a.name] : []));
  }

  private claimableChannels(): string[] {
    const ours = this.hub.adapters().map((a) => a.name as string);
    return this.led ? ours.filter((c) => this.led?.has(c)) : ours;
  }

  /** Renews leases when a third of their time has passed (or they lapsed); serialised. */
  private async heartbeat(force = false): Promise<void> {
    const due = force || this.now() > this.leaseValidUntil - (this.settings.leaseMs * 2) / 3;
    if (!due) return;
    this.heartbeatRunning ??= this.renew().finally(() => (this.heartbeatRunning = null));
    await this.heartbeatRunning;
  }

  private async renew(): Promise<void> {
    const started = this.now();
    if (started > this.leaseValidUntil && this.held.size > 0) {
      // Our lease may have lapsed and others may have taken our rows: drop them and start afresh.
      this.dropAll();
    }
    if (started > this.leaseValidUntil) this.id = randomUUID();
    const lease = `${this.settings.leaseMs} milliseconds`;
    const names = [`instance:${this.id}`];
    if (this.running) {
      for (const a of this.hub.adapters()) if (a.name !== "web" && a.canSend?.() !== false) names.push(`channel:${a.name}`);
    }
    // An instance lease that lapsed in the database is not renewed (its rows may have been taken
    // over meanwhile: a clock or a stall we did not see); a channel lease that lapsed is anyone's.
    const rows = await queryRows<{ name: string }>(
      this.rt.db,
      sql`insert into outbox_leases (name, holder, expires_at)
          select n, ${this.id}, now() + ${lease}::interval from unnest(${`{${names.join(",")}}`}::text[]) as n
          on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at
            where (outbox_leases.holder = excluded.holder and outbox_leases.expires_at > now())
               or (outbox_leases.expires_at <= now() and outbox_leases.name like 'channel:%')
          returning name`,
    );
    if (!rows.some((r) => r.name === `instance:${this.id}`)) {
      this.dropAll();
      this.leaseValidUntil = 0;
      this.id = randomUUID();
      return this.renew();
    }
    this.leaseValidUntil = started + this.settings.leaseMs;
    if (this.running) {
      const led = new Set([...this.unleasedChannels(), ...rows.flatMap((r) => (r.name.startsWith("channel:") ? [r.name.slice(8)] : []))]);
      const lost = [...(this.led ?? [])].filter((c) => !led.has(c));
      this.led = led;
      for (const channel of lost) await this.releaseChannel(channel);
      await this.reclaim();
    }
    if (this.running || this.held.size > 0) this.ensureHeartbeat();
  }

  /** Keeps the leases renewed while running or holding rows. */
  private ensureHeartbeat(): void {
    if (!this.heartbeatTimer) {
      this.heartbeatTimer = setInterval(
        () => {
          if (!this.running && this.held.size === 0) return this.stopHeartbeat();
          void this.heartbeat(true).catch((err: unknown) => this.rt.log.warn({ err }, "outbox: lease renewal failed"));
        },
        Math.max(100, Math.floor(this.settings.leaseMs / 3)),
      );
      this.heartbeatTimer.unref();
    }
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  /** Rows claimed by an instance whose lease lapsed go back to the queue. */
  private async reclaim(): Promise<number> {
    return reclaimOrphans(this.rt.db);
  }

  /** Forgets every held row not being sent (their claims lapse with our lease). */
  private dropAll(): void {
    for (const state of this.channels.values()) {
      const waiting = state.lanes.flat();
      state.lanes = LANES.map(() => []);
      state.guardAhead = 0;
      for (const h of waiting) h.settle("released");
    }
  }

  private async releaseChannel(channel: string): Promise<void> {
    const state = this.channels.get(channel);
    if (!state) return;
    const ids = state.lanes.flat().map((h) => h.row.id);
    state.lanes = LANES.map(() => []);
    state.guardAhead = 0;
    await this.release(ids);
  }

  /** Hands held rows back to the queue (shutdown, a channel lease lost). */
  private async release(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.rt.db
      .update(outbox)
      .set({ status: "queued", claimedBy: null, attemptedAt: null })
      .where(and(inArray(outbox.id, ids), eq(outbox.claimedBy, this.id)));
    for (const id of ids) this.held.get(id)?.settle("released");
  }

  private isBusy(h: Held): boolean {
    const state = this.channels.get(h.row.channel);
    return !state?.lanes[laneRank(h.lane)]?.includes(h);
  }

  // ---- claiming ---------------------------------------------------------------------------

  private state(channel: string): ChannelState {
    let state = this.channels.get(channel);
    if (!state) {
      const pacing = this.settings.pacing[channel as ChannelName] ?? {};
      const perSecond = pacing.perSecond ?? 50;
      state = {
        lanes: LANES.map(() => []),
        guardAhead: 0,
        busy: new Set(),
        pacer: new ChannelPacer(pacing, this.now()),
        timer: null,
        timerAt: 0,
        buffer: Math.max(20, Math.ceil(perSecond * 10)),
      };
      this.channels.set(channel, state);
    }
    return state;
  }

  /** One pass of the loop: every due reply and notice, and reminders/bulk up to each channel's buffer. True when more may be due. */
  private async claimPass(): Promise<boolean> {
    const channels = this.claimableChannels();
    if (channels.length === 0) return false;
    const urgent = await this.claim({ channels, limit: URGENT_BATCH, maxLane: 1 });
    let full = urgent.length === URGENT_BATCH;
    for (const channel of channels) {
      const state = this.state(channel);
      const queued = (state.lanes[2]?.length ?? 0) + (state.lanes[3]?.length ?? 0);
      const room = state.buffer - queued;
      if (room < state.buffer / 2) continue;
      const bulk = await this.claim({ channels: [channel], limit: room, minLane: 2 });
      if (bulk.length === room) full = true;
    }
    return full;
  }

  /** Claims in progress (deliver() waits for them before looking up the rows it was given). */
  private readonly claiming = new Set<Promise<Held[]>>();

  private claim(q: { channels: string[]; ids?: number[]; limit: number; minLane?: number; maxLane?: number }): Promise<Held[]> {
    const pending = this.claimRows(q);
    this.claiming.add(pending);
    void pending.catch(() => {}).finally(() => this.claiming.delete(pending));
    return pending;
  }

  private async claimRows(q: { channels: string[]; ids?: number[]; limit: number; minLane?: number; maxLane?: number }): Promise<Held[]> {
    if (q.limit <= 0) return [];
    const now = this.rt.clock.now();
    const me = this.id;
    // One statement (its own transaction): the due rows locked, skipping rows another claim holds, and marked ours.
    const db = this.rt.db;
    const due = db
      .select({ id: outbox.id })
      .from(outbox)
      .where(
        and(
          eq(outbox.status, "queued"),
          inArray(outbox.channel, q.channels),
          lte(outbox.nextAttemptAt, now),
          q.ids ? inArray(outbox.id, q.ids) : undefined,
          q.minLane !== undefined ? gte(outbox.lane, q.minLane) : undefined,
          q.maxLane !== undefined ? lte(outbox.lane, q.maxLane) : undefined,
          // Only while our instance lease lives in the database: an instance that stalled past it
          // (and does not know yet) claims nothing the others may be sending.
          sql`exists (select 1 from outbox_leases l where l.name = ${`instance:${me}`} and l.expires_at > now())`,
        ),
      )
      .orderBy(asc(outbox.lane), asc(outbox.id))
      .limit(q.limit)
      .for("update", { skipLocked: true });
    const rows = await db.update(outbox).set({ status: "sending", claimedBy: me }).where(inArray(outbox.id, due)).returning();
    if (rows.length === 0) return [];
    rows.sort((a, b) => a.lane - b.lane || a.id - b.id);
    let contexts: Map<string, Recipient>;
    try {
      contexts = await sendContexts(this.rt.db, rows);
    } catch (err) {
      await this.release(rows.map((r) => r.id)).catch(() => {});
      throw err;
    }
    const added: Held[] = [];
    for (const row of rows) {
      let settle!: (o: Outcome) => void;
      const done = new Promise<Outcome>((resolve) => (settle = resolve));
      const lane = LANES[Math.min(Math.max(row.lane, 0), LANES.length - 1)] as Lane;
      const held: Held = { row, lane, holder: me, recipient: contexts.get(contextKey(row)), done, settle };
      void done.then((outcome) => {
        this.held.delete(row.id);
        this.events.emit("outcome", row.id, outcome);
      });
      this.held.set(row.id, held);
      this.state(row.channel).lanes[laneRank(lane)]?.push(held);
      added.push(held);
    }
    this.ensureHeartbeat();
    for (const channel of new Set(rows.map((r) => r.channel))) this.pump(channel);
    return added;
  }

  // ---- sending ----------------------------------------------------------------------------

  /** Starts every send the channel's pacing allows now, highest lane first; sets a timer for the next. */
  private pump(channel: string): void {
    const state = this.state(channel);
    const adapter = this.hub.get(channel);
    for (;;) {
      const now = this.now();
      const channelWait = state.pacer.channelWaitMs(now);
      if (channelWait > 0) return this.later(channel, channelWait);
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
          if (outsideWindow(h, this.rt.clock.now()) && !state.pacer.tierAllows(address, h.lane, now)) continue;
          const guard = sendGuards.get(h.row.kind);
          if (guard && h.guard === "passed" && !this.verdictHolds(guard, h)) {
            // Paused, cancelled or quiet hours since its check: checked again before it may go. A
            // clock verdict (same guard version) is asked again after a second, never in a hot loop.
            if (h.guardVersion === guard.version) h.guardAfter = now + 1_000;
            h.guard = undefined;
            state.guardAhead = Math.max(0, state.guardAhead - 1);
          }
          if (guard && h.guard !== "passed") {
            if (h.guard === undefined && state.guardAhead < MAX_GUARD_AHEAD) {
              if ((h.guardAfter ?? 0) <= now) this.checkGuard(channel, state, h, guard);
              else soonest = Math.min(soonest, (h.guardAfter ?? 0) - now);
            }
            continue;
          }
          // The channel holds this message back (WhatsApp's restrictions): back to the queue until then.
          const hold = adapter?.holdUntil?.(address, {
            kind: h.row.kind,
            lang: h.recipient?.lang ?? "id",
            lastInboundAt: h.recipient?.lastInboundAt ?? null,
          });
          if (hold) {
            list.splice(i--, 1);
            if (h.guard === "passed") state.guardAhead = Math.max(0, state.guardAhead - 1);
            void this.postpone(h, hold);
            continue;
          }
          pick = { lane, index: i };
          break;
        }
      }
      if (!pick) {
        if (soonest < Infinity) this.later(channel, soonest);
        return;
      }
      const next = (state.lanes[pick.lane] as Held[])[pick.index] as Held;
      if (!this.stopped && !this.claimHolds(next, now)) {
        // Our lease is short of the margin (its renewal is late): nothing is sent until it is renewed.
        if (next.holder === this.id && !this.crashed) return this.renewThenPump(channel);
        // Claimed under an id whose lease lapsed: the row may be someone else's now.
        (state.lanes[pick.lane] as Held[]).splice(pick.index, 1);
        if (next.guard === "passed") state.guardAhead = Math.max(0, state.guardAhead - 1);
        this.dropClaim(next);
        continue;
      }
      const [h] = (state.lanes[pick.lane] as Held[]).splice(pick.index, 1) as [Held];
      if (h.guard === "passed") state.guardAhead = Math.max(0, state.guardAhead - 1);
      if (this.stopped) {
        // Stopping: leave it for release().
        (state.lanes[pick.lane] as Held[]).splice(pick.index, 0, h);
        return;
      }
      const cost = adapter?.cost?.(h.row.message) ?? 1;
      const jitter = state.pacer.take(h.row.address, now, cost);
      if (outsideWindow(h, this.rt.clock.now())) state.pacer.countUnique(h.row.address, now);
      state.busy.add(h.row.address);
      void this.sendHeld(h, jitter)
        .catch((err: unknown) => this.rt.log.error({ err }, "outbox: send bookkeeping failed"))
        .finally(() => {
          // The next message to this person is spaced from this one's answer, so network delays
          // cannot bring two closer together at the provider than its per-chat limit.
          state.pacer.finished(h.row.address, this.now(), cost);
          state.busy.delete(h.row.address);
          if (this.running && (state.lanes[2]?.length ?? 0) + (state.lanes[3]?.length ?? 0) < state.buffer / 2) this.wake();
          this.pump(channel);
        });
    }
  }

  /** Whether a passed guard's verdict still holds now: no pause or cancel since, and its clock check. */
  private verdictHolds(guard: RegisteredGuard, h: Held): boolean {
    return h.guardVersion === guard.version && (guard.options.atSend?.(this.rt, h.row) ?? true);
  }

  /**
   * Whether a held row may be sent now: claimed under our current id, and our lease has a margin
   * left for the request to leave (a stalled event loop can outlast the lease; the instance that
   * took the row over then sends it).
   */
  private claimHolds(h: Held, now: number): boolean {
    return !this.crashed && h.holder === this.id && now < this.leaseValidUntil - this.sendMarginMs;
  }

  /**
   * Renews the leases now, then sends on. A renewal succeeds only while our instance lease is
   * alive in the database, so every claim made under it is ours again; if it lapsed, renew()
   * drops what we hold and starts under a new id (the rows are claimed afresh).
   */
  private renewThenPump(channel: string): void {
    void this.heartbeat(true).then(
      () => {
        if (!this.stopped) this.pump(channel);
      },
      (err: unknown) => {
        this.rt.log.warn({ err }, "outbox: lease renewal failed");
        if (!this.stopped) this.later(channel, 1_000);
      },
    );
  }

  /** Hands a row whose claim is no longer safely ours back to the queue (if still ours), then renews and claims again. */
  private dropClaim(h: Held): void {
    h.settle("released");
    if (this.crashed) return;
    void this.rt.db
      .update(outbox)
      .set({ status: "queued", claimedBy: null, attemptedAt: null })
      .where(and(eq(outbox.id, h.row.id), eq(outbox.claimedBy, h.holder), eq(outbox.status, "sending")))
      .catch(() => {}) // the database away: the row returns with our lapsed lease's reclaim
      .finally(() => {
        if (!this.running) return;
        void this.heartbeat(true).catch(() => {});
        this.wake();
      });
  }

  /** Runs a held row's send guard; the row is sent once it passes, or leaves the lane when handled. */
  private checkGuard(channel: string, state: ChannelState, h: Held, guard: RegisteredGuard): void {
    h.guard = "checking";
    h.guardVersion = guard.version;
    state.guardAhead++;
    const settled = () => (state.guardAhead = Math.max(0, state.guardAhead - 1));
    void guard
      .check(this.rt, h.row, h.holder)
      .then(
        (verdict) => {
          if (verdict === "send") {
            h.guard = "passed";
            return;
          }
          settled();
          const list = state.lanes[laneRank(h.lane)];
          const at = list?.indexOf(h) ?? -1;
          if (at >= 0) list?.splice(at, 1);
          h.settle("released");
        },
        (err: unknown) => {
          settled();
          this.rt.log.warn({ err, outboxId: h.row.id }, "outbox: send guard failed; checking again shortly");
          h.guard = undefined;
          h.guardAfter = this.now() + 1_000;
        },
      )
      .finally(() => {
        if (!this.stopped) this.pump(channel);
      });
  }

  private later(channel: string, ms: number): void {
    const state = this.state(channel);
    const at = this.now() + ms;
    if (state.timer && state.timerAt <= at) return;
    if (state.timer) clearTimeout(state.timer);
    state.timerAt = at;
    state.timer = setTimeout(
      () => {
        state.timer = null;
        this.pump(channel);
      },
      Math.max(1, Math.ceil(ms)),
    );
  }

  private async sendHeld(h: Held, jitter: number): Promise<void> {
    if (jitter > 0) await sleep(jitter);
    const row = h.row;
    const adapter = this.hub.get(row.channel);
    if (!this.claimHolds(h, this.now())) {
      // Our lease may lapse before the request leaves (a long pause): another instance may own this
      // row now. Claimed under our id: back to the lane until the lease is renewed; else dropped.
      if (h.holder === this.id && !this.crashed) this.state(row.channel).lanes[laneRank(h.lane)]?.unshift(h);
      else this.dropClaim(h);
      return;
    }
    const guard = sendGuards.get(row.kind);
    if (jitter > 0 && guard && !this.verdictHolds(guard, h)) {
      // Paused or quiet hours during the jitter wait: back to the lane, checked again.
      h.guard = undefined;
      this.state(row.channel).lanes[laneRank(h.lane)]?.unshift(h);
      return;
    }
    if (!adapter) {
      await recordOutcome(this.rt, row.id, {
        status: "queued",
        claimedBy: null,
        attemptedAt: null,
        nextAttemptAt: new Date(this.rt.clock.now().getTime() + 60_000),
      });
      h.settle("released");
      return;
    }
    try {
      const context = { kind: row.kind, lang: h.recipient?.lang ?? "id", lastInboundAt: h.recipient?.lastInboundAt ?? null } as const;
      this.events.emit("sending", row.id);
      const result = await adapter.send(row.address, row.message, context);
      // A person who erased their data: once their last message has left, its row goes too.
      await recordOutcome(
        this.rt,
        row.id,
        row.forgetAfterSend
          ? null
          : {
              status: "sent",
              sentAt: this.rt.clock.now(),
              externalId: result.externalId ?? null,
              lastError: null,
              claimedBy: null,
              attempts: row.attempts + 1,
            },
      );
      this.counters.sent++;
      metrics.outboundMessages.inc({ channel: row.channel, lane: h.lane, result: "sent" });
      if (h.lane === "reply")
        metrics.replyLatency.observe({ channel: row.channel }, Math.max(0, this.rt.clock.now().getTime() - row.createdAt.getTime()) / 1000);
      h.settle("sent");
    } catch (err) {
      await this.failed(h, err);
    }
  }

  /** A held-back message goes back to the queue until the channel lets it go; no attempt counted. */
  private async postpone(h: Held, hold: { until: Date; reason: string }): Promise<void> {
    metrics.outboundMessages.inc({ channel: h.row.channel, lane: h.lane, result: "held" });
    try {
      await recordOutcome(this.rt, h.row.id, {
        status: "queued",
        claimedBy: null,
        lastError: hold.reason.slice(0, 500),
        nextAttemptAt: hold.until,
      });
    } catch (err) {
      this.rt.log.warn({ err, outboxId: h.row.id }, "outbox: putting a held message back failed");
    }
    h.settle("released");
  }

  private async failed(h: Held, err: unknown): Promise<void> {
    const row = h.row;
    const reason = err instanceof Error ? err.message.slice(0, 500) : String(err);
    const state = this.state(row.channel);
    if (err instanceof SendError && err.rateLimited) {
      // Not the message's fault: wait what the provider asks, and do not count an attempt.
      this.counters.rateLimited++;
      metrics.rateLimited.inc({ channel: row.channel });
      metrics.outboundMessages.inc({ channel: row.channel, lane: h.lane, result: "rate_limited" });
      const wait = err.retryAfterMs ?? 1_000;
      state.pacer.pause(this.now(), wait, err.scope === "recipient" ? row.address : undefined);
      this.rt.log.warn({ outboxId: row.id, channel: row.channel, retryAfterMs: wait }, "send rate-limited; waiting");
      if (wait <= MAX_HELD_RETRY_AFTER_MS && !this.stopped) {
        state.lanes[laneRank(h.lane)]?.unshift(h);
        return;
      }
      await recordOutcome(this.rt, row.id, {
        status: "queued",
        claimedBy: null,
        attemptedAt: null,
        lastError: reason,
        nextAttemptAt: new Date(this.rt.clock.now().getTime() + wait),
      });
      h.settle("retrying");
      return;
    }
    const retryable = err instanceof SendError ? err.retryable : true;
    const attempts = row.attempts + 1;
    this.rt.log.warn({ outboxId: row.id, channel: row.channel, attempts, retryable }, "send failed");
    if (retryable && attempts < this.settings.maxAttempts) {
      this.counters.transient++;
      const delay = backoffMs(attempts, this.settings.retryBaseMs, this.settings.retryMaxMs);
      await recordOutcome(this.rt, row.id, {
        status: "queued",
        claimedBy: null,
        attemptedAt: null,
        attempts,
        lastError: reason,
        nextAttemptAt: new Date(this.rt.clock.now().getTime() + delay),
      });
      this.counters.retrying++;
      metrics.outboundMessages.inc({ channel: row.channel, lane: h.lane, result: "retrying" });
      h.settle("retrying");
      // The loop picks it up when due; make sure it looks soon.
      if (this.running && delay < this.settings.pollMs) setTimeout(() => this.wake(), delay).unref();
      return;
    }
    await recordOutcome(
      this.rt,
      row.id,
      row.forgetAfterSend
        ? null
        : {
            status: "failed",
            claimedBy: null,
            attempts,
            lastError: retryable ? `gave up after ${attempts} attempts: ${reason}` : reason,
          },
    );
    this.counters.failed++;
    metrics.outboundMessages.inc({ channel: row.channel, lane: h.lane, result: "failed" });
    h.settle("failed");
  }
}

/** Whether a WhatsApp Cloud message goes to someone outside their 24-hour window (counted against the tier). */
function outsideWindow(h: Held, now: Date): boolean {
  if (h.row.channel !== "whatsapp-cloud") return false;
  const at = h.recipient?.lastInboundAt;
  return !at || now.getTime() - at.getTime() >= 86_400_000;
}

/**
 * Rows left "sending" by an instance whose lease lapsed (or by the previous outbox) go back to the
 * queue. One its send guard had cleared for sending may have reached the provider: sent again (no
 * idempotency key on Telegram or Baileys) and counted in unknown_outcomes.
 */
export async function reclaimOrphans(db: DbOrTx): Promise<number> {
  const rows = await queryRows<{ id: number }>(
    db,
    sql`update outbox set status = 'queued', claimed_by = null, attempted_at = null,
          unknown_outcomes = unknown_outcomes + case when attempted_at is not null then 1 else 0 end
        where status = 'sending'
          and not exists (select 1 from outbox_leases l where l.name = 'instance:' || outbox.claimed_by and l.expires_at > now())
        returning id`,
  );
  return rows.length;
}

const contextKey = (row: Pick<OutboxRow, "channel" | "address">) => `${row.channel}\u0000${row.address}`;

/**
 * Each claimed row's recipient language and last inbound time (WhatsApp Cloud's 24-hour window),
 * in one query for the batch rather than one per message.
 */
async function sendContexts(db: DbOrTx, rows: OutboxRow[]): Promise<Map<string, Recipient>> {
  const map = new Map<string, Recipient>();
  // Replies carry their recipient (queued by the conversation, which knows it): no look-up.
  for (const r of rows) if (r.lang !== null) map.set(contextKey(r), { lang: r.lang, lastInboundAt: r.lastInboundAt });
  const unknown = rows.filter((r) => !map.has(contextKey(r)));
  if (unknown.length === 0) return map;
  const pairs = [...new Map(unknown.map((r) => [contextKey(r), { channel: r.channel, address: r.address }])).values()];
  const found = await queryRows<{ channel: string; address: string; lang: "id" | "bjn" | null; last_inbound_at: Date | string | null }>(
    db,
    sql`select cc.channel, cc.address, c.lang, cc.last_inbound_at
        from json_to_recordset(${JSON.stringify(pairs)}::json) as x(channel text, address text)
        join contact_channels cc on cc.channel = x.channel and cc.address = x.address
        left join contacts c on c.id = cc.contact_id`,
  );
  for (const r of found) {
    const at = r.last_inbound_at === null ? null : new Date(r.last_inbound_at);
    map.set(contextKey(r), { lang: r.lang, lastInboundAt: at });
  }
  return map;
}
