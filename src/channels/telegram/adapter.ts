// The Telegram channel (grammY). Inbound: long polling or webhook → mapTelegramUpdate → sink.
// Outbound: sendMessage with an inline keyboard. No domain logic here (see channel.ts).
import { Bot } from "grammy";
import type { ChannelAdapter, InboundMessage, InboundSink, OutboundMessage, SendResult } from "../channel.js";
import { SendError } from "../channel.js";
import type { Config } from "../../config/index.js";
import type { Logger } from "../../lib/log.js";
import { mapTelegramUpdate, TELEGRAM_ALLOWED_UPDATES } from "./map.js";
import { toTelegramHtml } from "../format.js";
import { describeError, inlineKeyboard, splitTelegramText, toSendError } from "./outbound.js";
import { TELEGRAM_WEBHOOK_PATH, telegramWebhookRoutes } from "./routes.js";

export interface TelegramAdapterOptions {
  /** Bot token from @BotFather (TELEGRAM_BOT_TOKEN). */
  token: string;
  /** Bot API server (TELEGRAM_API_ROOT): api.telegram.org, a self-hosted server, or a test stand-in. */
  apiRoot?: string;
  mode: "polling" | "webhook";
  /** TELEGRAM_WEBHOOK_SECRET; required in webhook mode. */
  webhookSecret?: string;
  /** PUBLIC_URL: when set in webhook mode, start() registers the webhook itself. */
  publicUrl?: string;
  log: Logger;
  sink: InboundSink;
  /**
   * Polling only: waits before trying the sink again when it fails (database blip). A webhook
   * needs none: we answer 500 and Telegram redelivers.
   */
  sinkRetryDelaysMs?: readonly number[];
}

/** A sendMessage that has not answered by then is given up and retried by the outbox. */
const SEND_TIMEOUT_MS = 20_000;
const DEFAULT_SINK_RETRY_DELAYS_MS = [1_000, 5_000];
type GrammySignal = Parameters<Bot["api"]["sendMessage"]>[3];

