// The outbound engine's life: claiming due rows from the outbox in lane order, holding them per
// channel until the pump (pump.ts) sends them, handing them back on stop or when a lease is lost.
// How it works across instances is described in ../engine.ts.
import { EventEmitter } from "node:events";
import { performance } from "node:perf_hooks";
import type { Runtime } from "../../runtime.js";
import type { ChannelName } from "../channel.js";
import type { ChannelHub } from "../hub.js";
import { LANES, laneRank } from "../pacing.js";
import { invalidateSendGuard, registeredGuards } from "./guards.js";
import {
  heldLater,
  holdRow,
  newChannelState,
  type ChannelState,
  type DeliveryStats,
  type EngineCore,
  type EngineCounters,
  type Held,
} from "./held.js";
import { LeaseKeeper } from "./leases.js";
import { pump } from "./pump.js";
import { bulkRoom, URGENT_BATCH } from "./rules.js";
import type { EngineSettings } from "./settings.js";
import {
  claimDueRows,
  dropLeases,
  recipientKey,
  recipientsOf,
  releaseClaim,
  releaseRows,
  reclaimOrphans,
  type ClaimQuery,
} from "./store.js";

/** The NOTIFY channel enqueue() signals on. */
export const OUTBOX_NOTIFY_CHANNEL = "balanting_outbox";

export class OutboundEngine implements EngineCore {
  readonly counters: EngineCounters = { sent: 0, retrying: 0, failed: 0, rateLimited: 0, transient: 0 };
  /** Emits "sending" (outbox id) as a send starts, "outcome" (outbox id, outcome) after its outcome is recorded. */
  readonly events = new EventEmitter();
  private readonly channels = new Map<string, ChannelState>();
  private readonly held = new Map<number, Held>();
  private readonly leases: LeaseKeeper;
  /** Channels this instance sends on (continuous mode); null: every channel of the hub (one-shot use). */
  private led: Set<string> | null = null;
  private isRunning = false;
  private isStopped = false;
  private isCrashed = false;
  private loopDone: Promise<void> | null = null;
  private wakeLoop: (() => void) | null = null;
  private wakeRequested = false;
  private unlisten: (() => Promise<void>) | null = null;
  readonly now: () => number;
  /** A claim is sent only while its lease has at least this long to run (the send's own time to leave). */
  private readonly sendMarginMs: number;
  /** Claims in progress (deliver() waits for them before looking up the rows it was given). */
  private readonly claiming = new Set<Promise<Held[]>>();

  constructor(
    readonly rt: Runtime,
    readonly hub: ChannelHub,
    readonly settings: EngineSettings,
  ) {
    this.now = settings.monotonic ?? (() => performance.now());
    this.sendMarginMs = settings.leaseMs / 4;
    this.leases = new LeaseKeeper(rt.db, rt.log, settings.leaseMs, this.now, {
      running: () => this.isRunning,
      holding: () => this.held.size > 0,
      dropAll: () => this.dropAll(),
      channelsToLead: () => this.hub.adapters().flatMap((a) => (a.name !== "web" && a.canSend?.() !== false ? [a.name] : [])),
      leading: (channels) => this.leading(channels),
    });
  }

  get running(): boolean {
    return this.isRunning;
  }

  get stopped(): boolean {
    return this.isStopped;
  }

  get crashed(): boolean {
    return this.isCrashed;
  }

  // ---- continuous mode (main.ts) ----------------------------------------------------------

