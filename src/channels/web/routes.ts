// HTTP side of the web chat: the page at / and /chat, and the JSON API behind it.
//
// Who is writing is decided by the server, never by the caller: POST /api/v1/chat/session gives
// the browser a long random token in an HttpOnly cookie, and the chat address is a hash of it.
// Knowing someone's address (or anything else but the cookie) gives no way to write or read as
// them. Sessions and messages are rate-limited per client and for everyone together.
import { createHash, randomBytes } from "node:crypto";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { FixedWindowLimiter, type WindowLimit } from "../../lib/rate-limit.js";
import type { OutboundMessage } from "../channel.js";
import type { WebChatAdapter, WebChatOptions } from "./adapter.js";

const PAGE = readFileSync(new URL("./page.html", import.meta.url), "utf8");

export const WEB_CHAT_COOKIE = "balanting_chat";
/** 32 random bytes, base64url: as long as staff session tokens. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** A try-out identity lasts a month without use. */
const SESSION_MAX_AGE_S = 30 * 24 * 60 * 60;

export interface WebChatLimits {
  /** New identities per client address, and for everyone together. */
  sessionsPerClient: WindowLimit;
  sessionsGlobal: WindowLimit;
  /** Sent and fetched messages per client address, and for everyone together. */
  messagesPerClient: WindowLimit;
  messagesGlobal: WindowLimit;
}

// A person types a message every few seconds and the page polls every 15 s; a try-out on a
// laptop or a small LAN demo stays far below these. One client once sent 99 requests a second
// and made 3,000 identities in a review.
export const DEFAULT_WEB_CHAT_LIMITS: WebChatLimits = {
  sessionsPerClient: { max: 20, windowMs: 60 * 60_000 },
  sessionsGlobal: { max: 300, windowMs: 60 * 60_000 },
  messagesPerClient: { max: 60, windowMs: 60_000 },
  messagesGlobal: { max: 600, windowMs: 60_000 },
};

/** The chat address of a session token; the token itself is never stored. */
export function webChatAddress(token: string): string {
  return `web-${createHash("sha256").update(`web-chat:${token}`).digest("hex").slice(0, 32)}`;
}

/** A fresh session token (what the cookie holds). */
export function newWebChatToken(): string {
  return randomBytes(32).toString("base64url");
}

const replySchema = {
  type: "object",
  properties: {
    replies: {
      type: "array",
      items: {
        type: "object",
        properties: {
          text: { type: "string" },
          buttons: {
            type: "array",
            items: { type: "object", properties: { label: { type: "string" }, payload: { type: "string" } } },
          },
        },
      },
    },
  },
} as const;

function present(messages: OutboundMessage[]) {
  return { replies: messages.map((m) => (m.buttons?.length ? { text: m.text, buttons: m.buttons } : { text: m.text })) };
}

export async function webChatRoutes(app: FastifyInstance, deps: WebChatOptions & { adapter: WebChatAdapter }): Promise<void> {
  const limits = { ...DEFAULT_WEB_CHAT_LIMITS, ...deps.limits };
  const limiter = (perClient: WindowLimit, global: WindowLimit) => {
    const client = new FixedWindowLimiter(perClient);
    const all = new FixedWindowLimiter(global);
    return async (request: FastifyRequest, reply: FastifyReply) => {
      const now = deps.now().getTime();
      const clientOk = client.hit(request.ip, now);
      if (clientOk && all.hit("all", now)) return;
      const wait = clientOk ? all.retryAfterMs(now) : client.retryAfterMs(now);
      return reply
        .status(429)
        .header("retry-after", String(Math.ceil(wait / 1000)))
        .send({ error: "rate_limited", message: "Too many messages; wait a moment and try again." });
    };
  };
  const sessionLimit = limiter(limits.sessionsPerClient, limits.sessionsGlobal);
  const messageLimit = limiter(limits.messagesPerClient, limits.messagesGlobal);

  /** The address of the request's session, or null after answering 401. */
  const addressOf = (request: FastifyRequest, reply: FastifyReply): string | null => {
    const token = request.cookies[WEB_CHAT_COOKIE];
    if (token && TOKEN_PATTERN.test(token)) return webChatAddress(token);
    void reply.status(401).send({ error: "no_session", message: "Start a chat first: POST /api/v1/chat/session." });
    return null;
  };

  const page = (lang: "id" | "bjn", nonce: { script: string; style: string }) =>
    PAGE.replace("__TEXTS__", JSON.stringify(deps.texts(lang)).replace(/</g, "\\u003c"))
      .replace("__LANG__", lang)
      .replace("__SCRIPT_NONCE__", nonce.script)
      .replace("__STYLE_NONCE__", nonce.style);
  for (const url of ["/", "/chat"]) {
    app.get<{ Querystring: { lang?: string } }>(url, async (request, reply) =>
      reply.type("text/html; charset=utf-8").send(page(request.query.lang === "bjn" ? "bjn" : "id", reply.cspNonce)),
    );
  }

  // A new try-out identity: the old one (if any) is left behind, as "new user" on the page.
  app.post("/api/v1/chat/session", { onRequest: sessionLimit }, async (request, reply) => {
    const token = newWebChatToken();
    void reply.setCookie(WEB_CHAT_COOKIE, token, {
      path: "/api/v1/chat",
      httpOnly: true,
      sameSite: "strict",
      secure: request.protocol === "https",
      maxAge: SESSION_MAX_AGE_S,
    });
    return reply.status(201).send({ ok: true });
  });

  app.post<{ Body: { text?: string; payload?: string; id?: string } }>(
    "/api/v1/chat/messages",
    {
      onRequest: messageLimit,
      schema: {
        body: {
          type: "object",
          additionalProperties: false,
          properties: {
            // Longer texts than the conversation reads get its polite "please write shorter".
            text: { type: "string", maxLength: 100_000 },
            payload: { type: "string", minLength: 1, maxLength: 200 },
            id: { type: "string", minLength: 1, maxLength: 100 },
          },
          anyOf: [{ required: ["text"] }, { required: ["payload"] }],
        },
        response: { 200: replySchema },
      },
    },
    async (request, reply) => {
      const address = addressOf(request, reply);
      if (!address) return reply;
      const { text, payload, id } = request.body;
      const receipt = await deps.sink({
        channel: "web",
        // A client may send its own id to make a retried POST a duplicate; otherwise each is new.
        // Scoped to the session, so one person's ids never collide with another's.
        externalId: id ? `${address}:${id}` : randomUUID(),
        address,
        text,
        payload,
        receivedAt: deps.now(),
      });
      await receipt?.delivered;
      return present(deps.adapter.drain(address));
    },
  );

  // Messages that arrived without a question (reminders, broadcasts, answers from a bidan).
  app.get("/api/v1/chat/messages", { onRequest: messageLimit, schema: { response: { 200: replySchema } } }, async (request, reply) => {
    const address = addressOf(request, reply);
    if (!address) return reply;
    return present(deps.adapter.drain(address));
  });
}
