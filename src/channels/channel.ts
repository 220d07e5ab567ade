// The one contract between the conversation core and every chat channel (after RapidPro's
// courier): adapters turn provider payloads into InboundMessage and send OutboundMessage; they
// never contain domain logic.
import type { FastifyInstance } from "fastify";

export const CHANNELS = ["telegram", "whatsapp", "whatsapp-cloud", "web"] as const;
export type ChannelName = (typeof CHANNELS)[number];

export interface InboundMessage {
  channel: ChannelName;
  /** The provider's id of this message, unique per channel: duplicates are dropped on it. */
  externalId: string;
  /** Where replies go (Telegram chat id, WhatsApp JID, Cloud wa_id, web chat id). */
  address: string;
  text?: string;
  /** Payload of a pressed button, when the message is a button press. */
  payload?: string;
  receivedAt: Date;
  /** Phone number (digits with country code) when the provider gives it. */
  phone?: string;
}

export interface Button {
  label: string;
  payload: string;
}

export interface TemplateMessage {
  name: string;
  lang: string;
  params: string[];
}

export interface OutboundMessage {
  text: string;
  buttons?: Button[];
  /** A pre-approved template (WhatsApp Cloud outside the 24-hour window). */
  template?: TemplateMessage;
}

export interface SendResult {
  /** The provider's id of the sent message, when it gives one. */
  externalId?: string;
}

/**
 * A failed send; `retryable` tells the outbox whether trying again can help. A rate limit (HTTP
 * 429 and the like) is retryable and not the message's fault: the outbox waits `retryAfterMs`
 * without counting an attempt, over the whole channel or, with scope "recipient", for that person.
 */
export class SendError extends Error {
  readonly rateLimited: boolean;
  readonly scope: "channel" | "recipient";

  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    options: { rateLimited?: boolean; scope?: "channel" | "recipient" } = {},
  ) {
    super(message);
    this.name = "SendError";
    this.rateLimited = options.rateLimited ?? false;
    this.scope = options.scope ?? "channel";
  }
}

/**
 * What a queued message is, which decides its lane (pacing.ts) and, on WhatsApp Cloud outside the
 * 24-hour window, its template: a reply to the person's own message; an alert to staff or a kader
 * (approvals, link requests); a handoff question or answer; a referral to the puskesmas; a growth
 * or maternal result to a parent; a reminder; a broadcast.
 */
export const MESSAGE_KINDS = ["reply", "erasure", "alert", "handoff", "referral", "growth", "reminder", "broadcast", "campaign"] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** What the outbox knows about a send, for adapters whose rules depend on it. */
export interface SendContext {
  kind: MessageKind;
  /** The contact's language (id or bjn). */
  lang: "id" | "bjn";
  /** The contact's last message on this channel (WhatsApp Cloud's 24-hour window). */
  lastInboundAt: Date | null;
}

export interface ChannelAdapter {
  readonly name: ChannelName;
  send(address: string, message: OutboundMessage, context: SendContext): Promise<SendResult>;
  /**
   * Whether this process can send on the channel now (WhatsApp by Baileys: only the instance
   * holding the socket). Only such an instance takes the channel's sender lease. Default: yes.
   */
  canSend?(): boolean;
  /**
   * Whether a message must wait before it is sent, and until when (WhatsApp by Baileys while
   * WhatsApp restricts the number: bulk and first contacts). The outbox puts it back in the queue
   * until then, without counting an attempt; `reason` is kept as its last error. Default: never.
   */
  holdUntil?(address: string, context: SendContext): { until: Date; reason: string } | null;
  /** Provider calls one send makes (Telegram splits long texts); the pacing counts each. Default 1. */
  cost?(message: OutboundMessage): number;
  /** Connects (polling, sockets); webhooks need nothing here. */
  start?(): Promise<void>;
  /** Stops taking messages and finishes what is in flight. */
  stop?(): Promise<void>;
  /** HTTP routes the channel needs (webhooks); app.ts registers them. */
  routes?: (app: FastifyInstance) => Promise<void>;
  /** Whether the channel is taking messages; /ready reports a channel that is not. */
  health?(): ChannelHealth;
}

export interface ChannelHealth {
  ok: boolean;
  /** Why not, or what the channel is doing (e.g. "standby"): no personal data. */
  reason?: string;
}

/** What the sink tells an adapter once a message is stored and handled. */
export interface InboundReceipt {
  /** Settles when the replies have been handed to the channel (the web chat waits for it). */
  delivered: Promise<unknown>;
}

/**
 * The sink could not store the message because the database is unreachable (or kept failing):
 * nothing was kept, so the channel must not acknowledge it. Webhooks answer 503 (the provider
 * delivers again); polling retries the same update without moving past it.
 */
export class InboundUnavailableError extends Error {
  constructor(options?: { cause?: unknown }) {
    super("the inbound message could not be stored; deliver it again later", options);
    this.name = "InboundUnavailableError";
  }
}

/**
 * What adapters call for each inbound message; resolves once it is stored and handled, before the
 * replies are sent, so webhooks can be acknowledged at once.
 */
export type InboundSink = (message: InboundMessage) => Promise<InboundReceipt | void>;

/**
 * More inbound messages are being handled than INBOUND_MAX_CONCURRENCY allows: this one is refused
 * before anything is stored (webhooks answer 503, polling and WhatsApp try it again), rather than
 * waiting in memory without bound.
 */
export class InboundBusyError extends InboundUnavailableError {
  constructor() {
    super();
    this.name = "InboundBusyError";
    this.message = "too many inbound messages in progress; deliver it again later";
  }
}
