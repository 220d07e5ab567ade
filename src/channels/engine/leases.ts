// This instance's leases in outbox_leases: "instance:<id>", under which it claims rows, and
// "channel:<name>" for each channel it sends on (one sender per channel across instances). They
// are renewed every third of OUTBOUND_LEASE_MS; the time they are surely valid is kept by the
// engine's own monotonic clock, so a stalled event loop is noticed before anything is sent.
import { randomUUID } from "node:crypto";
import type { DbOrTx } from "../../db/client.js";
import type { Logger } from "../../lib/log.js";
import { leaseAllowsSend, renewalDue } from "./rules.js";
import { renewLeases } from "./store.js";

/** What the lease keeper asks of the engine. */
export interface LeaseHolder {
  /** Continuous mode: channel leases are taken, and renewals go on while idle. */
  running(): boolean;
  /** Whether any claimed row is held in memory (renewals go on until they are sent). */
  holding(): boolean;
  /** Our claims may have been taken over: forget every held row not being sent. */
  dropAll(): void;
  /** Channels this process could send on (channel leases to take). */
  channelsToLead(): string[];
  /** After a renewal while running: the channels whose lease we hold now. */
  leading(channels: string[]): Promise<void>;
}

export class LeaseKeeper {
  private currentId = randomUUID();
  /** The engine's clock until which this instance's lease (and channel leases) are surely valid. */
  private validUntil = 0;
  private timer: NodeJS.Timeout | null = null;
  private renewing: Promise<void> | null = null;

  constructor(
    private readonly db: DbOrTx,
    private readonly log: Logger,
    private readonly leaseMs: number,
    private readonly now: () => number,
    private readonly holder: LeaseHolder,
  ) {}

  /** The instance id rows are claimed under (a new one after the lease lapsed). */
  get id(): string {
    return this.currentId;
  }

  /** Whether a claim made under `holder` may be sent now, with `marginMs` to spare before the lease could lapse. */
  allowsSend(holder: string, now: number, marginMs: number): boolean {
    return holder === this.currentId && leaseAllowsSend(now, this.validUntil, marginMs);
  }

  /** Renews the leases when a third of their time has passed (or they lapsed, or when forced); serialised. */
  async heartbeat(force = false): Promise<void> {
    if (!force && !renewalDue(this.now(), this.validUntil, this.leaseMs)) return;
    this.renewing ??= this.renew().finally(() => (this.renewing = null));
    await this.renewing;
  }

  /** Keeps the leases renewed while running or holding rows. */
  ensureHeartbeat(): void {
    if (this.timer) return;
    this.timer = setInterval(
      () => {
        if (!this.holder.running() && !this.holder.holding()) return this.stopHeartbeat();
        void this.heartbeat(true).catch((err: unknown) => this.log.warn({ err }, "outbox: lease renewal failed"));
      },
      Math.max(100, Math.floor(this.leaseMs / 3)),
    );
    this.timer.unref();
  }

  stopHeartbeat(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Test hook (crash): the leases count as lapsed from now. */
  lapse(): void {
    this.validUntil = 0;
  }

  private async renew(): Promise<void> {
    const started = this.now();
    if (started > this.validUntil && this.holder.holding()) {
      // Our lease may have lapsed and others may have taken our rows: drop them and start afresh.
      this.holder.dropAll();
    }
    if (started > this.validUntil) this.currentId = randomUUID();
    const names = [`instance:${this.currentId}`];
    const running = this.holder.running();
    if (running) for (const channel of this.holder.channelsToLead()) names.push(`channel:${channel}`);
    const held = await renewLeases(this.db, this.currentId, names, this.leaseMs);
    if (!held.includes(`instance:${this.currentId}`)) {
      this.holder.dropAll();
      this.validUntil = 0;
      this.currentId = randomUUID();
      return this.renew();
    }
    this.validUntil = started + this.leaseMs;
    if (this.holder.running()) await this.holder.leading(held.flatMap((n) => (n.startsWith("channel:") ? [n.slice(8)] : [])));
    if (this.holder.running() || this.holder.holding()) this.ensureHeartbeat();
  }
}
