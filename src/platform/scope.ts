// THE scoping helper. Every query over people, children, measurements, referrals and handoff
// questions that runs for a staff member (or a chat kader) adds `whereInScope(principal, …)` to its
// WHERE clause, so area limits hold in the database query itself, not only in route guards.
import { and, eq, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { areas } from "../areas/areas.sql.js";
import type { DbOrTx } from "../db/client.js";
import { posyandu, puskesmasDesa } from "../health-units/health-units.sql.js";
import type { StaffRole } from "../admin/accounts.sql.js";

/** Who is asking: a staff account, or a chat kader described the same way. */
export interface ScopePrincipal {
  role: StaffRole;
  /** role puskesmas: its puskesmas (which serves a set of desa). */
  puskesmasId: string | null;
  /** role bidan: its desa. */
  desaCode: string | null;
  /** role kader: its posyandu. */
  posyanduId: string | null;
}

/** The columns of a row that place it on the map; give whichever the table has. */
export interface ScopeColumns {
  desaCode?: AnyColumn | SQL;
  posyanduId?: AnyColumn | SQL;
}

const TRUE = sql`true`;
const FALSE = sql`false`;

function orAll(parts: SQL[]): SQL {
  if (parts.length === 0) return FALSE;
  if (parts.length === 1) return parts[0] as SQL;
  return sql`(${sql.join(parts, sql` or `)})`;
}

/** A row is in a set of desa if its desa is, or (lacking a desa) its posyandu lies in one. */
function inDesaSet(desaSet: SQL, columns: ScopeColumns): SQL {
  const parts: SQL[] = [];
  if (columns.desaCode) parts.push(sql`${columns.desaCode} in (${desaSet})`);
  if (columns.posyanduId) {
    parts.push(sql`${columns.posyanduId} in (select ${posyandu.id} from ${posyandu} where ${posyandu.desaCode} in (${desaSet}))`);
  }
  return orAll(parts);
}

/**
 * SQL condition limiting rows to the principal's area:
 * - pokja_admin: the whole regency (everything);
 * - puskesmas: rows in the desa its puskesmas serves (puskesmas_desa);
 * - bidan: rows in its desa;
 * - kader: rows of its posyandu only (a row known only by desa is out of reach).
 * A principal missing its area column reaches nothing (fails closed).
 */
export function whereInScope(principal: ScopePrincipal, columns: ScopeColumns): SQL {
  switch (principal.role) {
    case "pokja_admin":
      return TRUE;
    case "puskesmas": {
      if (!principal.puskesmasId) return FALSE;
      const served = sql`select ${puskesmasDesa.desaCode} from ${puskesmasDesa} where ${puskesmasDesa.puskesmasId} = ${principal.puskesmasId}`;
      return inDesaSet(served, columns);
    }
    case "bidan": {
      if (!principal.desaCode) return FALSE;
      return inDesaSet(sql`select ${principal.desaCode}::text`, columns);
    }
    case "kader": {
      if (!principal.posyanduId || !columns.posyanduId) return FALSE;
      return sql`${columns.posyanduId} = ${principal.posyanduId}::uuid`;
    }
    default:
      return FALSE;
  }
}

/** The area a principal reaches, spelled out (for /me and for pickers in a UI). */
export interface Scope {
  /** True for the whole regency. */
  all: boolean;
  /** Desa reached as a whole (empty for kader). */
  desaCodes: string[];
  /** Posyandu reached. */
  posyanduIds: string[];
}

export async function scopeFor(db: DbOrTx, principal: ScopePrincipal): Promise<Scope> {
  const desa = await db
    .select({ code: areas.code })
    .from(areas)
    .where(and(eq(areas.level, "desa"), whereInScope(principal, { desaCode: areas.code })))
    .orderBy(areas.code);
  const units = await db
    .select({ id: posyandu.id })
    .from(posyandu)
    .where(whereInScope(principal, { desaCode: posyandu.desaCode, posyanduId: posyandu.id }))
    .orderBy(posyandu.id);
  return { all: principal.role === "pokja_admin", desaCodes: desa.map((d) => d.code), posyanduIds: units.map((u) => u.id) };
}

/** True when the principal reaches this desa as a whole (to create things in it). */
export async function desaInScope(db: DbOrTx, principal: ScopePrincipal, desaCode: string): Promise<boolean> {
  const rows = await db
    .select({ code: areas.code })
    .from(areas)
    .where(and(eq(areas.code, desaCode), eq(areas.level, "desa"), whereInScope(principal, { desaCode: areas.code })));
  return rows.length > 0;
}

/** True when the posyandu exists and is in the principal's area. */
export async function posyanduInScope(db: DbOrTx, principal: ScopePrincipal, posyanduId: string): Promise<boolean> {
  const rows = await db
    .select({ id: posyandu.id })
    .from(posyandu)
    .where(and(eq(posyandu.id, posyanduId), whereInScope(principal, { desaCode: posyandu.desaCode, posyanduId: posyandu.id })));
  return rows.length > 0;
}
