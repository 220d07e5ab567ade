// Importing a posyandu's history from e-PPGBM: checked rows (import-file.ts) are matched to the
// regency's desa, posyandu and children, then either reported (dry run) or written all together
// in one transaction, with z-scores, statuses and weight-gain codes computed by the service as for
// a kader's report. Any problem stops the whole import: nothing half-written.
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { areas } from "../areas/areas.sql.js";
import { children } from "../children/children.sql.js";
import { insertChild, type Child } from "../children/index.js";
import type { NikVault } from "../children/nik.js";
import type { Db, DbOrTx } from "../db/client.js";
import { measurements } from "../growth/growth.sql.js";
import { evaluateReport, saveMeasurement } from "../growth/reports.js";
import { defaultPosition } from "../growth/rules.js";
import { ageInDays } from "../growth/zscore.js";
import { posyandu } from "../health-units/health-units.sql.js";
import { recordAudit, type AuditActor } from "../platform/audit.js";
import { localDateOf } from "../reminders/dates.js";
import type { Runtime } from "../runtime.js";
import { checkRows, gridOf, sniffKind, type FileKind, type ImportProblem, type ImportRow } from "./import-file.js";
import { reportScope, type Viewer } from "./scope.js";

/** Names compared without case, punctuation or the words e-PPGBM and people put in front. */
export const placeKey = (s: string) =>
  s
    .toUpperCase()
    .replace(/^(DESA|KEL\.?|KELURAHAN|POSYANDU|KEC\.?|KECAMATAN)\s+/, "")
    .replace(/[^A-Z0-9]/g, "");
const personKey = (s: string) => s.toUpperCase().replace(/[^A-Z]/g, "");

export interface ImportPlan {
  kind: FileKind;
  /** Data rows read (the header not counted). */
  rows: number;
  problems: ImportProblem[];
  children: { new: number; matched: number };
  measurements: { new: number; alreadyStored: number };
}

interface PlannedChild {
  existing: Child | null;
  values: {
    name: string;
    sex: "L" | "P";
    birthDate: string;
    nik: string | null;
    motherName: string | null;
    desaCode: string;
    posyanduId: string | null;
  };
  measurements: ImportRow[];
}

/** Reads, checks and matches a file; returns the plan and what writing it needs. */
export async function planImport(
  db: DbOrTx,
  vault: NikVault,
  viewer: Viewer,
  bytes: Buffer,
  today: string,
): Promise<{ plan: ImportPlan; work: PlannedChild[] }> {
  const read = await gridOf(bytes).catch(() => null);
  if (!read) {
    // A damaged workbook, or bytes that are no table at all: the whole file is the problem.
    const problems: ImportProblem[] = [{ row: 1, column: "", code: "file_unreadable" }];
    return {
      plan: { kind: sniffKind(bytes), rows: 0, problems, children: { new: 0, matched: 0 }, measurements: { new: 0, alreadyStored: 0 } },
      work: [],
    };
  }
  const { kind, rows: grid } = read;
  const { rows, problems } = checkRows(grid, today);
  const dataRows = Math.max(0, grid.length - 1);

  // Desa of the regency in the caller's area, by name (and kecamatan where two desa share a name).
  const desa = await db
    .select({ code: areas.code, name: areas.name, parentCode: areas.parentCode })
    .from(areas)
    .where(and(eq(areas.level, "desa"), reportScope(viewer, { desaCode: areas.code })));
  const kecamatan = await db.select({ code: areas.code, name: areas.name }).from(areas).where(eq(areas.level, "kecamatan"));
  const kecByKey = new Map(kecamatan.map((k) => [placeKey(k.name), k.code]));
  const desaByKey = new Map<string, (typeof desa)[number][]>();
  for (const d of desa) desaByKey.set(placeKey(d.name), [...(desaByKey.get(placeKey(d.name)) ?? []), d]);
  const units = await db.select({ id: posyandu.id, name: posyandu.name, desaCode: posyandu.desaCode }).from(posyandu);
  const unitByKey = new Map(units.map((u) => [`${u.desaCode}|${placeKey(u.name)}`, u.id]));

  const resolved: { row: ImportRow; desaCode: string; posyanduId: string | null }[] = [];
  for (const r of rows) {
    let candidates = desaByKey.get(placeKey(r.desa)) ?? [];
    if (candidates.length > 1 && r.kecamatan) candidates = candidates.filter((d) => d.parentCode === kecByKey.get(placeKey(r.kecamatan!)));
    if (candidates.length !== 1) {
      problems.push({ row: r.row, column: "Desa/Kel", code: candidates.length === 0 ? "desa_unknown" : "desa_ambiguous" });
      continue;
    }
    const desaCode = candidates[0]!.code;
    let posyanduId: string | null = null;
    if (r.posyandu) {
      posyanduId = unitByKey.get(`${desaCode}|${placeKey(r.posyandu)}`) ?? null;
      if (!posyanduId) {
        problems.push({ row: r.row, column: "Posyandu", code: "posyandu_unknown" });
        continue;
      }
    }
    resolved.push({ row: r, desaCode, posyanduId });
  }

  // Children already registered in these desa: matched by NIK, else by name + birth date + desa.
  const desaCodes = [...new Set(resolved.map((r) => r.desaCode))];
  const known = desaCodes.length ? await db.select().from(children).where(inArray(children.desaCode, desaCodes)) : [];
  const byNik = new Map(known.filter((c) => c.nikHash).map((c) => [c.nikHash!, c]));
  const byPerson = new Map(known.map((c) => [`${personKey(c.name)}|${c.birthDate}|${c.desaCode}`, c]));
  const planned = new Map<string, PlannedChild>();
  for (const { row, desaCode, posyanduId } of resolved) {
    const personId = `${personKey(row.name)}|${row.birthDate}|${desaCode}`;
    const existing = (row.nik ? byNik.get(vault.hashOf(row.nik)) : undefined) ?? byPerson.get(personId) ?? null;
    const key = existing ? `c:${existing.id}` : row.nik ? `n:${row.nik}` : `p:${personId}`;
    let p = planned.get(key);
    if (!p) {
      p = {
        existing,
        values: { name: row.name, sex: row.sex, birthDate: row.birthDate, nik: row.nik, motherName: row.motherName, desaCode, posyanduId },
        measurements: [],
      };
      planned.set(key, p);
    }
    const sex = existing?.sex ?? p.values.sex;
    const birth = existing?.birthDate ?? p.values.birthDate;
    if (row.sex !== sex) problems.push({ row: row.row, column: "JK", code: "sex_differs" });
    else if (row.birthDate !== birth) problems.push({ row: row.row, column: "Tgl Lahir", code: "birth_date_differs" });
    else if (p.measurements.some((m) => m.measuredOn === row.measuredOn))
      problems.push({ row: row.row, column: "Tanggal Pengukuran", code: "measured_twice" });
    else p.measurements.push(row);
  }

  // Measurements the service already holds (same child, same day) are not imported again.
  const existingIds = [...planned.values()].flatMap((p) => (p.existing ? [p.existing.id] : []));
  const stored = existingIds.length
    ? await db
        .select({ childId: measurements.childId, measuredOn: measurements.measuredOn })
        .from(measurements)
        .where(and(inArray(measurements.childId, existingIds), isNull(measurements.cancelledAt)))
    : [];
  const storedKeys = new Set(stored.map((m) => `${m.childId}|${m.measuredOn}`));
  let alreadyStored = 0;
  for (const p of planned.values()) {
    if (!p.existing) continue;
    const before = p.measurements.length;
    p.measurements = p.measurements.filter((m) => !storedKeys.has(`${p.existing!.id}|${m.measuredOn}`));
    alreadyStored += before - p.measurements.length;
  }
  const work = [...planned.values()];
  problems.sort((a, b) => a.row - b.row || a.column.localeCompare(b.column));
  return {
    plan: {
      kind,
      rows: dataRows,
      problems,
      children: { new: work.filter((p) => !p.existing).length, matched: work.filter((p) => p.existing).length },
      measurements: { new: work.reduce((n, p) => n + p.measurements.length, 0), alreadyStored },
    },
    work,
  };
}

