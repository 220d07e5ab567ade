// The channels this process runs, by name. The outbox sends through it; app.ts registers the
// routes of each; main.ts starts and stops them.
import type { ChannelAdapter, ChannelName } from "./channel.js";

export class ChannelHub {
  private readonly byName = new Map<ChannelName, ChannelAdapter>();
  private readonly drains: (() => Promise<void>)[] = [];

  /** Work to wait for after the channels stop (replies still being sent). */
  onStopped(drain: () => Promise<void>): void {
    this.drains.push(drain);
  }

  register(adapter: ChannelAdapter): this {
    if (this.byName.has(adapter.name)) throw new Error(`channel ${adapter.name} registered twice`);
    this.byName.set(adapter.name, adapter);
    return this;
  }

  get(name: string): ChannelAdapter | undefined {
    return this.byName.get(name as ChannelName);
  }

  adapters(): ChannelAdapter[] {
    return [...this.byName.values()];
  }

  async startAll(): Promise<void> {
    for (const adapter of this.adapters()) await adapter.start?.();
  }

  /** Stops every channel; one failing does not keep the others running. */
  /** Resolves when the replies handed out so far have been sent. */
  async idle(): Promise<void> {
    await Promise.allSettled(this.drains.map((d) => d()));
  }

  async stopAll(): Promise<void> {
    await Promise.allSettled(this.adapters().map((a) => a.stop?.() ?? Promise.resolve()));
    await this.idle();
  }
}