  /** Drains the outbox continuously until stop(): woken by NOTIFY, by deliver(), and every pollMs. */
  async start(): Promise<void> {
    if (this.isRunning) return;
    this.isRunning = true;
    this.led = new Set(this.unleasedChannels());
    try {
      const unlisten = [(await this.rt.listen?.(OUTBOX_NOTIFY_CHANNEL, () => this.wake())) ?? null];
      // Another instance paused a campaign (say): verdicts given here are checked again before sending.
      for (const [kind, guard] of registeredGuards()) {
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
    this.isRunning = false;
    this.isStopped = true;
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
    this.leases.stopHeartbeat();
    await dropLeases(this.rt.db, this.leases.id).catch(() => {});
  }

  /**
   * Test hook: behaves as if the process died now — no more sends, nothing written back, leases
   * left to lapse.
   */
  crash(): void {
    this.isRunning = false;
    this.isStopped = true;
    this.isCrashed = true;
    this.wake();
    this.leases.stopHeartbeat();
    this.leases.lapse();
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
    while (this.isRunning) {
      this.wakeRequested = false;
      let full = false;
      try {
        await this.heartbeat();
        full = await this.claimPass();
      } catch (err) {
        this.rt.log.warn({ err }, "outbox: claim pass failed");
      }
      if (!this.isRunning) break;
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
    if (this.isStopped) return stats;
    if (this.isRunning) this.wake();
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
          ...(this.isRunning ? { maxLane: 1 } : {}),
        })
      : [];
    const mine = new Set(claimed.map((h) => h.row.id));
    // The loop may be claiming some of these ids right now (woken by the same NOTIFY).
    await Promise.allSettled([...this.claiming]);
    const waiting = (options.ids ?? []).flatMap((id) => {
      const h = this.held.get(id);
      return !h || mine.has(id) || (this.isRunning && laneRank(h.lane) > 1) ? [] : [h.done];
    });
    const outcomes = await Promise.all(claimed.map((h) => h.done));
    for (const outcome of outcomes) if (outcome !== "released") stats[outcome]++;
    await Promise.all(waiting);
    return stats;
  }

  // ---- leases (leases.ts) -----------------------------------------------------------------

  heartbeat(force = false): Promise<void> {
    return this.leases.heartbeat(force);
  }

  isOurs(h: Held): boolean {
    return h.holder === this.leases.id && !this.isCrashed;
  }

  /**
   * Whether a held row may be sent now: claimed under our current id, and our lease has a margin
   * left for the request to leave (a stalled event loop can outlast the lease; the instance that
   * took the row over then sends it).
   */
  claimHolds(h: Held, now: number): boolean {
    return !this.isCrashed && this.leases.allowsSend(h.holder, now, this.sendMarginMs);
  }

  /** Hands a row whose claim is no longer safely ours back to the queue (if still ours), then renews and claims again. */
  dropClaim(h: Held): void {
    h.settle("released");
    if (this.isCrashed) return;
    void releaseClaim(this.rt.db, h.row.id, h.holder)
      .catch(() => {}) // the database away: the row returns with our lapsed lease's reclaim
      .finally(() => {
        if (!this.isRunning) return;
        void this.heartbeat(true).catch(() => {});
        this.wake();
      });
  }

  private unleasedChannels(): string[] {
    return this.hub.adapters().flatMap((a) => (a.name === "web" ? [a.name] : []));
  }

  private claimableChannels(): string[] {
    const ours = this.hub.adapters().map((a) => a.name as string);
    return this.led ? ours.filter((c) => this.led?.has(c)) : ours;
  }

  /** After a renewal: send on the channels whose lease we hold, hand back what we held for others, reclaim orphans. */
  private async leading(leased: string[]): Promise<void> {
    const led = new Set([...this.unleasedChannels(), ...leased]);
    const lost = [...(this.led ?? [])].filter((c) => !led.has(c));
    this.led = led;
    for (const channel of lost) await this.releaseChannel(channel);
    await reclaimOrphans(this.rt.db);
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
    await releaseRows(this.rt.db, ids, this.leases.id);
    for (const id of ids) this.held.get(id)?.settle("released");
  }

  private isBusy(h: Held): boolean {
    const state = this.channels.get(h.row.channel);
    return !state?.lanes[laneRank(h.lane)]?.includes(h);
  }

  // ---- claiming ---------------------------------------------------------------------------

  state(channel: string): ChannelState {
    let state = this.channels.get(channel);
    if (!state) {
      state = newChannelState(this.settings.pacing[channel as ChannelName] ?? {}, this.now());
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
      const room = bulkRoom(state.buffer, heldLater(state));
      if (room === 0) continue;
      const bulk = await this.claim({ channels: [channel], limit: room, minLane: 2 });
      if (bulk.length === room) full = true;
    }
    return full;
  }

  private claim(q: ClaimQuery): Promise<Held[]> {
    const pending = this.claimRows(q);
    this.claiming.add(pending);
    void pending.catch(() => {}).finally(() => this.claiming.delete(pending));
    return pending;
  }

  private async claimRows(q: ClaimQuery): Promise<Held[]> {
    if (q.limit <= 0) return [];
    const me = this.leases.id;
    const rows = await claimDueRows(this.rt.db, q, me, this.rt.clock.now());
    if (rows.length === 0) return [];
    let recipients: Awaited<ReturnType<typeof recipientsOf>>;
    try {
      recipients = await recipientsOf(this.rt.db, rows);
    } catch (err) {
      await this.release(rows.map((r) => r.id)).catch(() => {});
      throw err;
    }
    const added: Held[] = [];
    for (const row of rows) {
      const held = holdRow(row, me, recipients.get(recipientKey(row)));
      void held.done.then((outcome) => {
        this.held.delete(row.id);
        this.events.emit("outcome", row.id, outcome);
      });
      this.held.set(row.id, held);
      this.state(row.channel).lanes[laneRank(held.lane)]?.push(held);
      added.push(held);
    }
    this.leases.ensureHeartbeat();
    for (const channel of new Set(rows.map((r) => r.channel))) pump(this, channel);
    return added;
  }
}
