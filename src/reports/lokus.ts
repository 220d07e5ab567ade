// The desa lokus list: read by every staff account, replaced by the Pokja as a whole when the
// Bupati's yearly decree names the focus villages.
import { asc, eq, inArray } from "drizzle-orm";
import { areas } from "../areas/areas.sql.js";
import type { DbOrTx } from "../db/client.js";
import { recordAudit, type AuditActor } from "../platform/audit.js";
import { badField } from "../platform/errors.js";
import type { Runtime } from "../runtime.js";
import { desaLokus } from "./reports.sql.js";

export interface LokusDesa {
  desaCode: string;
  desaName: string;
  kecamatanCode: string;
  year: number;
  decree: string | null;
}

export async function listLokus(db: DbOrTx): Promise<LokusDesa[]> {
  const rows = await db
    .select({
      desaCode: desaLokus.desaCode,
      desaName: areas.name,
      kecamatanCode: areas.parentCode,
      year: desaLokus.year,
      decree: desaLokus.decree,
    })
    .from(desaLokus)
    .innerJoin(areas, eq(areas.code, desaLokus.desaCode))
    .orderBy(asc(areas.parentCode), asc(areas.name));
  return rows.map((r) => ({ ...r, kecamatanCode: r.kecamatanCode ?? "" }));
}

/** Desa codes of the list that are not desa of the regency's area table. */
export async function unknownDesa(db: DbOrTx, codes: readonly string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const found = await db
    .select({ code: areas.code, level: areas.level })
    .from(areas)
    .where(inArray(areas.code, [...codes]));
  const desa = new Set(found.filter((a) => a.level === "desa").map((a) => a.code));
  return codes.filter((c) => !desa.has(c));
}

/** Replaces the whole list (the decree names all of them at once); returns before and after. */
export async function replaceLokus(
  db: DbOrTx,
  list: { desaCodes: readonly string[]; year: number; decree: string | null },
  accountId: string,
  now: Date,
) {
  const before = await db
    .select({ desaCode: desaLokus.desaCode, year: desaLokus.year, decree: desaLokus.decree })
    .from(desaLokus)
    .for("update");
  await db.delete(desaLokus);
  const codes = [...new Set(list.desaCodes)];
  if (codes.length > 0) {
    await db
      .insert(desaLokus)
      .values(codes.map((desaCode) => ({ desaCode, year: list.year, decree: list.decree, markedBy: accountId, markedAt: now })));
  }
  return { before, after: { desaCodes: codes, year: list.year, decree: list.decree } };
}

/**
 * The Pokja replaces the list when a new decree is out: every code must be a desa of the regency;
 * the change and its audit entry in one transaction.
 */
export async function changeLokus(
  rt: Pick<Runtime, "db" | "clock">,
  by: { actor: AuditActor; accountId: string },
  list: { desaCodes: readonly string[]; year: number; decree: string | null },
): Promise<void> {
  const unknown = await unknownDesa(rt.db, list.desaCodes);
  if (unknown.length > 0) throw badField("body.desaCodes", `not desa of the regency: ${unknown.join(", ")}`);
  const now = rt.clock.now();
  await rt.db.transaction(async (tx) => {
    const { before, after } = await replaceLokus(tx, list, by.accountId, now);
    await recordAudit(tx, {
      actor: by.actor,
      action: "desa_lokus.replace",
      entity: "desa_lokus",
      entityId: String(list.year),
      before: { items: before },
      after,
      at: now,
    });
  });
}
