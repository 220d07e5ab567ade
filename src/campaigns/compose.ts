// Pure rules of a campaign message: the variables a text may use, rendering them per recipient,
// the buttons, and the check of a composed message. No I/O. The same variable list builds the SQL
// that renders texts when they are queued (send.ts), so the preview and what is sent agree.
import type { Lang } from "../i18n/index.js";

/**
 * Variables a campaign text may contain, e.g. "Posyandu {nama_posyandu} buka {posyandu_hari}".
 * Each has a fallback text (locales campaigns:vars.*) for a person the service knows too little about.
 */
export const VARIABLES = ["nama_desa", "nama_kecamatan", "nama_posyandu", "posyandu_hari", "nama_anak"] as const;
export type Variable = (typeof VARIABLES)[number];

/** What one recipient's texts are made with (null: unknown, the fallback is used). */
export type RecipientValues = Record<Variable, string | null>;

const VARIABLE_PATTERN = /\{([a-z_]+)\}/g;

/** Names in braces that are not variables (a typo would otherwise go out to thousands as "{nama_dsa}"). */
export function unknownVariables(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(VARIABLE_PATTERN)) if (!(VARIABLES as readonly string[]).includes(m[1] as string)) out.add(m[1] as string);
  return [...out];
}

/** Replaces each {variable} by the recipient's value, or its fallback text. */
export function renderText(text: string, values: RecipientValues, fallbacks: Record<Variable, string>): string {
  return text.replace(VARIABLE_PATTERN, (whole, name: string) =>
    (VARIABLES as readonly string[]).includes(name) ? (values[name as Variable] ?? fallbacks[name as Variable]) : whole,
  );
}

/**
 * A button under the message: a reply choice (its answer is counted with the campaign) or an FAQ
 * topic (pressing it shows the answer). Labels in both languages; Banjar falls back to Indonesian.
 */
export type CampaignButton =
  { kind: "reply"; label: { id: string; bjn?: string } } | { kind: "faq"; topicId: string; label: { id: string; bjn?: string } };

/** Payload of the nth reply button of a run (the conversation counts the answer: reply.ts). */
export const replyPayload = (runId: string, index: number) => `cmp:${runId}:${index}`;
export const FAQ_TOPIC_PAYLOAD = (topicId: string) => `faq:topic:${topicId}`;

/** The channel buttons of a language. */
export function buttonsFor(buttons: CampaignButton[], lang: Lang, runId: string): { label: string; payload: string }[] {
  return buttons.map((b, i) => ({
    label: (lang === "bjn" ? b.label.bjn : undefined) ?? b.label.id,
    payload: b.kind === "reply" ? replyPayload(runId, i) : FAQ_TOPIC_PAYLOAD(b.topicId),
  }));
}

/**
 * When a repeating campaign goes: every day, on some weekdays (1 = Monday … 7 = Sunday, ISO), or
 * once a month on a day (31 means the month's last day), at a WITA time, until a last date.
 */
export interface CampaignRepeat {
  every: "daily" | "weekly" | "monthly";
  weekdays?: number[];
  dayOfMonth?: number;
  /** "HH:MM", local time (TIMEZONE). */
  time: string;
  /** First and last local dates (inclusive). */
  from?: string;
  until: string;
}

export interface ComposedMessage {
  textId: string;
  textBjn: string | null;
  sameForBoth: boolean;
  buttons: CampaignButton[];
}

/** Longest text: WhatsApp's template body parameter (1024) less room for the footer. */
export const MAX_TEXT = 900;
/** WhatsApp shows at most 3 reply buttons; labels up to 20 characters (Meta, interactive messages). */
export const MAX_BUTTONS = 3;
export const MAX_BUTTON_LABEL = 20;

/** Problems of a composed message as {field, reason} (empty: fine). */
export function checkMessage(m: ComposedMessage): { field: string; reason: string }[] {
  const problems: { field: string; reason: string }[] = [];
  if (!m.textId.trim()) problems.push({ field: "body.textId", reason: "is empty" });
  if (m.sameForBoth && m.textBjn) problems.push({ field: "body.textBjn", reason: "must be left out when sameForBoth is true" });
  if (!m.sameForBoth && !m.textBjn?.trim()) problems.push({ field: "body.textBjn", reason: "is required (or set sameForBoth: true)" });
  for (const [field, text] of [
    ["textId", m.textId],
    ["textBjn", m.textBjn ?? ""],
  ] as const) {
    if (text.length > MAX_TEXT) problems.push({ field: `body.${field}`, reason: `is longer than ${MAX_TEXT} characters` });
    const unknown = unknownVariables(text);
    if (unknown.length)
      problems.push({
        field: `body.${field}`,
        reason: `has unknown variables ${unknown.map((u) => `{${u}}`).join(", ")}; use ${VARIABLES.map((v) => `{${v}}`).join(", ")}`,
      });
  }
  if (m.buttons.length > MAX_BUTTONS) problems.push({ field: "body.buttons", reason: `has more than ${MAX_BUTTONS} buttons` });
  m.buttons.forEach((b, i) => {
    for (const label of [b.label.id, b.label.bjn]) {
      if (label !== undefined && (!label.trim() || label.length > MAX_BUTTON_LABEL)) {
        problems.push({ field: `body.buttons[${i}].label`, reason: `must be 1–${MAX_BUTTON_LABEL} characters` });
      }
    }
  });
  return problems;
}

/** The text a language gets. */
export function textFor(m: Pick<ComposedMessage, "textId" | "textBjn">, lang: Lang): string {
  return lang === "bjn" && m.textBjn ? m.textBjn : m.textId;
}
