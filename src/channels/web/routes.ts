// HTTP side of the web chat: the page at / and /chat, and the JSON API behind it.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import type { OutboundMessage } from "../channel.js";
import type { WebChatAdapter, WebChatOptions } from "./adapter.js";

const PAGE = readFileSync(new URL("./page.html", import.meta.url), "utf8");

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

export async function webChatRoutes(
  app: FastifyInstance,
  deps: WebChatOptions & { adapter: WebChatAdapter },
): Promise<void> {
  const page = (lang: "id" | "bjn") =>
    PAGE.replace("__TEXTS__", JSON.stringify(deps.texts(lang)).replace(/</g, "\\u003c")).replace("__LANG__", lang);
  for (const url of ["/", "/chat"]) {
    app.get<{ Querystring: { lang?: string } }>(url, async (request, reply) =>
      reply.type("text/html; charset=utf-8").send(page(request.query.lang === "bjn" ? "bjn" : "id")),
    );
  }

  app.post<{ Body: { from: string; text?: string; payload?: string; id?: string } }>(
    "/api/v1/chat/messages",
    {
      schema: {
        body: {
          type: "object",
          required: ["from"],
          additionalProperties: false,
          properties: {
            from: { type: "string", minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_.:@+-]+$" },
            text: { type: "string", maxLength: 4096 },
            payload: { type: "string", minLength: 1, maxLength: 200 },
            id: { type: "string", minLength: 1, maxLength: 100 },
          },
          anyOf: [{ required: ["text"] }, { required: ["payload"] }],
        },
        response: { 200: replySchema },
      },
    },
    async (request) => {
      const { from, text, payload, id } = request.body;
      const receipt = await deps.sink({
        channel: "web",
        // A client may send its own id to make a retried POST a duplicate; otherwise each is new.
        externalId: id ?? randomUUID(),
        address: from,
        text,
        payload,
        receivedAt: deps.now(),
      });
      await receipt?.delivered;
      return present(deps.adapter.drain(from));
    },
  );

  // Messages that arrived without a question (reminders, broadcasts, answers from a bidan).
  app.get<{ Querystring: { from: string } }>(
    "/api/v1/chat/messages",
    {
      schema: {
        querystring: {
          type: "object",
          required: ["from"],
          properties: { from: { type: "string", minLength: 1, maxLength: 64 } },
        },
        response: { 200: replySchema },
      },
    },
    async (request) => present(deps.adapter.drain(request.query.from)),
  );
}
