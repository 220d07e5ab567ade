// The puskesmas of Kabupaten Balangan and the desa each serves, seeded on a new installation so
// the first DAFTAR, referral or danger-sign answer already has a puskesmas for the person's desa.
// Staff correct any of it through the admin API (PATCH /api/v1/puskesmas/{id} {desaCodes}).
//
// Provenance (public knowledge, not an official register): each of Balangan's 8 kecamatan has a
// puskesmas named after it (Paringin, Lampihong, Awayan, Halong, Tebing Tinggi seen in Dinkes
// P2KB Balangan news; Juai, Batumandi, Paringin Selatan by the same pattern). Uren, Lokbatu and
// Tanah Habang are named in news of 2018 (metro7.co.id, "Balangan bangun satu puskesmas dan dua
// poskesdes"); Tundakan is UNCERTAIN. For these four the desa they serve beyond their namesake
// desa is UNCERTAIN: they get their namesake desa only, the rest of the kecamatan stays with the
// kecamatan's puskesmas. Check against Kemenkes "Data Dasar Puskesmas" (kode 6311).
import { sql } from "drizzle-orm";
import { areas } from "../areas/areas.sql.js";
import type { DbOrTx } from "../db/client.js";
import { puskesmas, puskesmasDesa } from "./health-units.sql.js";

export interface SeedPuskesmas {
  name: string;
  /** Every desa of this kecamatan not given to another puskesmas below. */
  kecamatan?: string;
  /** These desa exactly. */
  desa?: string[];
  uncertain?: true;
}

export const BALANGAN_PUSKESMAS: readonly SeedPuskesmas[] = [
  { name: "Puskesmas Juai", kecamatan: "63.11.01" },
  { name: "Puskesmas Halong", kecamatan: "63.11.02" },
  { name: "Puskesmas Awayan", kecamatan: "63.11.03" },
  { name: "Puskesmas Batumandi", kecamatan: "63.11.04" },
  { name: "Puskesmas Lampihong", kecamatan: "63.11.05" },
  { name: "Puskesmas Paringin", kecamatan: "63.11.06" },
  { name: "Puskesmas Paringin Selatan", kecamatan: "63.11.07" },
  { name: "Puskesmas Tebing Tinggi", kecamatan: "63.11.08" },
  { name: "Puskesmas Uren", desa: ["63.11.02.2019"], uncertain: true }, // Uren, Kec. Halong
  { name: "Puskesmas Tundakan", desa: ["63.11.03.2010"], uncertain: true }, // Tundakan, Kec. Awayan
  { name: "Puskesmas Lokbatu", desa: ["63.11.04.2002"], uncertain: true }, // Lok Batu, Kec. Batu Mandi
  { name: "Puskesmas Tanah Habang", desa: ["63.11.05.2001", "63.11.05.2003"], uncertain: true }, // Tanah Habang Kiri/Kanan, Kec. Lampihong
];

/** Which puskesmas serves each desa, from the list above and the seeded desa codes. */
export function puskesmasCoverage(list: readonly SeedPuskesmas[], desaCodes: readonly string[]): Map<string, string[]> {
  const known = new Set(desaCodes);
  const taken = new Set(list.flatMap((p) => p.desa ?? []).filter((c) => known.has(c)));
  const coverage = new Map<string, string[]>();
  for (const p of list) {
    const desa = p.desa ? p.desa.filter((c) => known.has(c)) : desaCodes.filter((c) => c.startsWith(`${p.kecamatan}.`) && !taken.has(c));
    coverage.set(p.name, desa);
  }
  return coverage;
}

/** Seeds the puskesmas once, on an installation that has none; later starts do nothing. */
export async function seedPuskesmas(db: DbOrTx): Promise<number> {
  const [{ count } = { count: 0 }] = await db.select({ count: sql<number>`count(*)::int` }).from(puskesmas);
  if (Number(count) > 0) return 0;
  const desaCodes = (
    await db
      .select({ code: areas.code })
      .from(areas)
      .where(sql`${areas.level} = 'desa'`)
  ).map((r) => r.code);
  const coverage = puskesmasCoverage(BALANGAN_PUSKESMAS, desaCodes);
  let made = 0;
  for (const [name, desa] of coverage) {
    if (desa.length === 0) continue;
    const [row] = await db.insert(puskesmas).values({ name }).onConflictDoNothing().returning();
    if (!row) continue;
    await db
      .insert(puskesmasDesa)
      .values(desa.map((desaCode) => ({ puskesmasId: row.id, desaCode })))
      .onConflictDoNothing();
    made++;
  }
  return made;
}
