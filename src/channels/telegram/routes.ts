// POST /webhooks/telegram: Telegram's webhook calls, checked against the secret Telegram echoes in
// X-Telegram-Bot-Api-Secret-Token (grammY compares it in constant time and answers 401).
import type { FastifyInstance } from "fastify";
import { webhookCallback, type Bot } from "grammy";
import type { Logger } from "../../lib/log.js";
import { describeError } from "./outbound.js";

export const TELEGRAM_WEBHOOK_PATH = "/webhooks/telegram";
/**
 * Telegram waits for our answer before sending the chat's next update; the sink only stores and
 * queues (fast), so anything slower than this is a fault: we answer 500 and Telegram redelivers,
 * which the inbound ledger turns into a duplicate.
 */
const HANDLE_TIMEOUT_MS = 10_000;

/** The Fastify plugin for the webhook; registers nothing but the one route. */
export function telegramWebhookRoutes(bot: Bot, secretToken: string, log: Logger) {
  return async (app: FastifyInstance): Promise<void> => {
    const handle = webhookCallback(bot, "fastify", {
      secretToken,
      onTimeout: "throw",
      timeoutMilliseconds: HANDLE_TIMEOUT_MS,
    });
    app.post(TELEGRAM_WEBHOOK_PATH, async (request, reply) => {
      try {
        await handle(request, reply);
      } catch (err) {
        // Not rethrown: grammY's BotError carries the whole update (names, chat ids, text), and
        // the app's error handler would log it.
        const updateId = (request.body as { update_id?: unknown } | undefined)?.update_id;
        log.error({ updateId, error: describeError(err) }, "telegram webhook update failed");
        if (!reply.sent) return reply.code(500).send({ error: "internal_error" });
      }
      return reply;
    });
  };
}
