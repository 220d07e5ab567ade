// The Telegram channel (grammY). Inbound: long polling or webhook → mapTelegramUpdate → sink.
// Outbound: sendMessage with an inline keyboard. No domain logic here (see channel.ts).
import { Bot, BotError, GrammyError } from "grammy";
import type { Update } from "grammy/types";
import type { ChannelAdapter, ChannelHealth, InboundSink, OutboundMessage, SendResult } from "../channel.js";
import { InboundUnavailableError, SendError } from "../channel.js";
import type { Config } from "../../config/index.js";
import type { Logger } from "../../lib/log.js";
import { botApiFetch } from "./http-fetch.js";
import { mapTelegramUpdate, TELEGRAM_ALLOWED_UPDATES } from "./map.js";
import { toTelegramHtml } from "../format.js";
import { inlineKeyboard, splitTelegramText, toSendError } from "./outbound.js";
import { safeError } from "../../lib/log.js";
import { TELEGRAM_WEBHOOK_PATH, telegramWebhookRoutes } from "./routes.js";
import { describeIssues, telegramUpdateSchema } from "./schema.js";
import { createOwnerLock, type OwnerLock } from "../whatsapp/owner-lock.js";
import { withRequestId } from "../../lib/request-context.js";

/** Advisory lock key of the Telegram poller ("BTG1" in ASCII). */
export const TELEGRAM_POLLING_LOCK_KEY = 0x42_54_47_31;

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
   * Polling only: waits before trying an update again when the sink fails. While the database is
   * away (InboundUnavailableError) the last wait repeats until it is back, and polling does not move
   * past the update; any other failure is given up after these tries. A webhook needs none: we
   * answer 503 and Telegram redelivers.
   */
  sinkRetryDelaysMs?: readonly number[];
  /**
   * Polling only: Telegram allows one getUpdates caller per bot (409 Conflict otherwise). With
   * PostgreSQL the instance holding this lock polls; the others stand by and try it every
   * lockRetryMs. Null (PGlite: one process per data folder) polls without a lock.
   */
  pollingLock?: OwnerLock | null;
  lockRetryMs?: number;
  /** getUpdates long-poll timeout in seconds (Telegram holds the call open until an update comes). */
  pollTimeoutSeconds?: number;
  /** Polling counts as dead (/ready 503) when no getUpdates has succeeded for this long. */
  staleAfterMs?: number;
}

/** A sendMessage that has not answered by then is given up and retried by the outbox. */
const SEND_TIMEOUT_MS = 20_000;
const DEFAULT_SINK_RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 10_000];
/** Waits after a failed getUpdates (409 Conflict, network, 5xx), the last one repeating. */
const POLL_BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];
const DEFAULT_LOCK_RETRY_MS = 10_000;
const DEFAULT_POLL_TIMEOUT_S = 25;
type GrammySignal = Parameters<Bot["api"]["sendMessage"]>[3];

export function createTelegramAdapter(options: TelegramAdapterOptions): ChannelAdapter {
  const { mode, log, sink } = options;
  if (mode === "webhook" && !options.webhookSecret) {
    // An open webhook would let anyone post fake updates as any chat.
    throw new Error("Telegram webhook mode needs a webhook secret (TELEGRAM_WEBHOOK_SECRET)");
  }
  const bot = new Bot(options.token, {
    client: { ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}), fetch: botApiFetch },
  });
  const retryDelays = options.sinkRetryDelaysMs ?? DEFAULT_SINK_RETRY_DELAYS_MS;

  bot.use(async (ctx) => {
    const message = mapTelegramUpdate(ctx.update, new Date());
    // Answer every button press, even ignored ones, so the button stops spinning. A failed
    // answer only leaves a spinner: never worth failing the update for.
    const answered = ctx.callbackQuery
      ? ctx.answerCallbackQuery().catch((err: unknown) => {
          log.warn({ updateId: ctx.update.update_id, err }, "telegram answerCallbackQuery failed");
        })
      : Promise.resolve();
    try {
      if (message) await sink(message);
      else log.debug({ updateId: ctx.update.update_id }, "telegram update ignored");
    } finally {
      await answered;
    }
  });
  const poller = createPoller({ bot, log, options, retryDelays });

  const adapter: ChannelAdapter = {
    name: "telegram",

    cost: (message: OutboundMessage) => Math.max(1, splitTelegramText(message.text).length),

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
      await poller.start();
    },

    async stop(): Promise<void> {
      await poller.stop();
    },

    health(): ChannelHealth {
      return mode === "polling" ? poller.health() : { ok: true };
    },
  };
  if (mode === "webhook") adapter.routes = telegramWebhookRoutes(bot, options.webhookSecret as string, log);
  return adapter;
}

