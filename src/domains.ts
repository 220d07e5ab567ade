// The domains that take part in conversations, in the order their handlers are tried. The
// conversation core never imports them: runtime.ts hands this list to composeConversation.
import { adminConversation } from "./admin/chat.js";
import { campaignConversation } from "./campaigns/chat.js";
import { childLinkConversation } from "./children/link-chat.js";
import type { ConversationDomain } from "./conversation/domain.js";
import { growthConversation } from "./growth/chat.js";
import { handoffConversation } from "./handoff/chat.js";
import { reminderConversation } from "./reminders/chat.js";

export const CONVERSATION_DOMAINS: readonly ConversationDomain[] = [
  childLinkConversation,
  adminConversation,
  handoffConversation,
  growthConversation,
  reminderConversation,
  campaignConversation,
];
