// Exports of measurements in the e-PPGBM layout, streamed: rows come from the database a batch at
// a time (never the whole export in memory) and are written as CSV or XLSX as they come.
import { PassThrough, Readable, type Writable } from "node:stream";
import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { reportScope, type Viewer } from "./scope.js";
import { areas } from "../areas/areas.sql.js";
import { children } from "../children/children.sql.js";
import { queryRows, type DbOrTx } from "../db/client.js";
import { measurements } from "../growth/growth.sql.js";
import { posyandu, puskesmas, puskesmasDesa } from "../health-units/health-units.sql.js";
import type { I18n } from "../i18n/index.js";
import type { NikVault } from "../children/nik.js";
import { EPPGBM_HEADER, csvField, eppgbmCells, type ExportRow } from "./eppgbm.js";

/**
 * Rows per cursor fetch on PostgreSQL: a batch is alive while it is written, and what is alive
 * when the young generation is collected is copied, then promoted, and makes V8 grow its heap.
 * 100 rows keep that small for a round trip per ~27 kB of CSV (BENCHMARKS.md "Reports").
 */
const CURSOR_ROWS = 100;
/** Rows per keyset page on PGlite: each page is a query of its own inside the process. */
const PAGE_ROWS = 1_000;
/** Bytes of CSV per chunk sent. */
const CHUNK_BYTES = 64 * 1024;

export interface ExportFilter {
  from: string;
  to: string;
  desaCode?: string;
  posyanduId?: string;
}

/**
 * One row as the query gives it, as an array in the select's order (dates as text, so both drivers
 * agree). Arrays, not objects: a driver builds an object with 22 keys one key at a time, and that
 * was most of what an export allocated per row.
 */
export type QueryRow = readonly [
  measuredOn: string,
  weightKg: number | null,
  lengthCm: number | null,
  position: "lying" | "standing" | null,
  muacCm: number | null,
  zwei: number | null,
  zlen: number | null,
  zwfl: number | null,
  statusBbu: string | null,
  statusTbu: string | null,
  statusBbtb: string | null,
  growthCode: string | null,
  twoT: boolean,
  nik: string | null,
  name: string,
  sex: "L" | "P",
  birthDate: string,
  motherName: string | null,
  desa: string | null,
  kecamatan: string | null,
  puskesmas: string | null,
  posyandu: string | null,
];

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
    select ${measurements.measuredOn}::text, ${measurements.weightKg}, ${measurements.lengthCm}, ${measurements.position}, ${measurements.muacCm},
      ${measurements.zwei}, ${measurements.zlen}, ${measurements.zwfl}, ${measurements.statusBbu}, ${measurements.statusTbu}, ${measurements.statusBbtb},
      ${measurements.growthCode}, ${measurements.twoT},
      ${children.nik}, ${children.name}, ${children.sex}, ${children.birthDate}::text, ${children.motherName},
      desa_area.name, kecamatan_area.name, ${puskesmas.name}, ${posyandu.name}
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
  unsafe(query: string, params: unknown[]): { values(): { cursor(rows: number): AsyncIterable<QueryRow[]> } };
}
interface PgliteArrays {
  query(query: string, params: unknown[], options: { rowMode: "array" }): Promise<{ rows: QueryRow[] }>;
}

/**
 * The export's rows in batches. On PostgreSQL a server-side cursor (postgres.js `cursor()`) reads
 * the one ordered query as the stream asks for more; leaving the loop closes it. PGlite has no
 * cursor outside a transaction, and a transaction would hold its only connection for as long as
 * the download takes (and one query for all keys builds the whole result in memory), so there a
 * page of keys is read, then those rows, a batch at a time.
 */
