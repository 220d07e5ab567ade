// Drives the bot the way the web chat page does: a session cookie per simulated person, then
// POST/GET /api/v1/chat/messages on the real app, real channels hub and a fresh real database.
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../src/app.js";
import { createChannels, type ChannelHub } from "../../src/channels/index.js";
import { WEB_CHAT_COOKIE, webChatAddress, type WebChatLimits } from "../../src/channels/web/routes.js";
import type { Runtime } from "../../src/runtime.js";
import { createTestRuntime, type TestRuntime } from "./runtime.js";

export interface Reply {
  text: string;
  buttons?: { label: string; payload: string }[];
}

type Message = string | { payload: string } | { text: string; id?: string };

/**
 * The tests' clock stands still, so every message of a file falls in one rate-limit window: the
 * channels of tests lift the web chat's limits (their own test checks them at their defaults).
 */
export const TEST_WEB_CHAT_LIMITS: WebChatLimits = {
  sessionsPerClient: { max: 1_000_000, windowMs: 60_000 },
  sessionsGlobal: { max: 1_000_000, windowMs: 60_000 },
  messagesPerClient: { max: 1_000_000, windowMs: 60_000 },
  messagesGlobal: { max: 1_000_000, windowMs: 60_000 },
};

/** The enabled channels of a runtime, with the web chat's limits lifted for tests. */
export function createTestChannels(rt: Runtime): Promise<ChannelHub> {
  return createChannels(rt, { webChatLimits: TEST_WEB_CHAT_LIMITS });
}

/**
 * Simulated people on the web chat, each named by the test (`from`) and each with the session
 * cookie the server issued to them, coming from an address of their own.
 */
export class WebChatPeople {
  private readonly tokens = new Map<string, string>();
  private readonly ips = new Map<string, string>();

  constructor(private readonly app: () => FastifyInstance) {}

  /** The request headers and address of `from`, opening a session on first use. */
  async as(from: string): Promise<{ headers: { cookie: string }; remoteAddress: string }> {
    let token = this.tokens.get(from);
    const remoteAddress = this.ips.get(from) ?? `10.${(this.ips.size >> 16) & 255}.${(this.ips.size >> 8) & 255}.${this.ips.size & 255}`;
    this.ips.set(from, remoteAddress);
    if (!token) {
      const res = await this.app().inject({ method: "POST", url: "/api/v1/chat/session", remoteAddress });
      if (res.statusCode !== 201) throw new Error(`chat session answered ${res.statusCode}: ${res.body}`);
      token = res.cookies.find((c) => c.name === WEB_CHAT_COOKIE)?.value;
      if (!token) throw new Error("no web chat cookie was set");
      this.tokens.set(from, token);
    }
    return { headers: { cookie: `${WEB_CHAT_COOKIE}=${token}` }, remoteAddress };
  }

  /** The chat address the server gave `from` (who must have written already). */
  addressOf(from: string): string {
    const token = this.tokens.get(from);
    if (!token) throw new Error(`${from} has no web chat session yet`);
    return webChatAddress(token);
  }

  /** Sends text (or a button payload) as `from`; returns the bot's replies. */
  async send(from: string, message: Message): Promise<Reply[]> {
    const payload = typeof message === "string" ? { text: message } : message;
    const res = await this.app().inject({ method: "POST", url: "/api/v1/chat/messages", payload, ...(await this.as(from)) });
    if (res.statusCode !== 200) throw new Error(`chat API answered ${res.statusCode}: ${res.body}`);
    return (res.json() as { replies: Reply[] }).replies;
  }

  /** What is waiting for `from` (reminders, answers) without writing. */
  async inbox(from: string): Promise<Reply[]> {
    const res = await this.app().inject({ method: "GET", url: "/api/v1/chat/messages", ...(await this.as(from)) });
    if (res.statusCode !== 200) throw new Error(`chat API answered ${res.statusCode}: ${res.body}`);
    return (res.json() as { replies: Reply[] }).replies;
  }
}

export interface WebChatHarness {
  rt: TestRuntime;
  app: FastifyInstance;
  hub: ChannelHub;
  people: WebChatPeople;
  /** Sends text (or a button payload) as `from`; returns the bot's replies. */
  send(from: string, message: Message): Promise<Reply[]>;
  /** Like send, joined into one string for easy matching. */
  say(from: string, message: string | { payload: string }): Promise<string>;
  /** What is waiting for `from` without writing. */
  inbox(from: string): Promise<Reply[]>;
  /** The chat address (contact_channels.address) the server gave `from`. */
  addressOf(from: string): string;
  close(): Promise<void>;
}

export async function createWebChat(options: Parameters<typeof createTestRuntime>[0] = {}): Promise<WebChatHarness> {
  const rt = await createTestRuntime(options);
  const hub = await createTestChannels(rt);
  const app = await buildApp(rt, { hub });
  const people = new WebChatPeople(() => app);
  return {
    rt,
    app,
    hub,
    people,
    send: (from, message) => people.send(from, message),
    say: async (from, message) => (await people.send(from, message)).map((r) => r.text).join("\n---\n"),
    inbox: (from) => people.inbox(from),
    addressOf: (from) => people.addressOf(from),
    close: async () => {
      await app.close();
      await rt.close();
    },
  };
}
