// The conversation writes one light markup for every channel: `*bold*` (WhatsApp's own, used for
// FAQ titles). Each channel renders it: WhatsApp as is, Telegram as HTML (parse mode, with the rest
// of the text escaped), the web chat page as <strong>. Pure functions.

/**
 * A bold span: `*` right before a non-space, `*` right after one, on one line, not inside a word
 * and not a run of asterisks (a masked number "******1234" is no markup).
 */
const BOLD = /(^|[^\p{L}\p{N}*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\p{L}\p{N}*])/gu;

/** Telegram's HTML parse mode needs only these three escaped (Bot API, "HTML style"). */
export function escapeTelegramHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** `*Judul*` → `<b>Judul</b>`, everything else escaped: send with parse_mode "HTML". */
export function toTelegramHtml(text: string): string {
  return escapeTelegramHtml(text).replace(BOLD, (_, before: string, inner: string) => `${before}<b>${inner}</b>`);
}

/** The text as plain and bold runs, for renderers that build their own nodes. */
export function boldSegments(text: string): { text: string; bold: boolean }[] {
  const out: { text: string; bold: boolean }[] = [];
  let last = 0;
  for (const m of text.matchAll(BOLD)) {
    const start = (m.index ?? 0) + (m[1]?.length ?? 0);
    if (start > last) out.push({ text: text.slice(last, start), bold: false });
    out.push({ text: m[2] ?? "", bold: true });
    last = (m.index ?? 0) + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), bold: false });
  return out;
}
