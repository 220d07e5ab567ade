// What each role may use in the console, mirroring the API's own guards (the API still decides:
// a page a role may not use would only show the API's 403).
export type Role = "pokja_admin" | "puskesmas" | "bidan" | "kader";

export interface NavItem {
  path: string;
  /** Key under console:nav. */
  key: string;
  roles: readonly Role[];
}

const ALL: readonly Role[] = ["pokja_admin", "puskesmas", "bidan", "kader"];
/** POST /api/v1/referrals/:id/acknowledge|outcome (src/growth/routes.ts FOLLOWERS). */
export const FOLLOWERS: readonly Role[] = ["pokja_admin", "puskesmas"];
/** /api/v1/handoff-questions (src/handoff/routes.ts ANSWERERS). */
export const ANSWERERS: readonly Role[] = ["pokja_admin", "puskesmas", "bidan"];
/** /api/v1/kader-approvals (src/admin/routes/kader.ts approvers). */
export const APPROVERS: readonly Role[] = ["pokja_admin", "puskesmas"];
/** POST /api/v1/reports/imports/eppgbm. */
export const IMPORTERS: readonly Role[] = ["pokja_admin", "puskesmas", "bidan"];

/** PUT /api/v1/faq/topics/:id, DELETE /api/v1/knowledge/backlog/:id (src/knowledge/routes.ts). */
export const EDITORS: readonly Role[] = ["pokja_admin"];
/** POST/PATCH /api/v1/accounts (src/admin/accounts.ts MANAGES). */
export const MANAGERS: readonly Role[] = ["pokja_admin", "puskesmas"];
/** GET /api/v1/audit and the WhatsApp pairing (pokja_admin only). */
export const ADMINS: readonly Role[] = ["pokja_admin"];

/** /api/v1/campaigns (src/campaigns/manage.ts CAMPAIGN_ROLES). */
export const CAMPAIGNERS: readonly Role[] = ["pokja_admin", "puskesmas", "bidan"];

export const NAV: readonly NavItem[] = [
  { path: "/konsol", key: "home", roles: ALL },
  { path: "/konsol/tindak-lanjut", key: "followUp", roles: ALL },
  { path: "/konsol/kotak-masuk", key: "inbox", roles: ANSWERERS },
  { path: "/konsol/kader", key: "kader", roles: APPROVERS },
  { path: "/konsol/kampanye", key: "campaigns", roles: CAMPAIGNERS },
  { path: "/konsol/ekspor", key: "exports", roles: ALL },
  { path: "/konsol/konten", key: "content", roles: ALL },
  { path: "/konsol/whatsapp", key: "whatsapp", roles: ADMINS },
  { path: "/konsol/akun", key: "account", roles: ALL },
];

export const may = (roles: readonly Role[], role: string): boolean => (roles as readonly string[]).includes(role);

export const navFor = (role: string): NavItem[] => NAV.filter((item) => may(item.roles, role));
