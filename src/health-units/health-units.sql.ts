import { integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { areas } from "../areas/areas.sql.js";

/** A puskesmas and the desa it serves. Created by staff: no verified public list exists. */
export const puskesmas = pgTable("puskesmas", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().unique(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const puskesmasDesa = pgTable(
  "puskesmas_desa",
  {
    puskesmasId: uuid("puskesmas_id")
      .notNull()
      .references(() => puskesmas.id, { onDelete: "cascade" }),
    desaCode: text("desa_code")
      .notNull()
      .unique()
      .references(() => areas.code),
  },
  (t) => [primaryKey({ columns: [t.puskesmasId, t.desaCode] })],
);

/** A posyandu in a desa, with its monthly day (day of month, 1–31; short months use their last day). */
export const posyandu = pgTable("posyandu", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  desaCode: text("desa_code")
    .notNull()
    .references(() => areas.code),
  dayOfMonth: integer("day_of_month"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
