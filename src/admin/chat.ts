// The chat side of staff accounts: KODE 123456 links the chat to the account that asked for the
// code, so referrals and handoff questions reach the health worker there.
import { registerHandler, type Turn } from "../conversation/index.js";
import { chatLinkReplyKey, parseChatLinkCommand, redeemChatLinkCode } from "./chat-link.js";

async function chatLink(turn: Turn): Promise<boolean> {
  const code = parseChatLinkCommand(turn.text);
  if (!code) return false;
  const result = await redeemChatLinkCode(turn.rt, turn.tx, turn.contact.id, code);
  turn.say(chatLinkReplyKey(result));
  return true;
}

export function registerAdminConversations(): void {
  registerHandler(chatLink);
}
