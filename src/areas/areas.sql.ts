import { index, pgTable, text } from "drizzle-orm/pg-core";

/** Kabupaten → kecamatan → desa/kelurahan, seeded from the idn-area-data package (Kemendagri codes). */
export const areas = pgTable(
  "areas",
  {
    /** Kemendagri code with dots: 63.11 (kabupaten), 63.11.06 (kecamatan), 63.11.06.2001 (desa). */
    code: text("code").primaryKey(),
    level: text("level", { enum: ["kabupaten", "kecamatan", "desa"] }).notNull(),
    parentCode: text("parent_code"),
    name: text("name").notNull(),
  },
  (t) => [index("areas_parent_idx").on(t.parentCode)],
);
