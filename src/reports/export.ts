// Exports of measurements in the e-PPGBM layout, streamed: rows come from the database a batch at
// a time (never the whole export in memory) and are written as CSV or XLSX as they come.
import { PassThrough, Readable, type Writable } from "node:stream";
import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { stringify as stringifyCsv } from "csv-stringify/sync";
import { reportScope, type Viewer } from "./scope.js";
import { areas } from "../areas/areas.sql.js";
import { children } from "../children/children.sql.js";
import { queryRows, type DbOrTx } from "../db/client.js";
import { measurements } from "../growth/growth.sql.js";
import { posyandu, puskesmas, puskesmasDesa } from "../health-units/health-units.sql.js";
import type { I18n } from "../i18n/index.js";
import type { NikVault } from "../children/nik.js";
import { EPPGBM_HEADER, eppgbmLine, type ExportRow } from "./eppgbm.js";

/** Rows per batch: small enough to keep memory flat, large enough to keep round trips few. */
const BATCH = 1_000;

export interface ExportFilter {
  from: string;
  to: string;
  desaCode?: string;
  posyanduId?: string;
}

/** One row as the query gives it (dates as text, so both drivers agree). */
interface RawRow {
  measured_on: string;
  weight_kg: number | null;
  length_cm: number | null;
  position: "lying" | "standing" | null;
  muac_cm: number | null;
  zwei: number | null;
  zlen: number | null;
  zwfl: number | null;
  status_bbu: string | null;
  status_tbu: string | null;
  status_bbtb: string | null;
  growth_code: string | null;
  two_t: boolean;
  nik: string | null;
  name: string;
  sex: "L" | "P";
  birth_date: string;
  mother_name: string | null;
  desa: string | null;
  kecamatan: string | null;
  puskesmas: string | null;
  posyandu: string | null;
}

/** The valid measurements the export covers, in the caller's area. */
function exportedWhere(principal: Viewer, f: ExportFilter): SQL {
  return sql.join(
    [
      reportScope(principal, { desaCode: children.desaCode, posyanduId: children.posyanduId }),
      sql`${measurements.cancelledAt} is null`,
      sql`${measurements.measuredOn} >= ${f.from}::date and ${measurements.measuredOn} <= ${f.to}::date`,
      ...(f.desaCode ? [sql`${children.desaCode} = ${f.desaCode}`] : []),
      ...(f.posyanduId ? [sql`${children.posyanduId} = ${f.posyanduId}::uuid`] : []),
    ],
    sql` and `,
  );
}

/** The export's columns for the measurements in `only` (or all that `exportedWhere` admits), by date. */
function exportQuery(principal: Viewer, f: ExportFilter, only?: SQL): SQL {
  return sql`
    select ${measurements.measuredOn}::text as measured_on, ${measurements.weightKg} as weight_kg, ${measurements.lengthCm} as length_cm,
      ${measurements.position} as position, ${measurements.muacCm} as muac_cm, ${measurements.zwei} as zwei, ${measurements.zlen} as zlen,
      ${measurements.zwfl} as zwfl, ${measurements.statusBbu} as status_bbu, ${measurements.statusTbu} as status_tbu,
      ${measurements.statusBbtb} as status_bbtb, ${measurements.growthCode} as growth_code, ${measurements.twoT} as two_t,
      ${children.nik} as nik, ${children.name} as name, ${children.sex} as sex, ${children.birthDate}::text as birth_date,
      ${children.motherName} as mother_name,
      desa_area.name as desa, kecamatan_area.name as kecamatan, ${puskesmas.name} as puskesmas, ${posyandu.name} as posyandu
    from ${measurements} join ${children} on ${children.id} = ${measurements.childId}
      left join ${areas} desa_area on desa_area.code = ${children.desaCode}
      left join ${areas} kecamatan_area on kecamatan_area.code = substring(${children.desaCode} from 1 for 8)
      left join ${puskesmasDesa} on ${puskesmasDesa.desaCode} = ${children.desaCode}
      left join ${puskesmas} on ${puskesmas.id} = ${puskesmasDesa.puskesmasId}
      left join ${posyandu} on ${posyandu.id} = ${children.posyanduId}
    where ${exportedWhere(principal, f)} ${only ? sql`and ${only}` : sql``}
    order by ${measurements.measuredOn}, ${measurements.id}`;
}

interface PostgresJsCursor {
  unsafe(query: string, params: unknown[]): { cursor(rows: number): AsyncIterable<RawRow[]> };
}

/**
 * The export's rows in batches. On PostgreSQL a server-side cursor (postgres.js `cursor()`) reads
 * the one ordered query as the stream asks for more; leaving the loop closes it. PGlite has no
 * cursor outside a transaction, and a transaction would hold its only connection for as long as
 * the download takes (and one query for all keys builds the whole result in memory), so there a
 * page of keys is read, then those rows, a batch at a time.
 */
