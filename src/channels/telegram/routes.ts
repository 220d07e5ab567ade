// POST /webhooks/telegram: Telegram's webhook calls. Checked in this order: the secret Telegram
// echoes in X-Telegram-Bot-Api-Secret-Token (401 without it), the update's shape (a malformed one
// is acknowledged with 200 and logged without content: sending it again cannot fix it), then
// grammY and the conversation. When the message could not be stored (database away) the answer
// is 503, so Telegram delivers the update again later.
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { Update } from "grammy/types";
import { BotError, type Bot } from "grammy";
import type { Logger } from "../../lib/log.js";
import { describeIssues, telegramUpdateSchema } from "./schema.js";

export const TELEGRAM_WEBHOOK_PATH = "/webhooks/telegram";
/**
 * Telegram waits for our answer before sending the chat's next update; the sink only stores and
 * queues (fast), so anything slower than this is a fault: we answer 503 and Telegram redelivers,
 * which the inbound ledger turns into a duplicate if the first try did get through.
 */
const HANDLE_TIMEOUT_MS = 10_000;

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Compares digests (equal length), so the time taken says nothing about the secret. */
function sameSecret(given: unknown, expected: Buffer): boolean {
  if (typeof given !== "string") return false;
  return timingSafeEqual(digest(given), expected);
}

/**
 * Waits for the update's handling at most `ms`. Not grammY's webhookCallback timeout: when the
 * handling fails after the timeout fired, it leaves the late rejection unobserved (an unhandled
 * rejection that can end the process); here the late outcome is always observed.
 */
function withinTimeout(task: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`update not handled within ${ms} ms`)), ms);
    task.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

/** The Fastify plugin for the webhook; registers nothing but the one route. */
export function telegramWebhookRoutes(bot: Bot, secretToken: string, log: Logger) {
  const expected = digest(secretToken);
  return async (app: FastifyInstance): Promise<void> => {
    // Telegram reads the answer, never a browser: no browser security headers (helmet built a
    // dozen per call, ~1.5% of the service's CPU at 1,000 messages/s). A message path: no request
    // context (src/lib/request-context.ts): this handler's own lines name the request's id themselves.
    app.post(TELEGRAM_WEBHOOK_PATH, { helmet: false, config: { messagePath: true } }, async (request, reply) => {
      if (!sameSecret(request.headers["x-telegram-bot-api-secret-token"], expected)) {
        return reply.code(401).send({ error: "unauthorized", message: "Missing or wrong secret token." });
      }
      const checked = telegramUpdateSchema.safeParse(request.body);
      if (!checked.success) {
        const updateId = (request.body as { update_id?: unknown } | null | undefined)?.update_id;
        log.warn(
          { reqId: request.id, updateId: typeof updateId === "number" ? updateId : undefined, issues: describeIssues(checked.error) },
          "telegram update malformed; acknowledged and ignored",
        );
        return reply.code(200).send({ status: "ignored" });
      }
      try {
        // bot.init() runs getMe once (start() already did it; this covers a route used alone).
        if (!bot.isInited()) await bot.init();
        await withinTimeout(bot.handleUpdate(request.body as Update), HANDLE_TIMEOUT_MS);
        return reply.code(200).send({});
      } catch (err) {
        // Not rethrown: grammY's BotError carries the whole update (names, chat ids, text), and
        // the app's error handler would log it.
        const cause = err instanceof BotError ? err.error : err;
        log.error({ reqId: request.id, updateId: checked.data.update_id, err: cause }, "telegram webhook update failed");
        if (!reply.sent) {
          return reply.code(503).header("retry-after", "5").send({ error: "unavailable", message: "Not stored; deliver again later." });
        }
      }
      return reply;
    });
  };
}
