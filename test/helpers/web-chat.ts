// Drives the bot the way the web chat page does: POST /api/v1/chat/messages on the real app,
// real channels hub and a fresh real database.
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../src/app.js";
import { createChannels, type ChannelHub } from "../../src/channels/index.js";
import { createTestRuntime, type TestRuntime } from "./runtime.js";

export interface Reply {
  text: string;
  buttons?: { label: string; payload: string }[];
}

export interface WebChatHarness {
  rt: TestRuntime;
  app: FastifyInstance;
  hub: ChannelHub;
  /** Sends text (or a button payload) as `from`; returns the bot's replies. */
  send(from: string, message: string | { payload: string } | { text: string; id: string }): Promise<Reply[]>;
  /** Like send, joined into one string for easy matching. */
  say(from: string, message: string | { payload: string }): Promise<string>;
  close(): Promise<void>;
}

export async function createWebChat(options: Parameters<typeof createTestRuntime>[0] = {}): Promise<WebChatHarness> {
  const rt = await createTestRuntime(options);
  const hub = await createChannels(rt);
  const app = await buildApp(rt, { hub });
  const send = async (from: string, message: string | { payload: string } | { text: string; id: string }) => {
    const body = typeof message === "string" ? { from, text: message } : { from, ...message };
    const res = await app.inject({ method: "POST", url: "/api/v1/chat/messages", payload: body });
    if (res.statusCode !== 200) throw new Error(`chat API answered ${res.statusCode}: ${res.body}`);
    return (res.json() as { replies: Reply[] }).replies;
  };
  return {
    rt,
    app,
    hub,
    send,
    say: async (from, message) => (await send(from, message)).map((r) => r.text).join("\n---\n"),
    close: async () => {
      await app.close();
      await rt.close();
    },
  };
}
