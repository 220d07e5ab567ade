// Telegram update → InboundMessage. Pure: no bot, no clock of its own; the adapter passes the time.
// Only what a person types or presses in a private chat with the bot reaches the conversation:
// groups, channels, edits, bots and service messages are dropped here (the bot is 1:1 only).
import type { CallbackQuery, Message, Update } from "grammy/types";
import type { InboundMessage } from "../channel.js";

/** Update kinds the bot asks Telegram for (getUpdates / setWebhook allowed_updates). */
export const TELEGRAM_ALLOWED_UPDATES = ["message", "callback_query"] as const;

/**
 * Maps one update to the neutral inbound message, or null when the bot should ignore it.
 * `now` stamps button presses, which carry no date of their own.
 * externalIds are stable across redeliveries: `msg:<chat>:<message_id>` (message ids are unique per
 * chat) and `cb:<callback_query.id>`, so the inbound ledger drops a second delivery.
 */
export function mapTelegramUpdate(update: Update, now: Date): InboundMessage | null {
  if (update.message) return mapMessage(update.message);
  if (update.callback_query) return mapCallbackQuery(update.callback_query, now);
  // edited_message, channel_post, my_chat_member, inline queries …: not a turn of the conversation.
  return null;
}

function mapMessage(message: Message): InboundMessage | null {
  if (message.chat.type !== "private") return null;
  if (!message.from || message.from.is_bot) return null;
  const base = {
    channel: "telegram" as const,
    externalId: `msg:${message.chat.id}:${message.message_id}`,
    address: String(message.chat.id),
    // Telegram dates are Unix seconds: the moment the person sent it, even if we get it later.
    receivedAt: new Date(message.date * 1000),
  };

  if (message.contact) {
    // Only the person's own number (the "share my phone number" button): a forwarded contact of
    // someone else must never become this person's phone.
    if (message.contact.user_id !== message.from.id) return null;
    const phone = message.contact.phone_number.replace(/\D/g, "");
    return phone ? { ...base, phone } : null;
  }

  // A caption is what the person wrote under a photo or file ("anak ulun batuk" under a photo).
  const text = (message.text ?? message.caption ?? "").trim();
  if (!text) return null; // photo/sticker/voice without words, service messages
  return { ...base, text };
}

function mapCallbackQuery(query: CallbackQuery, now: Date): InboundMessage | null {
  // No data: a game button; no message: inline mode. The bot uses neither.
  if (query.data === undefined || !query.message) return null;
  if (query.message.chat.type !== "private") return null;
  return {
    channel: "telegram",
    externalId: `cb:${query.id}`,
    address: String(query.message.chat.id),
    payload: query.data,
    receivedAt: now,
  };
}
