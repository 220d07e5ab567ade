// Staff accounts, area scoping, the audit log and the admin API .
export { STAFF_ROLES, staffAccounts, staffChatLinks, type StaffRole } from "./accounts.sql.js";
export { auditLog } from "./audit.sql.js";
export { adminPlugin, type AdminPluginOptions, type AdminRouteOptions, type AdminRoutes } from "./plugin.js";
export { ajvOptions } from "../platform/http/validation.js";
export { whereInScope, scopeFor, desaInScope, posyanduInScope, type Scope, type ScopeColumns, type ScopePrincipal } from "./scope.js";
export { recordAudit, auditSnapshot, listAudit, ensureAuditAppendOnly, type AuditActor, type AuditEntry } from "./audit.js";
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