export function createTelegramAdapter(options: TelegramAdapterOptions): ChannelAdapter {
  const { mode, log, sink } = options;
  if (mode === "webhook" && !options.webhookSecret) {
    // An open webhook would let anyone post fake updates as any chat.
    throw new Error("Telegram webhook mode needs a webhook secret (TELEGRAM_WEBHOOK_SECRET)");
  }
  const bot = new Bot(options.token, { client: options.apiRoot ? { apiRoot: options.apiRoot } : {} });
  const retryDelays = mode === "polling" ? (options.sinkRetryDelaysMs ?? DEFAULT_SINK_RETRY_DELAYS_MS) : [];

  const deliver = async (message: InboundMessage, updateId: number): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      try {
        await sink(message);
        return;
      } catch (err) {
        const delay = retryDelays[attempt];
        if (delay === undefined) throw err;
        log.warn({ updateId, attempt: attempt + 1, error: describeError(err) }, "telegram update not stored; retrying");
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };

  bot.use(async (ctx) => {
    const message = mapTelegramUpdate(ctx.update, new Date());
    // Answer every button press, even ignored ones, so the button stops spinning. A failed
    // answer only leaves a spinner: never worth failing the update for.
    const answered = ctx.callbackQuery
      ? ctx.answerCallbackQuery().catch((err: unknown) => {
          log.warn({ updateId: ctx.update.update_id, error: describeError(err) }, "telegram answerCallbackQuery failed");
        })
      : Promise.resolve();
    try {
      if (message) await deliver(message, ctx.update.update_id);
      else log.debug({ updateId: ctx.update.update_id }, "telegram update ignored");
    } finally {
      await answered;
    }
  });
  // Polling: a failed update is logged and polling goes on (webhook errors surface in routes.ts).
  bot.catch((err) => {
    log.error({ updateId: err.ctx.update.update_id, error: describeError(err.error) }, "telegram update failed");
  });

  let polling: Promise<void> | undefined;

  const adapter: ChannelAdapter = {
    name: "telegram",

    async send(address: string, message: OutboundMessage): Promise<SendResult> {
      const pieces = splitTelegramText(message.text);
      if (pieces.length === 0) throw new SendError("telegram: empty message", false);
      const keyboard = message.buttons?.length ? inlineKeyboard(message.buttons) : undefined;
      let lastId: number | undefined;
      // A long text goes as several messages; the buttons ride on the last one. If a later piece
      // fails, the outbox resends the whole text (a repeated piece rather than a lost one).
      for (const [i, piece] of pieces.entries()) {
        const last = i === pieces.length - 1;
        try {
          const sent = await bot.api.sendMessage(
            address,
            // Split first (Telegram's limit counts the text after parsing), then render `*bold*`.
            toTelegramHtml(piece),
            {
              parse_mode: "HTML",
              // FAQ answers cite source URLs; previews of them would bury the answer.
              link_preview_options: { is_disabled: true },
              ...(last && keyboard ? { reply_markup: keyboard } : {}),
            },
            // grammY types its signal with the abort-controller shim; Node's is the same interface.
            AbortSignal.timeout(SEND_TIMEOUT_MS) as unknown as GrammySignal,
          );
          lastId = sent.message_id;
        } catch (err) {
          throw toSendError(err);
        }
      }
      return { externalId: String(lastId) };
    },

    async start(): Promise<void> {
      // getMe first: a wrong token or unreachable API server stops the start with a clear error.
      await bot.init();
      if (mode === "webhook") {
        if (options.publicUrl) {
          // Plain concatenation keeps a path prefix (https://host/balanting) behind a reverse proxy.
          const url = `${options.publicUrl.replace(/\/+$/, "")}${TELEGRAM_WEBHOOK_PATH}`;
          await bot.api.setWebhook(url, {
            secret_token: options.webhookSecret,
            allowed_updates: [...TELEGRAM_ALLOWED_UPDATES],
            // Updates that arrived while we were down are still wanted.
            drop_pending_updates: false,
          });
          log.info({ path: TELEGRAM_WEBHOOK_PATH }, "telegram webhook registered");
        } else {
          log.info({ path: TELEGRAM_WEBHOOK_PATH }, "telegram webhook mode without PUBLIC_URL: register the webhook yourself");
        }
        return;
      }
      if (polling) return;
      await new Promise<void>((resolve, reject) => {
        // bot.start() deletes any webhook, then resolves only when polling ends.
        polling = bot
          .start({
            allowed_updates: [...TELEGRAM_ALLOWED_UPDATES],
            drop_pending_updates: false,
            onStart: () => {
              log.info("telegram polling started");
              resolve();
            },
          })
          .catch((err: unknown) => {
            polling = undefined;
            // Before onStart this rejects start(); after it (401 revoked token, 409 another
            // instance polling the same bot) polling has stopped for good.
            log.error({ error: describeError(err) }, "telegram polling stopped");
            reject(err instanceof Error ? err : new Error(String(err)));
          });
      });
    },

    async stop(): Promise<void> {
      if (!polling) return;
      if (bot.isRunning()) {
        // Confirms the last update offset with Telegram so nothing handled is fetched again.
        await bot.stop().catch((err: unknown) => log.warn({ error: describeError(err) }, "telegram stop: offset not confirmed"));
      }
      await polling; // the update in hand finishes first
      polling = undefined;
      log.info("telegram polling stopped");
    },
  };
  if (mode === "webhook") adapter.routes = telegramWebhookRoutes(bot, options.webhookSecret as string, log);
  return adapter;
}

/** The adapter the configuration asks for, or null when TELEGRAM_BOT_TOKEN is not set. */
export function telegramAdapterFromConfig(
  config: Pick<Config, "TELEGRAM_BOT_TOKEN" | "TELEGRAM_MODE" | "TELEGRAM_WEBHOOK_SECRET" | "TELEGRAM_API_ROOT" | "PUBLIC_URL">,
  deps: { log: Logger; sink: InboundSink },
): ChannelAdapter | null {
  if (!config.TELEGRAM_BOT_TOKEN) return null;
  return createTelegramAdapter({
    token: config.TELEGRAM_BOT_TOKEN,
    apiRoot: config.TELEGRAM_API_ROOT,
    mode: config.TELEGRAM_MODE,
    webhookSecret: config.TELEGRAM_WEBHOOK_SECRET,
    publicUrl: config.PUBLIC_URL,
    ...deps,
  });
}