/** Writes a plan without problems in one transaction; every measurement assessed as in chat. */
export async function applyImport(db: Db, vault: NikVault, work: readonly PlannedChild[], today: string, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    for (const p of work) {
      if (p.measurements.length === 0 && p.existing) continue;
      const child = p.existing ?? (await insertChild(tx, { ...p.values, ...vault.seal(p.values.nik), createdAt: now }));
      // Oldest first, so weight-gain codes (N/T) compare each weighing with the one before.
      for (const m of [...p.measurements].sort((a, b) => a.measuredOn.localeCompare(b.measuredOn))) {
        const age = ageInDays(child.birthDate, m.measuredOn);
        const values = {
          childId: child.id,
          measuredOn: m.measuredOn,
          ...(m.weightKg !== null ? { weightKg: m.weightKg } : {}),
          ...(m.lengthCm !== null
            ? { lengthCm: m.lengthCm, position: m.position ?? defaultPosition(Number.isFinite(age) ? age : null, undefined) }
            : {}),
          ...(m.muacCm !== null ? { muacCm: m.muacCm } : {}),
        };
        const ev = await evaluateReport(tx, child, values, today);
        await saveMeasurement(tx, child, ev, { sentByContactId: null, now, confirmed: true, source: "api" });
      }
    }
  });
  // A posyandu's history can double a table at once: refresh the planner's statistics now, or the
  // report queries may pick bad plans until autovacuum (PostgreSQL) or the nightly job (PGlite) does.
  await db.execute(sql`analyze children, measurements`);
}

/**
 * An e-PPGBM file from staff: planned (what would change, and the problems), and written only when
 * asked and free of problems (all rows or none), with its audit entry.
 */
export async function importEppgbm(
  rt: Runtime,
  by: { viewer: Viewer; actor: AuditActor },
  bytes: Buffer,
  write: boolean,
): Promise<{ plan: ImportPlan; applied: boolean }> {
  const now = rt.clock.now();
  const today = localDateOf(now);
  const { plan, work } = await planImport(rt.db, rt.nik, by.viewer, bytes, today);
  if (!write || plan.problems.length > 0) return { plan, applied: false };
  await applyImport(rt.db, rt.nik, work, today, now);
  await recordAudit(rt.db, {
    actor: by.actor,
    action: "import.eppgbm",
    entity: "import",
    entityId: today,
    after: { kind: plan.kind, rows: plan.rows, children: plan.children, measurements: plan.measurements },
    at: now,
  });
  return { plan, applied: true };
}
