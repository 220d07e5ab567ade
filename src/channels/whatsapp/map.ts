// Pure translations between Baileys' messages and the channel contract. No socket, no database:
// everything here is a function of its arguments, so it is tested as a table.
import {
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  isLidUser,
  isPnUser,
  jidDecode,
  normalizeMessageContent,
  type WAMessage,
} from "@whiskeysockets/baileys";
import type { InboundMessage, OutboundMessage } from "../channel.js";

/** Baileys' message timestamp: seconds since the epoch, as a number or a protobuf Long. */
type Timestamp = WAMessage["messageTimestamp"];

function timestampToDate(ts: Timestamp): Date | null {
  if (ts === null || ts === undefined) return null;
  const seconds = typeof ts === "number" ? ts : ts.toNumber();
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : null;
}

/** Digits of a phone-number JID (`62812…@s.whatsapp.net`, device suffix dropped); else undefined. */
export function phoneFromJid(jid: string | null | undefined): string | undefined {
  if (!jid || !isPnUser(jid)) return undefined;
  const user = jidDecode(jid)?.user;
  return user && /^\d{6,15}$/.test(user) ? user : undefined;
}

/**
 * A one-to-one chat with a person: a LID (`…@lid`, WhatsApp's default since 2024) or a phone JID.
 * Groups, broadcast lists, status updates and channels are not conversations with a parent.
 */
export function isPersonalChat(jid: string | null | undefined): jid is string {
  if (!jid) return false;
  if (isJidGroup(jid) || isJidBroadcast(jid) || isJidNewsletter(jid)) return false;
  return Boolean(isLidUser(jid) || isPnUser(jid));
}

/** The id a pressed native-flow button carries in its JSON params, when it has one. */
function nativeFlowId(paramsJson: string | null | undefined): string | undefined {
  if (!paramsJson) return undefined;
  try {
    const params = JSON.parse(paramsJson) as unknown;
    if (params && typeof params === "object" && "id" in params && typeof params.id === "string") return params.id;
  } catch {
    // a malformed payload is just not a button press
  }
  return undefined;
}

const clean = (s: string | null | undefined): string | undefined => {
  const trimmed = s?.trim();
  return trimmed ? trimmed : undefined;
};

/** Text and button payload of a message's content; null when it is not something a person said. */
function contentOf(msg: WAMessage): { text?: string; payload?: string } | null {
  // Unwraps disappearing, view-once and document-with-caption envelopes.
  const m = normalizeMessageContent(msg.message);
  if (!m) return null;
  if (m.conversation) return { text: clean(m.conversation) };
  if (m.extendedTextMessage) return { text: clean(m.extendedTextMessage.text) };
  if (m.buttonsResponseMessage) {
    const r = m.buttonsResponseMessage;
    return { text: clean(r.selectedDisplayText), payload: clean(r.selectedButtonId) };
  }
  if (m.listResponseMessage) {
    const r = m.listResponseMessage;
    return { text: clean(r.title), payload: clean(r.singleSelectReply?.selectedRowId) };
  }
  if (m.templateButtonReplyMessage) {
    const r = m.templateButtonReplyMessage;
    return { text: clean(r.selectedDisplayText), payload: clean(r.selectedId) };
  }
  if (m.interactiveResponseMessage) {
    const r = m.interactiveResponseMessage;
    return { text: clean(r.body?.text), payload: nativeFlowId(r.nativeFlowResponseMessage?.paramsJson) };
  }
  // Media: the caption is the text. Without a caption the core still hears that the person wrote
  // (and can ask for text), so a voice note is not met with silence.
  if (m.imageMessage) return { text: clean(m.imageMessage.caption) };
  if (m.videoMessage) return { text: clean(m.videoMessage.caption) };
  if (m.documentMessage) return { text: clean(m.documentMessage.caption) };
  if (m.audioMessage || m.stickerMessage || m.locationMessage || m.contactMessage) return {};
  // Reactions, receipts, edits/revokes (protocolMessage), key distribution, polls: not a turn.
  return null;
}

/**
 * Maps one Baileys message to an InboundMessage, or null when the bot must not answer it: sent by
 * this account (`fromMe`), in a group/broadcast/status/channel, or not a person's message.
 * The address is the chat JID exactly as WhatsApp gives it (in Baileys 7 usually `…@lid`); the
 * phone is kept when WhatsApp reveals it (`remoteJidAlt`, v6's `senderPn`, or a phone-form JID).
 */
export function mapBaileysMessage(msg: WAMessage, fallbackReceivedAt: Date = new Date()): InboundMessage | null {
  const key = msg.key;
  if (!key || key.fromMe) return null;
  const chat = key.remoteJid;
  const externalId = key.id;
  if (!isPersonalChat(chat) || !externalId) return null;
  const content = contentOf(msg);
  if (!content) return null;
  const senderPn = (key as { senderPn?: string }).senderPn;
  const phone = phoneFromJid(chat) ?? phoneFromJid(key.remoteJidAlt) ?? phoneFromJid(senderPn);
  const inbound: InboundMessage = {
    channel: "whatsapp",
    externalId,
    address: chat,
    receivedAt: timestampToDate(msg.messageTimestamp) ?? fallbackReceivedAt,
  };
  if (content.text !== undefined) inbound.text = content.text;
  if (content.payload !== undefined) inbound.payload = content.payload;
  if (phone) inbound.phone = phone;
  return inbound;
}

/**
 * The text sent for an OutboundMessage. Buttons do not reach linked-account users reliably, so
 * they become a numbered list; the conversation core accepts "1", "2", … as the answer.
 * Templates are a WhatsApp Cloud concept; here the plain text is sent.
 */
export function formatOutbound(message: OutboundMessage): string {
  const buttons = message.buttons ?? [];
  if (buttons.length === 0) return message.text;
  const list = buttons.map((b, i) => `${i + 1}. ${b.label}`).join("\n");
  return message.text ? `${message.text}\n\n${list}` : list;
}
