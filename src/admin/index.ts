// Staff accounts, their chat links and the admin API. Area scope, the audit log, authentication
// and HTTP errors, which every domain uses, are in src/platform/.
export { STAFF_ROLES, staffAccounts, staffChatLinks, type StaffRole } from "./accounts.sql.js";
export { adminPlugin, type AdminPluginOptions, type AdminRouteOptions, type AdminRoutes } from "./plugin.js";
export { principalOf, mayManageRole, MANAGES } from "./accounts.js";
export type { StaffAccount } from "./auth.js";
export {
  redeemChatLinkCode,
  parseChatLinkCommand,
  chatLinkReplyKey,
  issueChatLinkCode,
  linkedContactIds,
  accountForContact,
  type ChatLinkResult,
} from "./chat-link.js";
export { maskPhone, peopleInScope, SEES_PHONE_NUMBERS } from "./people.js";
