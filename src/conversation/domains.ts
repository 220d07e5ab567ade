// Domain modules that take part in conversations (kader reports, reminder replies, …) register
// their handlers and dialogues here, once, when the first inbound sink is created.
import { registerAdminConversations } from "../admin/chat.js";
import { registerChildLinkConversations } from "../children/link-chat.js";
import { registerHandoffConversations } from "../handoff/chat.js";
import { registerGrowthConversations } from "../growth/chat.js";
import { registerReminderConversations } from "../reminders/chat.js";
import { registerCampaignConversations } from "../campaigns/index.js";

let registered = false;

export function registerDomainConversations(): void {
  if (registered) return;
  registered = true;
  registerChildLinkConversations();
  registerAdminConversations();
  registerHandoffConversations();
  registerGrowthConversations();
  registerReminderConversations();
  registerCampaignConversations();
}
