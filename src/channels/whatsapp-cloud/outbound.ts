// Pure rules for what we POST to /<phone-number-id>/messages: free text or interactive messages
// inside the customer-service window, an approved template outside it. Shapes and limits follow
// Meta's Cloud API "Messages" reference and its interactive reply-button and list message guides.
import { SendError, type Button, type OutboundMessage, type SendContext, type TemplateMessage } from "../channel.js";

/**
 * Meta's customer-service window: free-form messages may be sent for 24 hours after the person's
 * last message; after that only approved templates (Cloud API docs, "Customer service windows").
 */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Treat the window as closing a minute early: our clock and the request's travel time are not Meta's. */
export const WINDOW_SAFETY_MS = 60_000;

// Limits of interactive messages (Meta, "Interactive reply buttons messages" and "Interactive
// list messages"): at most 3 reply buttons with titles up to 20 characters and ids up to 256;
// a list has at most 10 rows, row titles up to 24 characters, row ids up to 200, and a menu
// button label up to 20. Body text: 1024 characters with buttons, 4096 with a list.
const MAX_BUTTONS = 3;
const MAX_BUTTON_TITLE = 20;
const MAX_BUTTON_ID = 256;
const MAX_BUTTON_BODY = 1024;
const MAX_LIST_ROWS = 10;
const MAX_ROW_TITLE = 24;
const MAX_ROW_ID = 200;
const MAX_LIST_BUTTON = 20;
const MAX_LIST_BODY = 4096;
/** Template bodies are at most 1024 characters (Meta, "Template components"). */
const MAX_TEMPLATE_PARAM = 1024;

/** message kind → language → approved template name (WHATSAPP_CLOUD_TEMPLATES). */
export type CloudTemplates = Record<string, { id?: string; bjn?: string }>;

/** True while free-form messages are allowed: within 24 hours of the person's last message. */
export function insideServiceWindow(lastInboundAt: Date | null, now: Date): boolean {
  if (!lastInboundAt) return false;
  return now.getTime() - lastInboundAt.getTime() < SERVICE_WINDOW_MS - WINDOW_SAFETY_MS;
}

/**
 * Meta has no template language for Banjar, so Banjar templates are registered under Indonesian
 * ("id") with a Banjar body and their own name; other codes (e.g. "en_US") pass through.
 */
export function templateLanguageCode(lang: string): string {
  return lang === "bjn" ? "id" : lang;
}

/**
 * A template body parameter may not contain new lines or tabs, nor more than 4 spaces in a row
 * (Meta rejects such a parameter; exact error code not verified), so the text is flattened to one
 * line and cut to the body limit.
 */
export function templateParam(text: string): string {
  const flat = text
    .replace(/\s*[\r\n\t]+\s*/g, " · ")
    .replace(/ {2,}/g, " ")
    .replace(/^ · | · $/g, "")
    .trim();
  return flat.length <= MAX_TEMPLATE_PARAM ? flat : `${flat.slice(0, MAX_TEMPLATE_PARAM - 1)}…`;
}

/**
 * The template for a message sent outside the window: the message's own template when it has
 * one; else the configured template for its kind and language (falling back to Indonesian), with
 * the message text as the template's single body parameter {{1}} (our convention: every configured
 * template has exactly one body variable). Undefined when there is none.
 */
export function chooseTemplate(
  message: OutboundMessage,
  context: Pick<SendContext, "kind" | "lang">,
  templates: CloudTemplates,
): TemplateMessage | undefined {
  if (message.template) return message.template;
  const byLang = templates[context.kind];
  const name = byLang?.[context.lang] ?? byLang?.id;
  if (!name) return undefined;
  // The language is what the template is registered under; a Banjar-only entry is still "id".
  return { name, lang: context.lang, params: [message.text] };
}

type Json = Record<string, unknown>;

/**
 * Since 2026 a WhatsApp user with a username may be known only by a business-scoped user id
 * (BSUID: two-letter country code, a dot, then letters and digits, e.g. "ID.13491208655302741918").
 * Those are addressed with "recipient" instead of "to" (Meta, "Business-scoped user IDs").
 */
export function isBusinessScopedUserId(address: string): boolean {
  return /^[A-Z]{2}\.[A-Za-z0-9.]+$/.test(address);
}

