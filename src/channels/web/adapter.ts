// The web chat: the embedded default's way to try the bot in a browser. Each browser session is
// one person (routes.ts issues it); replies are kept in a per-session mailbox the HTTP route empties.
import type { ChannelAdapter, InboundSink, OutboundMessage } from "../channel.js";
import { webChatRoutes, type WebChatLimits } from "./routes.js";

/** Unread replies kept per web user (older ones are dropped first). */
const MAILBOX_LIMIT = 100;

export interface WebChatAdapter extends ChannelAdapter {
  /** Takes and returns everything waiting for this user. */
  drain(address: string): OutboundMessage[];
}

export interface WebChatOptions {
  sink: InboundSink;
  /** The page's own texts (locales webchat namespace) in a language. */
  texts: (lang: "id" | "bjn") => Record<string, string>;
  now: () => Date;
  /** Rate limits other than the defaults (DEFAULT_WEB_CHAT_LIMITS). */
  limits?: Partial<WebChatLimits>;
}

export function createWebChatAdapter(options: WebChatOptions): WebChatAdapter {
  const mailboxes = new Map<string, OutboundMessage[]>();
  const adapter: WebChatAdapter = {
    name: "web",
    send(address, message) {
      const box = mailboxes.get(address) ?? [];
      box.push(message);
      if (box.length > MAILBOX_LIMIT) box.splice(0, box.length - MAILBOX_LIMIT);
      mailboxes.set(address, box);
      return Promise.resolve({});
    },
    drain(address) {
      const box = mailboxes.get(address) ?? [];
      mailboxes.delete(address);
      return box;
    },
    routes: (app) => webChatRoutes(app, { ...options, adapter }),
  };
  return adapter;
}
