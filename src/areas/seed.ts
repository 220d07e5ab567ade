// Balangan's kecamatan and desa/kelurahan come from the idn-area-data package (Kemendagri
// codes, regency 63.11), not typed by hand, so a code change upstream is a package update away.
import { sql } from "drizzle-orm";
import { getDistricts, getRegencies, getVillages } from "idn-area-data";
import type { DbOrTx } from "../db/client.js";
import { areas } from "./areas.sql.js";

export const BALANGAN_CODE = "63.11";

type AreaRow = typeof areas.$inferInsert;

/** Title-cases Kemendagri's upper-case names ("KABUPATEN BALANGAN" → "Kabupaten Balangan"). */
function titleCase(name: string): string {
  return name.toLowerCase().replace(/(^|[\s(-])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase());
}

/** The regency, its kecamatan and its desa/kelurahan as rows to insert. */
export async function balanganAreas(regencyCode = BALANGAN_CODE): Promise<AreaRow[]> {
  const [regencies, districts, villages] = await Promise.all([getRegencies(), getDistricts(), getVillages()]);
  const regency = regencies.find((r) => r.code === regencyCode);
  if (!regency) throw new Error(`regency ${regencyCode} is not in idn-area-data`);
  const kecamatan = districts.filter((d) => d.regency_code === regencyCode);
  const codes = new Set(kecamatan.map((d) => d.code));
  const desa = villages.filter((v) => codes.has(v.district_code));
  return [
    { code: regency.code, level: "kabupaten", parentCode: null, name: titleCase(regency.name) },
    ...kecamatan.map((d) => ({ code: d.code, level: "kecamatan" as const, parentCode: regencyCode, name: d.name })),
    ...desa.map((v) => ({ code: v.code, level: "desa" as const, parentCode: v.district_code, name: v.name })),
  ];
}

/** Seeds the geography once; later starts find it there and do nothing. */
export async function seedAreas(db: DbOrTx): Promise<number> {
  const [{ count } = { count: 0 }] = await db.select({ count: sql<number>`count(*)::int` }).from(areas);
  if (count > 0) return 0;
  const rows = await balanganAreas();
  await db.insert(areas).values(rows).onConflictDoNothing();
  return rows.length;
}
