// What leaves for Telegram: message splitting, inline keyboards, and how a failed call maps onto
// the outbox's retry rules. Pure functions; the adapter does the calls.
import { GrammyError, HttpError } from "grammy";
import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import { SendError, type Button } from "../channel.js";

/** Bot API sendMessage: "Text of the message to be sent, 1-4096 characters after entities parsing". */
export const TELEGRAM_TEXT_LIMIT = 4096;
/** Bot API InlineKeyboardButton.callback_data: "1-64 bytes". */
export const CALLBACK_DATA_MAX_BYTES = 64;
/** Labels up to this many characters fit two to a row on a phone; longer ones get a row each. */
export const SHORT_LABEL = 18;

/**
 * Splits text into pieces Telegram accepts, cutting at a paragraph, else a line, else a space,
 * so an answer stays readable. Pieces are trimmed and never empty. Lengths are UTF-16 units, as
 * Telegram counts them.
 */
export function splitTelegramText(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const window = rest.slice(0, limit + 1);
    let cut = Math.max(window.lastIndexOf("\n\n"), 0);
    if (cut < limit / 2) cut = Math.max(window.lastIndexOf("\n"), cut);
    if (cut < limit / 2) cut = Math.max(window.lastIndexOf(" "), cut);
    if (cut <= 0) {
      cut = limit;
      // Never cut an emoji (surrogate pair) in half.
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    }
    const piece = rest.slice(0, cut).trim();
    if (piece) pieces.push(piece);
    rest = rest.slice(cut).trim();
  }
  if (rest) pieces.push(rest);
  return pieces;
}

/**
 * Buttons → inline keyboard: two per row when every label is short, else one per row so long
 * Indonesian/Banjar labels are not cut off. Payloads over Telegram's 64-byte limit are a bug in
 * the caller, never fixed by retrying.
 */
export function inlineKeyboard(buttons: readonly Button[]): InlineKeyboardMarkup {
  for (const b of buttons) {
    const bytes = Buffer.byteLength(b.payload, "utf8");
    if (bytes === 0 || bytes > CALLBACK_DATA_MAX_BYTES) {
      throw new SendError(`button payload must be 1-${CALLBACK_DATA_MAX_BYTES} bytes (got ${bytes})`, false);
    }
  }
  const keys: InlineKeyboardButton[] = buttons.map((b) => ({ text: b.label, callback_data: b.payload }));
  const perRow = buttons.every((b) => [...b.label].length <= SHORT_LABEL) ? 2 : 1;
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < keys.length; i += perRow) rows.push(keys.slice(i, i + perRow));
  return { inline_keyboard: rows };
}

/**
 * A failed Bot API call as the outbox sees it. 429 carries parameters.retry_after (seconds) —
 * waiting that long is the documented fix; 5xx and network failures are transient; any other 4xx
 * (400 chat not found, 403 blocked by the user, 401 bad token) will fail the same way again.
 */
export function toSendError(err: unknown): SendError {
  if (err instanceof SendError) return err;
  if (err instanceof GrammyError) {
    const what = `telegram ${err.method} ${err.error_code}: ${err.description}`;
    if (err.error_code === 429) {
      const after = err.parameters.retry_after;
      // Telegram does not say whether the chat's limit or the bot's was hit: the whole channel waits.
      return new SendError(what, true, typeof after === "number" ? after * 1000 : 1000, { rateLimited: true });
    }
    return new SendError(what, err.error_code >= 500);
  }
  if (err instanceof HttpError) return new SendError(`telegram: ${err.message}`, true);
  return new SendError(`telegram: ${err instanceof Error ? err.name : "unknown error"}`, true);
}
