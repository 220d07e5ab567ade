// Pure mapping of WhatsApp Cloud API webhook bodies (the "messages" field of a WhatsApp Business
// Account) into our InboundMessage, plus the delivery statuses of what we sent. Shapes follow
// Meta's "messages webhook reference" (developers.facebook.com/documentation/business-messaging/
// whatsapp/webhooks/reference/messages): entry[].changes[].value.{metadata, contacts, messages,
// statuses, errors}. Anything malformed is skipped one message at a time, never the whole body.
import type { InboundMessage } from "../channel.js";
import { cloudContactSchema, cloudMessageSchema, cloudStatusSchema, describeIssues, type CloudMessage } from "./schema.js";

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined;
}
function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}
/** Meta's timestamps are Unix seconds as strings. */
function unixSeconds(v: unknown): Date | undefined {
  const n = typeof v === "string" || typeof v === "number" ? Number(v) : NaN;
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000) : undefined;
}

/**
 * Message types that are not the person talking to us: a reaction to an earlier message, Meta's
 * system notices (number or BSUID changed), and the "welcome request" sent when a chat is opened.
 * They are skipped. Every other type becomes an inbound message, with text when there is any,
 * so the conversation can answer a voice note or sticker ("please write") instead of ignoring it.
 */
const NOT_A_MESSAGE = new Set(["reaction", "system", "request_welcome", "ephemeral"]);

export interface MapOptions {
  /** Our WHATSAPP_CLOUD_PHONE_ID: changes for another number of the same app are skipped. */
  phoneNumberId?: string;
  /** Used when a message carries no usable timestamp. */
  now?: Date;
}

export interface SkippedMessage {
  externalId?: string;
  type: string;
  reason: "not_a_message" | "other_number" | "no_sender" | "malformed";
  /** For malformed messages: which fields and why (paths and codes, no values). */
  issues?: string[];
}

export interface CloudStatus {
  /** The wamid we got back when sending: the outbox row's externalId. */
  externalId: string;
  /** sent | delivered | read | failed (Meta may add others, e.g. played for voice). */
  status: string;
  at: Date;
  /** Meta's error codes on failed statuses (e.g. 131047 outside the window, 131026 undeliverable). */
  errorCodes: number[];
}

export interface CloudWebhook {
  messages: InboundMessage[];
  statuses: CloudStatus[];
  skipped: SkippedMessage[];
  /** Codes of value-level errors Meta reports outside any message (logged, codes only). */
  errorCodes: number[];
}

/** Every change of the "messages" field in the body, for our number. */
function changeValues(body: unknown, phoneNumberId: string | undefined, skipped: SkippedMessage[]): Obj[] {
  const values: Obj[] = [];
  for (const entry of arr(obj(body)?.entry)) {
    for (const change of arr(obj(entry)?.changes)) {
      const c = obj(change);
      const value = obj(c?.value);
      if (!value || (c?.field !== undefined && c.field !== "messages")) continue;
      const forNumber = str(obj(value.metadata)?.phone_number_id);
      if (phoneNumberId && forNumber && forNumber !== phoneNumberId) {
        for (const m of arr(value.messages)) {
          skipped.push({ externalId: str(obj(m)?.id), type: str(obj(m)?.type) ?? "unknown", reason: "other_number" });
        }
        continue;
      }
      values.push(value);
    }
  }
  return values;
}

/** Text and button payload of one message, by type. */
function content(m: CloudMessage): { text?: string; payload?: string } {
  switch (m.type) {
    case "text":
      return { text: str(m.text?.body) };
    case "interactive": {
      // Reply buttons and list rows we sent come back with the id we gave them (the payload).
      const reply = m.interactive?.button_reply ?? m.interactive?.list_reply;
      return reply ? { payload: str(reply.id), text: str(reply.title) } : {};
    }
    case "button":
      // Quick-reply button of a template message: payload set when the template was sent, or
      // the button text when none was set.
      return { payload: str(m.button?.payload), text: str(m.button?.text) };
    case "image":
    case "video":
    case "document":
      return { text: str(m[m.type]?.caption) };
    default:
      return {};
  }
}

/** Parses one webhook body into inbound messages, statuses, and what was skipped and why. */
export function parseCloudWebhook(body: unknown, options: MapOptions = {}): CloudWebhook {
  const now = options.now ?? new Date();
  const out: CloudWebhook = { messages: [], statuses: [], skipped: [], errorCodes: [] };
  for (const value of changeValues(body, options.phoneNumberId, out.skipped)) {
    const contacts = arr(value.contacts).flatMap((c) => {
      const checked = cloudContactSchema.safeParse(c);
      return checked.success ? [checked.data] : [];
    });
    for (const raw of arr(value.messages)) {
      const checked = cloudMessageSchema.safeParse(raw);
      if (!checked.success) {
        out.skipped.push({ type: str(obj(raw)?.type) ?? "unknown", reason: "malformed", issues: describeIssues(checked.error) });
        continue;
      }
      const m = checked.data;
      const externalId = m.id;
      const type = m.type;
      if (NOT_A_MESSAGE.has(type)) {
        out.skipped.push({ externalId, type, reason: "not_a_message" });
        continue;
      }
      // Since 2026 a person with a WhatsApp username may come without a phone number: then only
      // the business-scoped user id (BSUID, e.g. "ID.1234…") identifies them and is the address.
      const from = str(m.from);
      const fromUserId = str(m.from_user_id);
      const contact =
        contacts.find((c) => (from && c.wa_id === from) || (fromUserId && c.user_id === fromUserId)) ??
        (contacts.length === 1 ? contacts[0] : undefined);
      const waId = str(contact?.wa_id) ?? from;
      const address = waId ?? str(contact?.user_id) ?? fromUserId;
      if (!address) {
        out.skipped.push({ externalId, type, reason: "no_sender" });
        continue;
      }
      const { text, payload } = content(m);
      const message: InboundMessage = {
        channel: "whatsapp-cloud",
        externalId,
        address,
        receivedAt: unixSeconds(m.timestamp) ?? now,
      };
      if (text !== undefined) message.text = text;
      if (payload !== undefined) message.payload = payload;
      if (waId && /^\d{8,15}$/.test(waId)) message.phone = waId;
      out.messages.push(message);
    }
    for (const raw of arr(value.statuses)) {
      const checked = cloudStatusSchema.safeParse(raw);
      if (!checked.success) continue;
      const s = checked.data;
      out.statuses.push({
        externalId: s.id,
        status: s.status,
        at: unixSeconds(s.timestamp) ?? now,
        errorCodes: errorCodes(s.errors),
      });
    }
    out.errorCodes.push(...errorCodes(value.errors));
  }
  return out;
}

function errorCodes(errors: unknown): number[] {
  return arr(errors)
    .map((e) => obj(e)?.code)
    .filter((c): c is number => typeof c === "number");
}

/** The inbound messages of a webhook body (see parseCloudWebhook for the rules). */
export function mapCloudWebhook(body: unknown, options: MapOptions = {}): InboundMessage[] {
  return parseCloudWebhook(body, options).messages;
}

/** The delivery statuses of a webhook body: what Meta says happened to messages we sent. */
export function mapCloudStatuses(body: unknown, options: MapOptions = {}): CloudStatus[] {
  return parseCloudWebhook(body, options).statuses;
}
