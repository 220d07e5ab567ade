import { integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { staffAccounts } from "../admin/accounts.sql.js";
import { areas } from "../areas/areas.sql.js";

/**
 * Desa lokus: the focus villages of stunting convergence the Bupati names by decree each year
 * (Perpres 72/2021 on accelerating stunting reduction; locus set by SK Bupati). Figures can be
 * limited to them or to the rest, to compare.
 */
export const desaLokus = pgTable("desa_lokus", {
  desaCode: text("desa_code")
    .primaryKey()
    .references(() => areas.code),
  /** The year of the decree that names the desa. */
  year: integer("year").notNull(),
  /** The decree, e.g. "SK Bupati Balangan 188.45/…/2026", as the Pokja writes it. */
  decree: text("decree"),
  markedBy: uuid("marked_by").references(() => staffAccounts.id, { onDelete: "set null" }),
  markedAt: timestamp("marked_at", { withTimezone: true }).notNull().defaultNow(),
});
