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
  /**
   * The templates in force for a send (the configured ones with the Pokja's list on top,
   * templates.ts); without it, the settings' templates.
   */
  templates?: () => Promise<CloudTemplates>;
  /** Give up on a Graph API request after this long (then retryable). Default 15 s. */
  requestTimeoutMs?: number;
}

export interface WhatsAppCloudAdapter extends ChannelAdapter {
  readonly name: "whatsapp-cloud";
  routes: (app: FastifyInstance) => Promise<void>;
  /**
   * Takes a webhook body whose signature was checked and resolves once every message in it is
   * stored (the inbound ledger) and every status recorded: "ok" (answer 200), "stopping", or
   * "unavailable" (the database did not take it): both answered 503, and Meta delivers again.
   */
  receive(body: unknown): Promise<ReceiveOutcome>;
  /** Resolves when every message received so far has been through the sink. */
  whenIdle(): Promise<void>;
}

export type ReceiveOutcome = "ok" | "stopping" | "unavailable";

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

  /** One person's messages go through the sink in order; the promise settles with this message. */
  function enqueue(message: InboundMessage): Promise<void> {
    const previous = chains.get(message.address) ?? Promise.resolve();
    // A failed earlier message does not hold up the next: each is answered on its own.
    const next = previous.catch(() => {}).then(() => sink(message).then(() => undefined));
    chains.set(message.address, next);
    void track(next.catch(() => {})).finally(() => {
      if (chains.get(message.address) === next) chains.delete(message.address);
    });
    return next;
  }

  async function receive(body: unknown): Promise<ReceiveOutcome> {
    if (stopping) return "stopping";
    const parsed = parseCloudWebhook(body, { phoneNumberId: settings.phoneNumberId, now: clock.now() });
    for (const s of parsed.statuses) {
      if (s.status === "failed") log.warn({ externalId: s.externalId, codes: s.errorCodes }, "message delivery failed");
    }
    if (parsed.errorCodes.length > 0) log.warn({ codes: parsed.errorCodes }, "webhook reported errors");
    for (const skipped of parsed.skipped) {
      // A malformed message is acknowledged with the body (Meta would resend it for days) and logged: fields and codes only.
      if (skipped.reason === "malformed")
        log.warn({ type: skipped.type, issues: skipped.issues }, "whatsapp cloud message malformed; acknowledged and ignored");
      else log.debug({ type: skipped.type, reason: skipped.reason }, "webhook message skipped");
    }
    log.debug({ messages: parsed.messages.length, statuses: parsed.statuses.length }, "webhook received");
    // Meta's webhook is acknowledged only once everything in it is durable: a crash or a database
    // outage before then gets a redelivery (the ledger drops what was already stored).
    const work: Promise<unknown>[] = parsed.messages.map((message) => enqueue(message));
    if (parsed.statuses.length > 0 && options.onStatuses) work.push(track(options.onStatuses(parsed.statuses)));
    const results = await Promise.allSettled(work);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed.length === 0) return "ok";
    for (const f of failed) {
      // No content logged: the error's name only.
      log.warn({ err: f.reason }, "webhook not stored; Meta will deliver it again");
    }
    return "unavailable";
  }

  async function whenIdle(): Promise<void> {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  }

  function listButton(lang: SendContext["lang"]): string | undefined {
    return i18n.exists(lang, LIST_BUTTON_KEY) ? i18n.t(lang, LIST_BUTTON_KEY) : undefined;
  }

  async function templatesNow(): Promise<CloudTemplates> {
    if (!options.templates) return settings.templates;
    try {
      return await options.templates();
    } catch (err) {
      // The database is unreachable: the configured templates still let reminders go out.
      log.warn({ err }, "template list not read; using the configured templates");
      return settings.templates;
    }
  }

  async function send(address: string, message: OutboundMessage, context: SendContext): Promise<SendResult> {
    const now = clock.now();
    // Throws SendError(…, false) when the window is closed and no template fits.
    const body = buildCloudRequest(address, message, context, {
      templates: await templatesNow(),
      now,
      listButton: listButton(context.lang),
    });
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
