// Pokja campaigns (issue 17): targeted broadcasts in Indonesian and Banjar, approved, scheduled or
// repeating, sent exactly once through the outbound engine's bulk lane, with delivery reports.
export { campaignRoutes } from "./routes.js";
export { campaignJob, campaignTick } from "./job.js";
export { registerCampaignConversations, stopAfterCampaign, recordCampaignStatuses } from "./chat.js";
export { CAMPAIGN_KIND } from "./send.js";
export * from "./campaigns.sql.js";
