// A local stand-in for the Telegram Bot API (node:http on 127.0.0.1): records every call and
// answers the methods the adapter uses like api.telegram.org does, so grammY runs for real.
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import type { Update } from "grammy/types";

export const TEST_TOKEN = "123456:TEST-token_for-the-stand-in";

export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
}

/**
 * Telegram's sending limits, enforced on sendMessage like the Bot API does: "no more than one
 * message per second" in one chat and "about 30 messages per second" overall
 * (core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this). Over a limit the
 * answer is 429 with parameters.retry_after, and the bot (or the chat) is blocked until then.
 */
export interface StandInLimits {
  perSecond?: number;
  perChatPerSecond?: number;
  /** retry_after in the 429 (seconds). */
  retryAfterS?: number;
  /** Arrival jitter forgiven on the one-second windows (ms): Telegram is not millisecond-exact. */
  toleranceMs?: number;
  /** A request arriving this soon after a 429 was answered was already on its way: not counted as ignoring it. */
  graceMs?: number;
}

/** A sendMessage the stand-in accepted. */
export interface Delivered {
  chatId: string;
  text: string;
  at: number;
}

/** A scripted answer: HTTP status and the Bot API JSON body. */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

export class BotApiStandIn {
  readonly calls: ApiCall[] = [];
  /** Updates handed out by getUpdates, one batch per call, then empty answers. */
  readonly pendingUpdates: Update[][] = [];
  /** Return an answer to override the default for a call (e.g. a 429). */
  override?: (call: ApiCall) => ApiAnswer | undefined;
  /**
   * While set, a call it returns true for is held: received, but neither accepted nor answered
   * until releaseHeld(). Lets a test stop the sender mid-flight without reading a clock.
   */
  holdIf?: (call: ApiCall) => boolean;
  private readonly held: { call: ApiCall; go: () => void }[] = [];
  private server?: Server;
  private nextMessageId = 1000;
  /** Rate limits to enforce (none by default). */
  limits?: StandInLimits;
  /** Every accepted sendMessage, in order. */
  readonly delivered: Delivered[] = [];
  /** 429 answers given. */
  tooManyRequests = 0;
  /** Why each 429 was given: over the bot's rate, over a chat's, or while blocked. */
  readonly tooManyWhy: ("bot" | "chat" | "blocked")[] = [];
  /** When each 429 was given (performance.now()). */
  readonly tooManyAt: number[] = [];
  /** Requests that came while a retry_after we gave was still running (past graceMs): the client ignored it. */
  ignoredRetryAfter = 0;
  private readonly events = new EventEmitter().setMaxListeners(0); // many waiters at once is normal here
  private readonly recent: number[] = [];
  private readonly recentByChat = new Map<string, number>();
  private blockedUntil = 0;
  private blockedAt = 0;
  private readonly chatBlocked = new Map<string, { until: number; at: number }>();