async function* batches(db: DbOrTx, principal: Viewer, f: ExportFilter): AsyncGenerator<QueryRow[]> {
  // drizzle keeps the driver on its session; rows are read from it as arrays (see QueryRow).
  const client = (db as unknown as { session: { client: unknown } }).session.client;
  const dialect = new PgDialect();
  if (typeof (client as PostgresJsCursor).unsafe === "function") {
    const query = dialect.sqlToQuery(exportQuery(principal, f));
    yield* (client as PostgresJsCursor).unsafe(query.sql, query.params).values().cursor(CURSOR_ROWS);
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
        order by ${measurements.measuredOn}, ${measurements.id} limit ${PAGE_ROWS}`,
    );
    if (keys.length === 0) return;
    const page = dialect.sqlToQuery(
      exportQuery(principal, f, sql`${measurements.id} = any(${`{${keys.map((k) => k.id).join(",")}}`}::uuid[])`),
    );
    yield (await (client as PgliteArrays).query(page.sql, page.params, { rowMode: "array" })).rows;
    if (keys.length < PAGE_ROWS) return;
    after = keys.at(-1)!;
  }
}

/** The layout's view of the query's rows, and what turning one into the other needs. */
export interface ExportSource {
  /** The query's rows, a batch at a time. */
  batches: AsyncIterable<readonly QueryRow[]> | Iterable<readonly QueryRow[]>;
  /** The row in the layout's terms: one object refilled at every call (read it before the next). */
  row(r: QueryRow): ExportRow;
}

/** Opened NIK kept per export (a child has a row per month): at most this many, then started over. */
const NIK_MEMO = 50_000;

/**
 * The export's rows. Nothing is made per row but what the row's text needs: an export runs to
 * 100,000s of rows, and what each row leaves behind is what the process's memory grows by
 * (BENCHMARKS.md "Reports"). e-PPGBM needs the NIK itself: the audited export is the one place it
 * leaves the vault; each child's is opened once per export, not once per measurement.
 */
export function exportSource(db: DbOrTx, i18n: I18n, vault: NikVault, principal: Viewer, f: ExportFilter): ExportSource {
  // Labels looked up once per status, not once per row.
  const labels = new Map<string, string>();
  const label = (index: string, code: string | null) => {
    if (!code) return null;
    const key = `${index}.${code}`;
    let text = labels.get(key);
    if (text === undefined) labels.set(key, (text = i18n.t("id", `growth:status.${key}`)));
    return text;
  };
  const niks = new Map<string, string | null>();
  const nikOf = (sealed: string | null) => {
    if (sealed === null) return null;
    let nik = niks.get(sealed);
    if (nik === undefined) {
      if (niks.size >= NIK_MEMO) niks.clear();
      niks.set(sealed, (nik = vault.open(sealed)));
    }
    return nik;
  };
  const out: ExportRow = {
    nik: null,
    name: "",
    sex: "L",
    birthDate: "",
    motherName: null,
    kecamatan: null,
    puskesmas: null,
    desa: null,
    posyandu: null,
    measuredOn: "",
    weightKg: null,
    lengthCm: null,
    position: null,
    muacCm: null,
    bbu: null,
    zwei: null,
    tbu: null,
    zlen: null,
    bbtb: null,
    zwfl: null,
    growthCode: null,
  };
  return {
    batches: batches(db, principal, f),
    row(r) {
      out.measuredOn = r[0];
      out.weightKg = r[1];
      out.lengthCm = r[2];
      out.position = r[3];
      out.muacCm = r[4];
      out.zwei = r[5];
      out.zlen = r[6];
      out.zwfl = r[7];
      out.bbu = label("bbu", r[8]);
      out.tbu = label("tbu", r[9]);
      out.bbtb = label("bbtb", r[10]);
      out.growthCode = r[12] ? "T" : r[11];
      out.nik = nikOf(r[13]);
      out.name = r[14];
      out.sex = r[15];
      out.birthDate = r[16];
      out.motherName = r[17];
      out.desa = r[18];
      out.kecamatan = r[19];
      out.puskesmas = r[20];
      out.posyandu = r[21];
      return out;
    },
  };
}

/** Counts what was written, for the audit entry written once the stream has ended. */
export interface Counter {
  rows: number;
}

/** A writable of node:stream or of the older readable-stream package (exceljs's zip uses that). */
interface AnyWritable {
  writableNeedDrain?: boolean;
  _writableState?: { needDrain?: boolean };
  on(event: "drain", listener: () => void): unknown;
  removeListener(event: "drain", listener: () => void): unknown;
}

/**
 * Waits until `stream` takes more (drain) or `reader` is gone (closed: the client went away);
 * false when gone, so the writer stops reading and leaving the loop releases the database cursor.
 */
function room(stream: AnyWritable, reader: Writable = stream as Writable): Promise<boolean> {
  if (reader.destroyed) return Promise.resolve(false);
  if (!(stream.writableNeedDrain ?? stream._writableState?.needDrain)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      stream.removeListener("drain", onDrain);
      reader.off("close", onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    stream.on("drain", onDrain);
    reader.on("close", onClose);
  });
}

/** The BOM makes spreadsheets read UTF-8 names right. */
const csvHeader = (header: readonly string[]) => `\uFEFF${header.map(csvField).join(",")}\n`;

/**
 * Chunks of text as a byte stream: Readable.from asks for the next only when the reader wants
 * more, and stops the source (closing the database cursor) if the reader goes away.
 */
const textStream = (chunks: AsyncIterable<string | Buffer> | Iterable<string | Buffer>): Readable =>
  Readable.from(chunks, { objectMode: false });

/**
 * A workbook with one sheet written row by row (exceljs's streaming writer); `fill` adds the rows
 * and awaits `more()` after each batch, which waits whenever the reader falls behind (memory stays
 * flat) and is false once the reader has gone.
 */
function xlsxOut(
  sheetName: string,
  header: readonly string[],
  fill: (addRow: (cells: readonly string[]) => void, more: () => Promise<boolean>) => Promise<boolean>,
): Readable {
  const out = new PassThrough();
  void (async () => {
    try {
      // Loaded when a spreadsheet is asked for: exceljs adds ~25 MB to the process (BENCHMARKS.md).
      const { default: ExcelJS } = await import("exceljs");
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
      const sheet = workbook.addWorksheet(sheetName);
      // exceljs copies the values into its own cells, so one array can carry every row.
      const addRow = (cells: readonly string[]) => sheet.addRow(cells).commit();
      // exceljs hands the sheet's XML to the zip compressor without waiting for it (exceljs 4.4),
      // so a fast database fills the compressor's input (~50 MB per 100,000 rows when it was not
      // waited for). Waiting for that stream too keeps the rows read in step with the zip.
      const zipInput = () => (sheet as unknown as { _stream?: { pipes?: AnyWritable[] } })._stream?.pipes?.[0];
      const more = async () => {
        const zip = zipInput();
        return (!zip || (await room(zip, out))) && room(out);
      };
      addRow(header);
      if (!(await fill(addRow, more))) return;
      sheet.commit();
      await workbook.commit();
    } catch (err) {
      out.destroy(err as Error);
    }
  })();
  return out;
}

/** A small table (recaps) as CSV. */
export function tableCsv(header: readonly string[], lines: readonly (readonly string[])[], counter: Counter): Readable {
  counter.rows += lines.length;
  return textStream([csvHeader(header), ...lines.map((l) => `${l.map(csvField).join(",")}\n`)]);
}

/** A small table (recaps) as XLSX. */
export function tableXlsx(sheetName: string, header: readonly string[], lines: readonly (readonly string[])[], counter: Counter): Readable {
  return xlsxOut(sheetName, header, (addRow) => {
    for (const line of lines) addRow(line);
    counter.rows += lines.length;
    return Promise.resolve(true);
  });
}

/**
 * The e-PPGBM rows as CSV; NIK and codes stay text (no spreadsheet number conversion on import).
 * Each field is written straight into a 64 kB chunk (no line string, CSV library call or string
 * to bytes conversion per row), and a full chunk goes out as it is.
 */
export function csvStream(source: ExportSource, counter: Counter): Readable {
  async function* chunks() {
    yield Buffer.from(csvHeader(EPPGBM_HEADER));
    const cells: string[] = [];
    let buf = Buffer.allocUnsafeSlow(CHUNK_BYTES);
    let at = 0;
    for await (const batch of source.batches) {
      for (const r of batch) {
        eppgbmCells(source.row(r), cells);
        for (let i = 0; i < cells.length; i++) {
          const field = csvField(cells[i]!);
          // A UTF-16 unit is at most 3 bytes of UTF-8.
          if (at + 3 * field.length + 1 > buf.length) {
            if (at > 0) yield buf.subarray(0, at);
            buf = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, 3 * field.length + 1));
            at = 0;
          }
          at += buf.write(field, at);
          buf[at++] = i === cells.length - 1 ? 10 : 44;
        }
      }
      counter.rows += batch.length;
    }
    if (at > 0) yield buf.subarray(0, at);
  }
  return textStream(chunks());
}

/** The e-PPGBM rows as XLSX. */
export function xlsxStream(source: ExportSource, counter: Counter): Readable {
  return xlsxOut("e-PPGBM", EPPGBM_HEADER, async (addRow, more) => {
    const cells: string[] = [];
    for await (const batch of source.batches) {
      for (const r of batch) addRow(eppgbmCells(source.row(r), cells));
      counter.rows += batch.length;
      if (!(await more())) return false;
    }
    return true;
  });
}
