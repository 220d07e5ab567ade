// The chat side of staff accounts: KODE 12345678 links the chat to the account that asked for the
// code, so referrals and handoff questions reach the health worker there.
import { enqueue } from "../channels/outbox.js";
import { desaLabel } from "../areas/index.js";
import type { ConversationDomain } from "../conversation/domain.js";
import { NO_STATE, type Flow } from "../conversation/flows/flow.js";
import type { Turn } from "../conversation/turn.js";
import { approverChatsForDesa } from "./notify.js";
import { maskPhone, SEES_PHONE_NUMBERS } from "./people.js";
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
 * Right after someone registers as kader (pending): whoever may approve them — the puskesmas of
 * their desa, else the Pokja — hears it in chat with the kader's name and, where the channel gives
 * it, their phone (masked for the Pokja, as in the API), so approval does not wait for someone to
 * look at the admin API.
 */
const kaderRegistered: Flow = {
  name: "enrol:kader",
  // Only tells the approvers: no step, so no state is ever saved.
  state: NO_STATE,
  async start(turn) {
    const staff = await approverChatsForDesa(turn.tx, turn.contact.desaCode);
    const desa = (await desaLabel(turn.tx, turn.contact.desaCode)) ?? "-";
    const phone = turn.channel.phone;
    await enqueue(
      turn.tx,
      staff.map((s) => ({
        contactId: s.contactId,
        channel: s.channel,
        address: s.address,
        kind: "alert",
        message: {
          text: turn.rt.i18n.t(s.lang, "admin:kaderPendingNotice", {
            desa,
            name: turn.contact.name ?? "-",
            phone: phone
              ? turn.rt.i18n.t(s.lang, "admin:kaderPhone", { phone: SEES_PHONE_NUMBERS.includes(s.role) ? phone : maskPhone(phone) })
              : turn.rt.i18n.t(s.lang, "admin:kaderNoPhone", { channel: turn.channel.channel }),
          }),
        },
        dedupeKey: `kader-pending:${turn.contact.id}:${s.contactId}`,
      })),
      turn.now,
    );
  },
  async step() {},
};

/** Staff accounts in the conversation: KODE links a chat; the "enrol:kader" step after registration tells approvers. */
export const adminConversation: ConversationDomain = {
  name: "staff",
  flows: [kaderRegistered],
  handlers: [chatLink],
  keywords: [{ prefixes: ["kode"] }],
};