  async listen(): Promise<string> {
    // A client may drop a request mid-body (an aborted long poll): nothing to answer then.
    this.server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections(); // grammY keeps connections alive
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** When `method` was last called (ms since the epoch; 0 if never). */
  lastCallAt(method: string): number {
    return this.callTimes.get(method) ?? 0;
  }

  private readonly callTimes = new Map<string, number>();

  callsTo(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /**
   * Resolves when `method` has been called `count` times (polling tests wait on this). Woken by
   * each call, not by a timer; `timeoutMs` only turns a hang into a clear message, and is generous
   * because a busy machine may take seconds per call (the test's own timeout still applies).
   */
  async waitFor(method: string, count = 1, timeoutMs = 90_000): Promise<ApiCall[]> {
    if (this.callsTo(method).length >= count) return this.callsTo(method);
    await new Promise<void>((resolve, reject) => {
      const onCall = () => {
        if (this.callsTo(method).length < count) return;
        clearTimeout(timer);
        this.events.off("call", onCall);
        resolve();
      };
      const timer = setTimeout(() => {
        this.events.off("call", onCall);
        reject(new Error(`timed out waiting for ${count} ${method} call(s); ${this.callsTo(method).length} came`));
      }, timeoutMs);
      this.events.on("call", onCall);
    });
    return this.callsTo(method);
  }

  /** Calls held by holdIf now. */
  get heldCount(): number {
    return this.held.length;
  }

  /** Resolves once `count` calls are held. */
  async waitForHeld(count: number): Promise<void> {
    while (this.held.length < count) await new Promise((resolve) => this.events.once("held", resolve));
  }

  /** Lets the held calls `which` picks go on (in the order they came); without it, stops holding and lets all go. */
  releaseHeld(which?: (call: ApiCall) => boolean): void {
    if (!which) this.holdIf = undefined;
    const going = this.held.filter((h) => !which || which(h.call));
    for (const h of going) this.held.splice(this.held.indexOf(h), 1);
    for (const h of going) h.go();
  }

  /** Requests received and not yet answered (or closed by the client), by method. */
  inFlight(method: string): number {
    return this.open.get(method) ?? 0;
  }

  /** Resolves once no `method` request is open: each has been answered or dropped by the client. */
  async settled(method: string): Promise<void> {
    while (this.inFlight(method) > 0) await new Promise((resolve) => this.events.once("settled", resolve));
  }

  private readonly open = new Map<string, number>();

  /** Forgets limits, counters and what was delivered (between tests). */
  resetSending(): void {
    this.releaseHeld();
    this.limits = undefined;
    this.delivered.length = 0;
    this.tooManyRequests = 0;
    this.tooManyWhy.length = 0;
    this.tooManyAt.length = 0;
    this.ignoredRetryAfter = 0;
    this.recent.length = 0;
    this.recentByChat.clear();
    this.chatBlocked.clear();
    this.blockedUntil = this.blockedAt = 0;
  }

  /** Resolves once `count` messages were accepted in all (no timeout: the test's own limit applies). */
  async waitForDelivered(count: number): Promise<Delivered[]> {
    while (this.delivered.length < count) await new Promise((resolve) => this.events.once("delivered", resolve));
    return this.delivered;
  }

  /** Resolves when a message whose text includes `fragment` is accepted. */
  async waitForText(fragment: string): Promise<Delivered> {
    for (;;) {
      const found = this.delivered.find((d) => d.text.includes(fragment));
      if (found) return found;
      await new Promise((resolve) => this.events.once("delivered", resolve));
    }
  }

  /** The limits' verdict on a sendMessage arriving now: a 429 body, or undefined to accept it. */
  private limitAnswer(chat: string, now: number): ApiAnswer | undefined {
    const l = this.limits;
    if (!l) return undefined;
    const retryAfter = l.retryAfterS ?? 1;
    const grace = l.graceMs ?? 100;
    const window = 1000 - (l.toleranceMs ?? 25);
    const tooMany = (seconds: number): ApiAnswer => {
      this.tooManyRequests++;
      this.tooManyAt.push(now);
      return {
        status: 429,
        body: {
          ok: false,
          error_code: 429,
          description: `Too Many Requests: retry after ${seconds}`,
          parameters: { retry_after: seconds },
        },
      };
    };
    const chatBlock = this.chatBlocked.get(chat);
    for (const block of [{ until: this.blockedUntil, at: this.blockedAt }, chatBlock]) {
      if (block && now < block.until) {
        if (now - block.at > grace) this.ignoredRetryAfter++;
        this.tooManyWhy.push("blocked");
        return tooMany(Math.max(1, Math.ceil((block.until - now) / 1000)));
      }
    }
    while (this.recent.length && (this.recent[0] as number) <= now - window) this.recent.shift();
    if (l.perSecond !== undefined && this.recent.length >= l.perSecond) {
      this.blockedUntil = now + retryAfter * 1000;
      this.blockedAt = now;
      this.tooManyWhy.push("bot");
      return tooMany(retryAfter);
    }
    const last = this.recentByChat.get(chat);
    if (l.perChatPerSecond !== undefined && last !== undefined && now - last < window / l.perChatPerSecond) {
      this.chatBlocked.set(chat, { until: now + retryAfter * 1000, at: now });
      this.tooManyWhy.push("chat");
      return tooMany(retryAfter);
    }
    this.recent.push(now);
    this.recentByChat.set(chat, now);
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = performance.now(); // limits count arrivals, before the body is read
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? "");
    let raw = "";
    for await (const chunk of req) raw += String(chunk);
    if (!match || match[1] !== TEST_TOKEN) return send(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    const call: ApiCall = { method: match[2] as string, payload: raw ? (JSON.parse(raw) as Record<string, unknown>) : {} };
    this.calls.push(call);
    this.callTimes.set(call.method, Date.now());
    this.open.set(call.method, this.inFlight(call.method) + 1);
    // Answered (finish) or dropped by the client (close): either way no longer open.
    res.once("close", () => {
      this.open.set(call.method, this.inFlight(call.method) - 1);
      this.events.emit("settled");
    });
    this.events.emit("call", call);
    if (this.holdIf?.(call)) {
      await new Promise<void>((resolve) => {
        this.held.push({ call, go: resolve });
        this.events.emit("held");
      });
    }
    const scripted = this.override?.(call);
    if (scripted) return send(res, scripted.status, scripted.body);
    if (call.method === "sendMessage") {
      const limited = this.limitAnswer(String(call.payload.chat_id), arrived);
      if (limited) return send(res, limited.status, limited.body);
      this.delivered.push({ chatId: String(call.payload.chat_id), text: String(call.payload.text), at: arrived });
      this.events.emit("delivered");
    }
    switch (call.method) {
      case "getMe":
        return ok(res, {
          id: 123456,
          is_bot: true,
          first_name: "Balanting",
          username: "BalantingTestBot",
          can_join_groups: false,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
          can_connect_to_business: false,
          has_main_web_app: false,
        });
      case "sendMessage":
        return ok(res, {
          message_id: this.nextMessageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(call.payload.chat_id), type: "private", first_name: "Ibu" },
          text: call.payload.text,
        });
      case "getUpdates": {
        const batch = this.pendingUpdates.shift();
        if (batch) return ok(res, batch);
        // Long polling: hold briefly like Telegram does, unless this is stop()'s confirming call.
        if (Number(call.payload.timeout ?? 0) > 0) await new Promise((r) => setTimeout(r, 50));
        if (!res.destroyed) ok(res, []);
        return;
      }
      case "answerCallbackQuery":
      case "setWebhook":
      case "deleteWebhook":
        return ok(res, true);
      default:
        return send(res, 404, { ok: false, error_code: 404, description: "Not Found: method not found" });
    }
  }
}

function ok(res: ServerResponse, result: unknown): void {
  send(res, 200, { ok: true, result });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
