// The WhatsApp Cloud API channel (Meta's official API): webhook in, Graph API out. No domain
// logic: webhook bodies become InboundMessage for the sink, and send() posts what it is given,
// choosing free-form or template by the 24-hour rule (outbound.ts).
import type { FastifyInstance } from "fastify";
import type { Config } from "../../config/index.js";
import type { I18n } from "../../i18n/index.js";
import { systemClock, type Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/log.js";
import type { ChannelAdapter, InboundMessage, InboundSink, OutboundMessage, SendContext, SendResult } from "../channel.js";
import { classifyGraphError, networkError, parseRetryAfter } from "./errors.js";
import { parseCloudWebhook, type CloudStatus } from "./map.js";
import { buildCloudRequest, type CloudTemplates } from "./outbound.js";
import { webhookRoutes } from "./routes.js";

/** Text key of the button that opens a list of choices. */
export const LIST_BUTTON_KEY = "channels:whatsappCloud.listButton";

export interface WhatsAppCloudSettings {
  token: string;
  phoneNumberId: string;
  appSecret: string;
  verifyToken: string;
  apiRoot: string;
  templates: CloudTemplates;
}

/** The Cloud API settings, or null when WHATSAPP_CLOUD_* is not set (the channel is off). */
export function whatsAppCloudSettings(config: Config): WhatsAppCloudSettings | null {
  const { WHATSAPP_CLOUD_TOKEN: token, WHATSAPP_CLOUD_PHONE_ID: phoneNumberId } = config;
  const { WHATSAPP_CLOUD_APP_SECRET: appSecret, WHATSAPP_CLOUD_VERIFY_TOKEN: verifyToken } = config;
  if (!token || !phoneNumberId || !appSecret || !verifyToken) return null;
  return {
    token,
    phoneNumberId,
    appSecret,
    verifyToken,
    apiRoot: config.WHATSAPP_CLOUD_API_ROOT,
    templates: config.WHATSAPP_CLOUD_TEMPLATES,
  };
}

export interface WhatsAppCloudOptions {
  /** The configuration (WHATSAPP_CLOUD_*), or settings built directly. */
  config: Config | WhatsAppCloudSettings;
  sink: InboundSink;
  log: Logger;
  i18n: I18n;
  clock?: Clock;
  fetch?: typeof fetch;
  /** Delivery statuses of what we sent (sent, delivered, read, failed), for the outbox ledger. */
  onStatuses?: (statuses: CloudStatus[]) => Promise<void>;
  /** Give up on a Graph API request after this long (then retryable). Default 15 s. */
  requestTimeoutMs?: number;
}

export interface WhatsAppCloudAdapter extends ChannelAdapter {
  readonly name: "whatsapp-cloud";
  routes: (app: FastifyInstance) => Promise<void>;
  /** Takes a webhook body whose signature was checked; false once stopping. */
  receive(body: unknown): boolean;
  /** Resolves when every message received so far has been through the sink. */
  whenIdle(): Promise<void>;
}

function isSettings(c: Config | WhatsAppCloudSettings): c is WhatsAppCloudSettings {
  return "phoneNumberId" in c;
}

export function createWhatsAppCloudAdapter(options: WhatsAppCloudOptions): WhatsAppCloudAdapter {
  const found = isSettings(options.config) ? options.config : whatsAppCloudSettings(options.config);
  if (!found) throw new Error("WhatsApp Cloud API is not configured (WHATSAPP_CLOUD_*)");
  const settings: WhatsAppCloudSettings = found;
  const { sink, i18n } = options;
  const log = options.log.child({ channel: "whatsapp-cloud" });
  const clock = options.clock ?? systemClock;
  const fetchFn = options.fetch ?? fetch;
  const timeoutMs = options.requestTimeoutMs ?? 15_000;
  const messagesUrl = `${settings.apiRoot.replace(/\/+$/, "")}/${settings.phoneNumberId}/messages`;

  // Messages of one person go through the sink in order; different people in parallel.
  const chains = new Map<string, Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  let stopping = false;

  function track(work: Promise<void>): Promise<void> {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
    return work;
  }

  async function handle(message: InboundMessage): Promise<void> {
    try {
      await sink(message);
    } catch (err) {
      // The webhook was already acknowledged; the id lets an operator find it. No content logged.
      log.error({ externalId: message.externalId, error: err instanceof Error ? err.name : "unknown" }, "inbound message not handled");
    }
  }

  function enqueue(message: InboundMessage): void {
    const previous = chains.get(message.address) ?? Promise.resolve();
    const next = previous.then(() => handle(message));
    chains.set(message.address, next);
    void track(next).finally(() => {
      if (chains.get(message.address) === next) chains.delete(message.address);
    });
  }

  function receive(body: unknown): boolean {
    if (stopping) return false;
    const parsed = parseCloudWebhook(body, { phoneNumberId: settings.phoneNumberId, now: clock.now() });
    for (const s of parsed.statuses) {
      if (s.status === "failed") log.warn({ externalId: s.externalId, codes: s.errorCodes }, "message delivery failed");
    }
    if (parsed.errorCodes.length > 0) log.warn({ codes: parsed.errorCodes }, "webhook reported errors");
    for (const skipped of parsed.skipped) log.debug({ type: skipped.type, reason: skipped.reason }, "webhook message skipped");
    log.debug({ messages: parsed.messages.length, statuses: parsed.statuses.length }, "webhook received");
    if (parsed.statuses.length > 0 && options.onStatuses) {
      const record = options.onStatuses;
      void track(
        record(parsed.statuses).catch((err: unknown) => {
          log.error({ statuses: parsed.statuses.length, error: err instanceof Error ? err.name : "unknown" }, "statuses not recorded");
        }),
      );
    }
    for (const message of parsed.messages) enqueue(message);
    return true;
  }

  async function whenIdle(): Promise<void> {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  }

  function listButton(lang: SendContext["lang"]): string | undefined {
    return i18n.exists(lang, LIST_BUTTON_KEY) ? i18n.t(lang, LIST_BUTTON_KEY) : undefined;
  }

  async function send(address: string, message: OutboundMessage, context: SendContext): Promise<SendResult> {
    const now = clock.now();
    // Throws SendError(…, false) when the window is closed and no template fits.
    const body = buildCloudRequest(address, message, context, { templates: settings.templates, now, listButton: listButton(context.lang) });
    let response: Response;
    try {
      response = await fetchFn(messagesUrl, {
        method: "POST",
        headers: { authorization: `Bearer ${settings.token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw networkError(err);
    }
    const json: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      throw classifyGraphError(response.status, json, parseRetryAfter(response.headers.get("retry-after"), now));
    }
    const id = (json as { messages?: { id?: unknown }[] } | undefined)?.messages?.[0]?.id;
    log.debug({ type: body.type, kind: context.kind }, "message sent");
    return typeof id === "string" ? { externalId: id } : {};
  }

  return {
    name: "whatsapp-cloud",
    send,
    receive,
    whenIdle,
    routes: webhookRoutes({ appSecret: settings.appSecret, verifyToken: settings.verifyToken, log, receive }),
    async stop() {
      stopping = true;
      await whenIdle();
    },
  };
}
