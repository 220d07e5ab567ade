// The chat side of staff accounts: KODE 12345678 links the chat to the account that asked for the
// code, so referrals and handoff questions reach the health worker there.
import { enqueue } from "../channels/outbox.js";
import { desaLabel } from "../areas/index.js";
import { registerFlow, registerHandler, type Flow, type Turn } from "../conversation/index.js";
import { staffChatsForDesa } from "./notify.js";
import { chatLinkReplyKey, parseChatLinkCommand, redeemChatLinkCode } from "./chat-link.js";

async function chatLink(turn: Turn): Promise<boolean> {
  const code = parseChatLinkCommand(turn.text);
  if (!code) return false;
  if (!turn.staffRolesAllowed) {
    turn.say("conversation:staff_not_on_web");
    return true;
  }
  const result = await redeemChatLinkCode(turn.rt, turn.tx, turn.contact.id, code);
  turn.say(chatLinkReplyKey(result));
  return true;
}

/**
 * Right after someone registers as kader (pending): the puskesmas and bidan of their desa (or the
 * Pokja) hear it in chat, so approval does not wait for someone to look at the admin API.
 */
const kaderRegistered: Flow = {
  name: "enrol:kader",
  async start(turn) {
    const staff = (await staffChatsForDesa(turn.tx, turn.contact.desaCode)).filter((s) => s.role !== "kader");
    const desa = (await desaLabel(turn.tx, turn.contact.desaCode)) ?? "-";
    await enqueue(
      turn.tx,
      staff.map((s) => ({
        contactId: s.contactId,
        channel: s.channel,
        address: s.address,
        kind: "alert",
        message: { text: turn.rt.i18n.t(s.lang, "admin:kaderPendingNotice", { desa }) },
        dedupeKey: `kader-pending:${turn.contact.id}:${s.contactId}`,
      })),
      turn.now,
    );
  },
  async step() {},
};

export function registerAdminConversations(): void {
  registerHandler(chatLink);
  registerFlow(kaderRegistered);
}
