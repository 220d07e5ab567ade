// Keeping the list of puskesmas (with the desa each serves) and posyandu (in a desa, with its
// monthly day). Reads are limited to the caller's area; who may write is checked by the caller
// (the Pokja manages puskesmas; pokja_admin, puskesmas and bidan manage posyandu in their area).
// Every write is audited. Used by the admin API; callable from a CLI or a job.
import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import { areas } from "../areas/areas.sql.js";
import { staffAccounts } from "../admin/accounts.sql.js";
import { contacts } from "../contacts/contacts.sql.js";
import type { DbOrTx } from "../db/client.js";
import { recordAudit, type AuditActor } from "../platform/audit.js";
import { badField, conflict, forbidden, notFound, pgErrorCode, UNIQUE_VIOLATION } from "../platform/errors.js";
import { desaInScope, whereInScope, type ScopePrincipal } from "../platform/scope.js";
import { syncPosyanduDays } from "../reminders/index.js";
import type { Runtime } from "../runtime.js";
import { posyandu, puskesmas, puskesmasDesa } from "./health-units.sql.js";

export type PuskesmasRow = typeof puskesmas.$inferSelect;
export type PosyanduRow = typeof posyandu.$inferSelect;

/** A puskesmas with the desa it serves, as the API shows it and the audit log keeps it. */
export interface PuskesmasRecord {
  id: string;
  name: string;
  desaCodes: string[];
  createdAt: string;
}

/** Who manages: their area and how the audit log names them. */
export interface Manager {
  principal: ScopePrincipal;
  actor: AuditActor;
}

export interface Paging {
  limit: number;
  offset: number;
}

const puskesmasRecord = (p: PuskesmasRow, desa: string[]): PuskesmasRecord => ({
  id: p.id,
  name: p.name,
  desaCodes: desa,
  createdAt: p.createdAt.toISOString(),
});

/** A puskesmas is in scope when it serves a desa the caller reaches; the Pokja also sees those with no desa yet. */
function puskesmasScope(p: ScopePrincipal) {
  if (p.role === "pokja_admin") return undefined;
  return sql`exists (select 1 from ${puskesmasDesa} where ${puskesmasDesa.puskesmasId} = ${puskesmas.id} and ${whereInScope(p, { desaCode: puskesmasDesa.desaCode })})`;
}

const posyanduScope = (p: ScopePrincipal) => whereInScope(p, { desaCode: posyandu.desaCode, posyanduId: posyandu.id });

async function desaOf(db: DbOrTx, puskesmasId: string): Promise<string[]> {
  const rows = await db
    .select({ code: puskesmasDesa.desaCode })
    .from(puskesmasDesa)
    .where(eq(puskesmasDesa.puskesmasId, puskesmasId))
    .orderBy(asc(puskesmasDesa.desaCode));
  return rows.map((r) => r.code);
}

async function assertAllDesa(db: DbOrTx, codes: string[]): Promise<void> {
  if (codes.length === 0) return;
  const found = await db
    .select({ code: areas.code })
    .from(areas)
    .where(and(inArray(areas.code, codes), eq(areas.level, "desa")));
  const known = new Set(found.map((f) => f.code));
  codes.forEach((code, i) => {
    if (!known.has(code)) throw badField(`body.desaCodes[${i}]`, "is not a desa/kelurahan of Balangan");
  });
}

/** Sets the desa a puskesmas serves; a desa already served by another puskesmas is a conflict. */
async function setDesa(db: DbOrTx, puskesmasId: string, codes: string[]): Promise<void> {
  await db.delete(puskesmasDesa).where(eq(puskesmasDesa.puskesmasId, puskesmasId));
  if (codes.length === 0) return;
  try {
    await db.insert(puskesmasDesa).values(codes.map((c) => ({ puskesmasId, desaCode: c })));
  } catch (err) {
    if (pgErrorCode(err) === UNIQUE_VIOLATION)
      throw conflict("desa_already_served", "A desa in desaCodes is already served by another puskesmas");
    throw err;
  }
}

const nameTaken = (err: unknown): unknown =>
  pgErrorCode(err) === UNIQUE_VIOLATION ? conflict("name_taken", "A puskesmas with that name exists") : err;

// --- puskesmas ---