async function* batches(db: DbOrTx, principal: Viewer, f: ExportFilter): AsyncGenerator<RawRow[]> {
  const client = (db as unknown as { session: { client: unknown } }).session.client;
  if (typeof (client as PostgresJsCursor).unsafe === "function") {
    const query = new PgDialect().sqlToQuery(exportQuery(principal, f));
    yield* (client as PostgresJsCursor).unsafe(query.sql, query.params).cursor(BATCH);
    return;
  }
  // Keyset pages over the ordered key (measured_on, id), which the index measurements_valid_by_date_idx
  // gives in order: each page is an index range, however far the export has got.
  let after: { day: string; id: string } | null = null;
  for (;;) {
    const keys: { id: string; day: string }[] = await queryRows<{ id: string; day: string }>(
      db,
      sql`select ${measurements.id} as id, ${measurements.measuredOn}::text as day
        from ${measurements} join ${children} on ${children.id} = ${measurements.childId}
        where ${exportedWhere(principal, f)}
          ${after ? sql`and (${measurements.measuredOn}, ${measurements.id}) > (${after.day}::date, ${after.id}::uuid)` : sql``}
        order by ${measurements.measuredOn}, ${measurements.id} limit ${BATCH}`,
    );
    if (keys.length === 0) return;
    yield await queryRows<RawRow & Record<string, unknown>>(db, exportQuery(principal, f, sql`${measurements.id} = any(${`{${keys.map((k) => k.id).join(",")}}`}::uuid[])`));
    if (keys.length < BATCH) return;
    after = keys.at(-1)!;
  }
}

/**
 * The export's rows, a batch at a time (each batch is turned into output in one go, so its rows
 * die young and memory stays flat). e-PPGBM needs the NIK itself: the audited export is the one
 * place it leaves the vault.
 */
export async function* exportBatches(db: DbOrTx, i18n: I18n, vault: NikVault, principal: Viewer, f: ExportFilter): AsyncGenerator<ExportRow[]> {
  // Labels looked up once per status, not once per row.
  const labels = new Map<string, string>();
  const label = (index: string, code: string | null) => {
    if (!code) return null;
    const key = `${index}.${code}`;
    let text = labels.get(key);
    if (text === undefined) labels.set(key, (text = i18n.t("id", `growth:status.${key}`)));
    return text;
  };
  for await (const batch of batches(db, principal, f)) {
    yield batch.map((r) => ({
      nik: vault.open(r.nik),
      name: r.name,
      sex: r.sex,
      birthDate: r.birth_date,
      motherName: r.mother_name,
      kecamatan: r.kecamatan,
      puskesmas: r.puskesmas,
      desa: r.desa,
      posyandu: r.posyandu,
      measuredOn: r.measured_on,
      weightKg: r.weight_kg,
      lengthCm: r.length_cm,
      position: r.position,
      muacCm: r.muac_cm,
      bbu: label("bbu", r.status_bbu),
      zwei: r.zwei,
      tbu: label("tbu", r.status_tbu),
      zlen: r.zlen,
      bbtb: label("bbtb", r.status_bbtb),
      zwfl: r.zwfl,
      growthCode: r.two_t ? "T" : r.growth_code,
    }));
  }
}

/** Counts what was written, for the audit entry written once the stream has ended. */
export interface Counter {
  rows: number;
}

/**
 * Waits until `stream` takes more (drain) or is gone (closed: the client went away); false when
 * gone, so the writer stops reading and leaving the loop releases the database cursor.
 */
function room(stream: Writable): Promise<boolean> {
  if (stream.destroyed) return Promise.resolve(false);
  if (!stream.writableNeedDrain) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      stream.off("drain", onDrain);
      stream.off("close", onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    stream.on("drain", onDrain);
    stream.on("close", onClose);
  });
}

type Lines = AsyncIterable<string[][]> | Iterable<string[][]>;

/**
 * Batches of lines as CSV with a header row and a BOM (spreadsheets then read UTF-8 names right).
 * A batch is stringified in one go; Readable.from asks for the next only when the reader wants
 * more, and stops the source (closing the database cursor) if the reader goes away.
 */
export function csvBatches(header: readonly string[], batches: Lines, counter: Counter): Readable {
  async function* chunks() {
    yield `\uFEFF${stringifyCsv([[...header]])}`;
    for await (const lines of batches) {
      counter.rows += lines.length;
      if (lines.length > 0) yield stringifyCsv(lines);
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

/**
 * Batches of lines as XLSX written row by row (exceljs's streaming writer), waiting whenever the
 * reader falls behind: memory stays flat.
 */
export function xlsxBatches(sheetName: string, header: readonly string[], batches: Lines, counter: Counter): Readable {
  const out = new PassThrough();
  void (async () => {
    try {
      // Loaded when a spreadsheet is asked for: exceljs adds ~25 MB to the process (BENCHMARKS.md).
      const { default: ExcelJS } = await import("exceljs");
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
      const sheet = workbook.addWorksheet(sheetName);
      sheet.addRow([...header]).commit();
      for await (const lines of batches) {
        counter.rows += lines.length;
        for (const line of lines) sheet.addRow(line).commit();
        if (!(await room(out))) return;
      }
      sheet.commit();
      await workbook.commit();
    } catch (err) {
      out.destroy(err as Error);
    }
  })();
  return out;
}

/** A small table (recaps) as CSV. */
export const tableCsv = (header: readonly string[], lines: string[][], counter: Counter): Readable => csvBatches(header, [lines], counter);

/** A small table (recaps) as XLSX. */
export const tableXlsx = (sheetName: string, header: readonly string[], lines: string[][], counter: Counter): Readable => xlsxBatches(sheetName, header, [lines], counter);

async function* linesOf(batches: AsyncIterable<ExportRow[]>): AsyncGenerator<string[][]> {
  for await (const rows of batches) yield rows.map(eppgbmLine);
}

/** The e-PPGBM rows as CSV; NIK and codes stay text (no spreadsheet number conversion on import). */
export const csvStream = (batches: AsyncIterable<ExportRow[]>, counter: Counter): Readable => csvBatches(EPPGBM_HEADER, linesOf(batches), counter);

/** The e-PPGBM rows as XLSX. */
export const xlsxStream = (batches: AsyncIterable<ExportRow[]>, counter: Counter): Readable => xlsxBatches("e-PPGBM", EPPGBM_HEADER, linesOf(batches), counter);