/** The adapter the configuration asks for, or null when TELEGRAM_BOT_TOKEN is not set. */
export function telegramAdapterFromConfig(
  config: Pick<
    Config,
    "TELEGRAM_BOT_TOKEN" | "TELEGRAM_MODE" | "TELEGRAM_WEBHOOK_SECRET" | "TELEGRAM_API_ROOT" | "PUBLIC_URL" | "DATABASE_URL" | "database"
  >,
  deps: { log: Logger; sink: InboundSink },
): ChannelAdapter | null {
  if (!config.TELEGRAM_BOT_TOKEN) return null;
  return createTelegramAdapter({
    token: config.TELEGRAM_BOT_TOKEN,
    apiRoot: config.TELEGRAM_API_ROOT,
    mode: config.TELEGRAM_MODE,
    webhookSecret: config.TELEGRAM_WEBHOOK_SECRET,
    publicUrl: config.PUBLIC_URL,
    pollingLock:
      config.TELEGRAM_MODE === "polling" && config.database === "postgres" && config.DATABASE_URL
        ? createOwnerLock(config.DATABASE_URL, TELEGRAM_POLLING_LOCK_KEY, "balanting-telegram-poller")
        : null,
    ...deps,
  });
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

/**
 * Long polling, our own loop rather than bot.start(): grammY's stops for good on 409 Conflict and
 * moves past an update whose handling failed. Here the offset moves past an update only once it
 * is stored (or given up as broken), a 409 or network error is waited out with backoff, and only
 * the holder of the polling lock calls getUpdates.
 */
function createPoller(deps: { bot: Bot; log: Logger; options: TelegramAdapterOptions; retryDelays: readonly number[] }) {
  const { bot, log, options, retryDelays } = deps;
  const lock = options.pollingLock ?? null;
  const lockRetryMs = options.lockRetryMs ?? DEFAULT_LOCK_RETRY_MS;
  const timeout = options.pollTimeoutSeconds ?? DEFAULT_POLL_TIMEOUT_S;
  const staleAfterMs = options.staleAfterMs ?? 2 * (timeout * 1000 + 10_000);
  let loop: Promise<void> | undefined;
  let abort = new AbortController();
  let offset: number | undefined;
  let role: "stopped" | "standby" | "polling" = "stopped";
  let lastPollOk = 0;
  let lastError: string | undefined;
  let webhookCleared = false;

  async function owns(): Promise<boolean> {
    if (!lock) return true;
    try {
      return await lock.tryAcquire();
    } catch {
      return false; // the database is away: whoever held the lock lost it too
    }
  }

  /** Hands one update to the middleware; false when stopping before it was stored. */
  async function handle(update: Update): Promise<boolean> {
    const checked = telegramUpdateSchema.safeParse(update);
    if (!checked.success) {
      log.warn({ updateId: update.update_id, issues: describeIssues(checked.error) }, "telegram update malformed; skipped");
      return true;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await bot.handleUpdate(update);
        return true;
      } catch (err) {
        const cause = err instanceof BotError ? err.error : err;
        const unavailable = cause instanceof InboundUnavailableError;
        const delay = retryDelays[Math.min(attempt, retryDelays.length - 1)] ?? 1_000;
        if (!unavailable && attempt >= retryDelays.length) {
          log.error({ updateId: update.update_id, err: cause }, "telegram update failed; skipped");
          return true;
        }
        log.warn({ updateId: update.update_id, attempt: attempt + 1, err: cause }, "telegram update not stored; retrying");
        await sleep(delay, abort.signal);
        if (abort.signal.aborted) return false;
      }
    }
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!abort.signal.aborted) {
      if (!(await owns())) {
        if (role !== "standby") log.info({ retryMs: lockRetryMs }, "another instance polls Telegram; standing by");
        role = "standby";
        await sleep(lockRetryMs, abort.signal);
        continue;
      }
      if (role !== "polling") log.info("telegram polling started");
      role = "polling";
      let updates: Update[];
      try {
        if (!webhookCleared) {
          // A webhook set earlier makes getUpdates fail with 409.
          await bot.api.deleteWebhook({ drop_pending_updates: false });
          webhookCleared = true;
        }
        updates = await bot.api.getUpdates(
          { offset, timeout, allowed_updates: [...TELEGRAM_ALLOWED_UPDATES] },
          abort.signal as unknown as GrammySignal,
        );
        lastPollOk = Date.now();
        lastError = undefined;
        failures = 0;
      } catch (err) {
        if (abort.signal.aborted) break;
        const conflict = err instanceof GrammyError && err.error_code === 409;
        lastError = conflict ? "409 Conflict: another getUpdates caller" : JSON.stringify(safeError(err));
        const delay = POLL_BACKOFF_MS[Math.min(failures++, POLL_BACKOFF_MS.length - 1)] ?? 30_000;
        log.error(
          { err, retryMs: delay },
          conflict ? "telegram polling conflict (another poller); retrying" : "telegram getUpdates failed; retrying",
        );
        await sleep(delay, abort.signal);
        continue;
      }
      for (const update of updates) {
        if (!(await withRequestId(() => handle(update)))) break;
        offset = update.update_id + 1;
      }
    }
  }

  return {
    start(): Promise<void> {
      if (loop) return Promise.resolve();
      abort = new AbortController();
      role = "standby";
      lastPollOk = Date.now();
      // Polling runs in the background; start returns at once.
      loop = run().catch((err: unknown) => {
        role = "stopped";
        lastError = JSON.stringify(safeError(err));
        log.error({ err }, "telegram polling stopped");
      });
      return Promise.resolve();
    },

    async stop(): Promise<void> {
      if (!loop) return;
      abort.abort();
      await loop; // the update in hand finishes first
      loop = undefined;
      const wasPolling = role === "polling";
      role = "stopped";
      if (wasPolling && offset !== undefined) {
        // Confirms the handled updates with Telegram so they are not fetched again.
        await bot.api
          .getUpdates({ offset, limit: 1, timeout: 0 })
          .catch((err: unknown) => log.warn({ err }, "telegram stop: offset not confirmed"));
      }
      await lock?.release().catch(() => {});
      log.info("telegram polling stopped");
    },

    health(): ChannelHealth {
      if (role === "stopped") return { ok: false, reason: "telegram polling is not running" };
      if (role === "standby") return { ok: true, reason: "standby: another instance polls" };
      // Failing calls for staleAfterMs, or no answer at all for longer than a long poll can take.
      const silentFor = Date.now() - lastPollOk;
      if (lastError ? silentFor >= staleAfterMs : silentFor > staleAfterMs + timeout * 1000 + 30_000) {
        return { ok: false, reason: `telegram polling failing${lastError ? `: ${lastError}` : ""}` };
      }
      return { ok: true };
    },
  };
}