export async function listPuskesmas(db: DbOrTx, p: ScopePrincipal, page: Paging): Promise<{ items: PuskesmasRecord[]; total: number }> {
  const where = puskesmasScope(p);
  const rows = await db.select().from(puskesmas).where(where).orderBy(asc(puskesmas.name)).limit(page.limit).offset(page.offset);
  const [total] = await db.select({ n: count() }).from(puskesmas).where(where);
  const items = await Promise.all(rows.map(async (row) => puskesmasRecord(row, await desaOf(db, row.id))));
  return { items, total: Number(total?.n ?? 0) };
}

export async function getPuskesmas(db: DbOrTx, p: ScopePrincipal, id: string): Promise<PuskesmasRecord> {
  const [row] = await db
    .select()
    .from(puskesmas)
    .where(and(eq(puskesmas.id, id), puskesmasScope(p)));
  if (!row) throw notFound("Puskesmas");
  return puskesmasRecord(row, await desaOf(db, row.id));
}

export async function createPuskesmas(rt: Runtime, by: Manager, input: { name: string; desaCodes?: string[] }): Promise<PuskesmasRecord> {
  const now = rt.clock.now();
  const codes = input.desaCodes ?? [];
  return rt.db.transaction(async (tx) => {
    await assertAllDesa(tx, codes);
    let row: PuskesmasRow | undefined;
    try {
      [row] = await tx.insert(puskesmas).values({ name: input.name.trim(), createdAt: now }).returning();
    } catch (err) {
      throw nameTaken(err);
    }
    const p = row as PuskesmasRow;
    await setDesa(tx, p.id, codes);
    const record = puskesmasRecord(p, [...codes].sort());
    await recordAudit(tx, { actor: by.actor, action: "puskesmas.create", entity: "puskesmas", entityId: p.id, after: record, at: now });
    return record;
  });
}

/** Renames a puskesmas and/or replaces the desa it serves. */
export async function updatePuskesmas(
  rt: Runtime,
  by: Manager,
  id: string,
  change: { name?: string; desaCodes?: string[] },
): Promise<PuskesmasRecord> {
  const now = rt.clock.now();
  return rt.db.transaction(async (tx) => {
    const [row] = await tx.select().from(puskesmas).where(eq(puskesmas.id, id)).for("update");
    if (!row) throw notFound("Puskesmas");
    const before = puskesmasRecord(row, await desaOf(tx, row.id));
    let after = row;
    if (change.name !== undefined) {
      try {
        [after = row] = await tx.update(puskesmas).set({ name: change.name.trim() }).where(eq(puskesmas.id, row.id)).returning();
      } catch (err) {
        throw nameTaken(err);
      }
    }
    if (change.desaCodes) {
      await assertAllDesa(tx, change.desaCodes);
      await setDesa(tx, row.id, change.desaCodes);
    }
    const record = puskesmasRecord(after, await desaOf(tx, row.id));
    await recordAudit(tx, {
      actor: by.actor,
      action: "puskesmas.update",
      entity: "puskesmas",
      entityId: row.id,
      before,
      after: record,
      at: now,
    });
    return record;
  });
}

/** Deletes a puskesmas no staff account belongs to. */
export async function deletePuskesmas(rt: Runtime, by: Manager, id: string): Promise<void> {
  const now = rt.clock.now();
  await rt.db.transaction(async (tx) => {
    const [row] = await tx.select().from(puskesmas).where(eq(puskesmas.id, id)).for("update");
    if (!row) throw notFound("Puskesmas");
    const [used] = await tx.select({ n: count() }).from(staffAccounts).where(eq(staffAccounts.puskesmasId, row.id));
    if (Number(used?.n ?? 0) > 0)
      throw conflict("puskesmas_in_use", "Staff accounts belong to this puskesmas; deactivate or move them first");
    const before = puskesmasRecord(row, await desaOf(tx, row.id));
    await tx.delete(puskesmas).where(eq(puskesmas.id, row.id));
    await recordAudit(tx, { actor: by.actor, action: "puskesmas.delete", entity: "puskesmas", entityId: row.id, before, at: now });
  });
}

// --- posyandu ---

export async function listPosyandu(
  db: DbOrTx,
  p: ScopePrincipal,
  filter: Paging & { desaCode?: string },
): Promise<{ rows: PosyanduRow[]; total: number }> {
  const where = and(posyanduScope(p), filter.desaCode ? eq(posyandu.desaCode, filter.desaCode) : undefined);
  const rows = await db
    .select()
    .from(posyandu)
    .where(where)
    .orderBy(asc(posyandu.desaCode), asc(posyandu.name))
    .limit(filter.limit)
    .offset(filter.offset);
  const [total] = await db.select({ n: count() }).from(posyandu).where(where);
  return { rows, total: Number(total?.n ?? 0) };
}

