// The Bot API stand-in in a process of its own (scripts/bench-outbound-stand-in.ts), as Telegram
// is (used by the campaign tests and by bench:outbound and bench:campaign): its clock and event loop are not stalled by the sender's work, so the arrival times it
// judges the limits by are what a remote server would see.
import { fork } from "node:child_process";
import { EventEmitter, once } from "node:events";
import type { Delivered, StandInLimits } from "../channels/telegram/bot-api-stand-in.js";

/** What the stand-in counted: 429 answers (when, why) and requests that ignored a retry_after. */
export interface StandInStats {
  tooManyRequests: number;
  ignoredRetryAfter: number;
  tooManyAt: number[];
  tooManyWhy: string[];
}

/** Summary mode's counts: messages accepted, distinct chats, chats that got more than one, first and last arrival. */
export interface StandInProgress {
  delivered: number;
  chats: number;
  doubled: number;
  firstAt: number | null;
  lastAt: number | null;
}

export class StandInProcess extends EventEmitter {
  readonly delivered: Delivered[] = [];
  private readonly child;

  /** `summary`: the stand-in sends counts ("progress" events, twice a second) instead of every message. */
  constructor(limits: StandInLimits, options: { summary?: boolean } = {}) {
    super();
    this.child = fork(new URL("../../scripts/bench-outbound-stand-in.ts", import.meta.url), {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, STAND_IN_LIMITS: JSON.stringify(limits), ...(options.summary ? { STAND_IN_SUMMARY: "1" } : {}) },
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

  /** The first delivered message with this text, waiting for it if need be. */
  async waitForText(text: string): Promise<Delivered> {
    for (let seen = 0; ;) {
      const found = this.delivered.slice(seen).find((d) => d.text === text);
      if (found) return found;
      seen = this.delivered.length;
      await once(this, "delivered");
    }
  }

  async stats(): Promise<StandInStats> {
    this.child.send({ type: "stats" });
    const [stats] = await once(this, "stats");
    return stats as StandInStats;
  }

  async close(): Promise<void> {
    const exited = once(this.child, "exit");
    this.child.send({ type: "close" });
    await exited;
  }
}
