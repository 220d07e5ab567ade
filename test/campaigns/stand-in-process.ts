// The Bot API stand-in in a process of its own (scripts/bench-outbound-stand-in.ts), as Telegram
// is: its clock and event loop are not stalled by the sender's work, so the arrival times it
// judges the limits by are what a remote server would see.
import { fork } from "node:child_process";
import { EventEmitter, once } from "node:events";
import type { Delivered, StandInLimits } from "../channels/telegram/bot-api-stand-in.js";

export class StandInProcess extends EventEmitter {
  readonly delivered: Delivered[] = [];
  private readonly child;

  constructor(limits: StandInLimits) {
    super();
    this.child = fork(new URL("../../scripts/bench-outbound-stand-in.ts", import.meta.url), {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, STAND_IN_LIMITS: JSON.stringify(limits) },
    });
  }

  async start(): Promise<string> {
    this.child.on("message", (m: { type: string; items?: Delivered[] }) => {
      if (m.type === "delivered") {
        this.delivered.push(...(m.items ?? []));
        this.emit("delivered");
      } else this.emit(m.type, m);
    });
    const [ready] = (await once(this, "ready")) as [{ apiRoot: string }];
    return ready.apiRoot;
  }

  async waitForDelivered(count: number): Promise<void> {
    while (this.delivered.length < count) await once(this, "delivered");
  }

  async stats(): Promise<{ tooManyRequests: number; tooManyWhy: string[]; tooManyAt: number[] }> {
    this.child.send({ type: "stats" });
    const [stats] = await once(this, "stats");
    return stats as { tooManyRequests: number; tooManyWhy: string[]; tooManyAt: number[] };
  }

  async close(): Promise<void> {
    const exited = once(this.child, "exit");
    this.child.send({ type: "close" });
    await exited;
  }
}