export async function getPosyandu(db: DbOrTx, p: ScopePrincipal, id: string): Promise<PosyanduRow> {
  const [row] = await db
    .select()
    .from(posyandu)
    .where(and(eq(posyandu.id, id), posyanduScope(p)));
  if (!row) throw notFound("Posyandu");
  return row;
}

/** Creates a posyandu in a desa of the caller's area. */
export async function createPosyandu(
  rt: Runtime,
  by: Manager,
  input: { name: string; desaCode: string; dayOfMonth?: number },
): Promise<PosyanduRow> {
  const now = rt.clock.now();
  return rt.db.transaction(async (tx) => {
    if (!(await desaInScope(tx, by.principal, input.desaCode))) {
      const [known] = await tx.select({ level: areas.level }).from(areas).where(eq(areas.code, input.desaCode));
      if (known?.level !== "desa") throw badField("body.desaCode", "is not a desa/kelurahan of Balangan");
      throw forbidden("That desa is outside your area");
    }
    const [created] = await tx
      .insert(posyandu)
      .values({ name: input.name.trim(), desaCode: input.desaCode, dayOfMonth: input.dayOfMonth ?? null, createdAt: now })
      .returning();
    const p = created as PosyanduRow;
    await recordAudit(tx, { actor: by.actor, action: "posyandu.create", entity: "posyandu", entityId: p.id, after: p, at: now });
    return p;
  });
}

/**
 * Renames a posyandu of the caller's area, moves it to another desa of that area or changes its
 * monthly day; the families of the posyandu are reminded of a new day from now on.
 */
export async function updatePosyandu(
  rt: Runtime,
  by: Manager,
  id: string,
  change: { name?: string; desaCode?: string; dayOfMonth?: number | null },
): Promise<PosyanduRow> {
  const now = rt.clock.now();
  return rt.db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(posyandu)
      .where(and(eq(posyandu.id, id), posyanduScope(by.principal)))
      .for("update");
    if (!before) throw notFound("Posyandu");
    const { name, desaCode: newDesa, dayOfMonth: day } = change;
    if (newDesa !== undefined && !(await desaInScope(tx, by.principal, newDesa))) throw forbidden("That desa is outside your area");
    const [after] = await tx
      .update(posyandu)
      .set({
        ...(name !== undefined ? { name: name.trim() } : {}),
        ...(newDesa !== undefined ? { desaCode: newDesa } : {}),
        ...(day !== undefined ? { dayOfMonth: day } : {}),
      })
      .where(eq(posyandu.id, before.id))
      .returning();
    if (day !== undefined && day !== before.dayOfMonth) await syncPosyanduDays(rt, tx, { posyanduId: before.id });
    await recordAudit(tx, { actor: by.actor, action: "posyandu.update", entity: "posyandu", entityId: before.id, before, after, at: now });
    return after as PosyanduRow;
  });
}

/** Deletes a posyandu of the caller's area with no kader or people assigned. */
export async function deletePosyandu(rt: Runtime, by: Manager, id: string): Promise<void> {
  const now = rt.clock.now();
  await rt.db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(posyandu)
      .where(and(eq(posyandu.id, id), posyanduScope(by.principal)))
      .for("update");
    if (!before) throw notFound("Posyandu");
    const [accounts] = await tx.select({ n: count() }).from(staffAccounts).where(eq(staffAccounts.posyanduId, before.id));
    const [people] = await tx.select({ n: count() }).from(contacts).where(eq(contacts.posyanduId, before.id));
    if (Number(accounts?.n ?? 0) + Number(people?.n ?? 0) > 0) {
      throw conflict("posyandu_in_use", "Kader or people are assigned to this posyandu; move them first");
    }
    // Children still on it lose their posyandu (on delete set null), so their plans lose its day.
    await tx.update(posyandu).set({ dayOfMonth: null }).where(eq(posyandu.id, before.id));
    await syncPosyanduDays(rt, tx, { posyanduId: before.id });
    await tx.delete(posyandu).where(eq(posyandu.id, before.id));
    await recordAudit(tx, { actor: by.actor, action: "posyandu.delete", entity: "posyandu", entityId: before.id, before, at: now });
  });
}
