// Every table of the service, gathered for drizzle's typed queries. Tables live beside the
// domain code that uses them (`*.sql.ts`); drizzle-kit finds them by glob (drizzle.config.ts).
export * from "../areas/areas.sql.js";
export * from "../health-units/health-units.sql.js";
export * from "../contacts/contacts.sql.js";
export * from "../channels/channels.sql.js";