function envelope(address: string): Json {
  return isBusinessScopedUserId(address)
    ? { messaging_product: "whatsapp", recipient_type: "individual", recipient: address }
    : { messaging_product: "whatsapp", recipient_type: "individual", to: address };
}

function distinct(values: string[]): boolean {
  return new Set(values).size === values.length;
}

function fitsButtons(text: string, buttons: Button[]): boolean {
  return (
    buttons.length >= 1 &&
    buttons.length <= MAX_BUTTONS &&
    text.length <= MAX_BUTTON_BODY &&
    buttons.every((b) => b.label.trim() && b.label.length <= MAX_BUTTON_TITLE && b.payload && b.payload.length <= MAX_BUTTON_ID) &&
    distinct(buttons.map((b) => b.label)) &&
    distinct(buttons.map((b) => b.payload))
  );
}

function fitsList(text: string, buttons: Button[], listButton: string | undefined): boolean {
  return (
    listButton !== undefined &&
    listButton.length >= 1 &&
    listButton.length <= MAX_LIST_BUTTON &&
    buttons.length > MAX_BUTTONS &&
    buttons.length <= MAX_LIST_ROWS &&
    text.length <= MAX_LIST_BODY &&
    buttons.every((b) => b.label.trim() && b.label.length <= MAX_ROW_TITLE && b.payload && b.payload.length <= MAX_ROW_ID) &&
    distinct(buttons.map((b) => b.payload))
  );
}

/**
 * Choices as "1. label" lines, for when they cannot be buttons or a list; the conversation's own
 * prompts usually list them already (conversation/choices.ts), and then nothing is added.
 */
export function numberedText(text: string, buttons: Button[]): string {
  const lines = buttons.map((b, i) => `${i + 1}. ${b.label}`);
  if (lines.every((line) => text.includes(line))) return text;
  return `${text}\n\n${lines.join("\n")}`;
}

/** The body of a free-form message: text, reply buttons (≤ 3), a list (4–10), or numbered text. */
export function freeFormBody(address: string, message: OutboundMessage, listButton: string | undefined): Json {
  const buttons = message.buttons ?? [];
  const text = message.text;
  if (buttons.length > 0 && fitsButtons(text, buttons)) {
    return {
      ...envelope(address),
      type: "interactive",
      interactive: {
        type: "button",
        body: { text },
        action: { buttons: buttons.map((b) => ({ type: "reply", reply: { id: b.payload, title: b.label } })) },
      },
    };
  }
  if (buttons.length > 0 && fitsList(text, buttons, listButton)) {
    return {
      ...envelope(address),
      type: "interactive",
      interactive: {
        type: "list",
        body: { text },
        // One section needs no title (titles are required only with several sections).
        action: { button: listButton, sections: [{ rows: buttons.map((b) => ({ id: b.payload, title: b.label })) }] },
      },
    };
  }
  const body = buttons.length > 0 ? numberedText(text, buttons) : text;
  return { ...envelope(address), type: "text", text: { preview_url: false, body } };
}

/** The body of a template message; each parameter fills {{1}}, {{2}} … of the template's body. */
export function templateBody(address: string, template: TemplateMessage): Json {
  const t: Json = { name: template.name, language: { code: templateLanguageCode(template.lang) } };
  if (template.params.length > 0) {
    t.components = [{ type: "body", parameters: template.params.map((p) => ({ type: "text", text: templateParam(p) })) }];
  }
  return { ...envelope(address), type: "template", template: t };
}

export interface BuildOptions {
  templates: CloudTemplates;
  now: Date;
  /** Label of the button that opens a list (from the texts, per language); no list without it. */
  listButton?: string;
}

/**
 * What to POST for one outbound message, by the 24-hour rule; throws a non-retryable SendError
 * when the window is closed and no template fits (waiting will not open the window).
 */
export function buildCloudRequest(address: string, message: OutboundMessage, context: SendContext, options: BuildOptions): Json {
  if (insideServiceWindow(context.lastInboundAt, options.now)) return freeFormBody(address, message, options.listButton);
  const template = chooseTemplate(message, context, options.templates);
  if (!template) throw new SendError(`outside the 24-hour window and no template for ${context.kind}`, false);
  return templateBody(address, template);
}
