// Every table of the service, gathered for drizzle's typed queries. Tables live beside the
// domain code that uses them (`*.sql.ts`); drizzle-kit finds them by glob (drizzle.config.ts).
export * from "../areas/areas.sql.js";
export * from "../health-units/health-units.sql.js";
export * from "../contacts/contacts.sql.js";
export * from "../channels/channels.sql.js";
export * from "../admin/accounts.sql.js";
export * from "../admin/audit.sql.js";
export * from "../children/children.sql.js";
export * from "../growth/growth.sql.js";
export * from "../handoff/handoff.sql.js";
export * from "../knowledge/backlog.sql.js";
export * from "../knowledge/overrides.sql.js";
export * from "../reminders/reminders.sql.js";
export * from "../campaigns/campaigns.sql.js";
