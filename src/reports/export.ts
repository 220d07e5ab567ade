// Exports of measurements in the e-PPGBM layout, streamed: rows are read in keyset-ordered batches
// (never the whole table in memory) and written as CSV or XLSX as they come.
import { PassThrough, Readable } from "node:stream";
import { and, asc, eq, gt, gte, isNull, lte, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { stringify } from "csv-stringify";
import ExcelJS from "exceljs";
import { reportScope, type Viewer } from "./scope.js";
import { areas } from "../areas/areas.sql.js";
import { children } from "../children/children.sql.js";
import type { DbOrTx } from "../db/client.js";
import { measurements } from "../growth/growth.sql.js";
import { posyandu, puskesmas, puskesmasDesa } from "../health-units/health-units.sql.js";
import type { I18n } from "../i18n/index.js";
import type { NikVault } from "../children/nik.js";
import { EPPGBM_HEADER, eppgbmLine, type ExportRow } from "./eppgbm.js";

/** Rows read per query: small enough to keep memory flat, large enough to keep round trips few. */
const BATCH = 2_000;

export interface ExportFilter {
  from: string;
  to: string;
  desaCode?: string;
  posyanduId?: string;
}

const desaArea = alias(areas, "desa_area");
const kecArea = alias(areas, "kec_area");

/** Valid measurements in the caller's area, as export rows (in no particular order). */
/** e-PPGBM needs the NIK itself: the audited export is the one place it leaves the vault. */
export async function* exportRows(db: DbOrTx, i18n: I18n, vault: NikVault, principal: Viewer, f: ExportFilter): AsyncGenerator<ExportRow> {
  // Labels looked up once per status, not once per row.
  const labels = new Map<string, string>();
  const label = (index: string, code: string | null) => {
    if (!code) return null;
    const key = `${index}.${code}`;
    let text = labels.get(key);
    if (text === undefined) labels.set(key, (text = i18n.t("id", `growth:status.${key}`)));
    return text;
  };
  let after: string | null = null;
  for (;;) {
    const page = await db
      .select({
        id: measurements.id,
        measuredOn: measurements.measuredOn,
        weightKg: measurements.weightKg,
        lengthCm: measurements.lengthCm,
        position: measurements.position,
        muacCm: measurements.muacCm,
        zwei: measurements.zwei,
        zlen: measurements.zlen,
        zwfl: measurements.zwfl,
        statusBbu: measurements.statusBbu,
        statusTbu: measurements.statusTbu,
        statusBbtb: measurements.statusBbtb,
        growthCode: measurements.growthCode,
        twoT: measurements.twoT,
        nik: children.nik,
        name: children.name,
        sex: children.sex,
        birthDate: children.birthDate,
        motherName: children.motherName,
        desa: desaArea.name,
        kecamatan: kecArea.name,
        puskesmas: puskesmas.name,
        posyandu: posyandu.name,
      })
      .from(measurements)
      .innerJoin(children, eq(children.id, measurements.childId))
      .leftJoin(desaArea, eq(desaArea.code, children.desaCode))
      .leftJoin(kecArea, eq(kecArea.code, sql`substring(${children.desaCode} from 1 for 8)`))
      .leftJoin(puskesmasDesa, eq(puskesmasDesa.desaCode, children.desaCode))
      .leftJoin(puskesmas, eq(puskesmas.id, puskesmasDesa.puskesmasId))
      .leftJoin(posyandu, eq(posyandu.id, children.posyanduId))
      .where(
        and(
          reportScope(principal, { desaCode: children.desaCode, posyanduId: children.posyanduId }),
          isNull(measurements.cancelledAt),
          gte(measurements.measuredOn, f.from),
          lte(measurements.measuredOn, f.to),
          f.desaCode ? eq(children.desaCode, f.desaCode) : undefined,
          f.posyanduId ? eq(children.posyanduId, f.posyanduId) : undefined,
          after ? gt(measurements.id, after) : undefined,
        ),
      )
      // Keyset over the primary key: each batch is an index range, however far the export has got.
      .orderBy(asc(measurements.id))
      .limit(BATCH);
    for (const r of page) {
      yield {
        nik: vault.open(r.nik),
        name: r.name,
        sex: r.sex,
        birthDate: r.birthDate,
        motherName: r.motherName,
        kecamatan: r.kecamatan,
        puskesmas: r.puskesmas,
        desa: r.desa,
        posyandu: r.posyandu,
        measuredOn: r.measuredOn,
        weightKg: r.weightKg,
        lengthCm: r.lengthCm,
        position: r.position,
        muacCm: r.muacCm,
        bbu: label("bbu", r.statusBbu),
        zwei: r.zwei,
        tbu: label("tbu", r.statusTbu),
        zlen: r.zlen,
        bbtb: label("bbtb", r.statusBbtb),
        zwfl: r.zwfl,
        growthCode: r.twoT ? "T" : r.growthCode,
      };
    }
    const last = page.at(-1);
    if (!last || page.length < BATCH) return;
    after = last.id;
  }
}

/** Counts what was written, for the audit entry written once the stream has ended. */
export interface Counter {
  rows: number;
}

/** Lines of a table as CSV with a header row and a BOM (spreadsheets then read UTF-8 names right). */
export function tableCsv(header: readonly string[], lines: AsyncIterable<string[]> | Iterable<string[]>, counter: Counter): Readable {
  const csv = stringify({ header: true, columns: [...header], bom: true });
  void (async () => {
    try {
      for await (const line of lines) {
        counter.rows++;
        if (!csv.write(line)) await new Promise((resolve) => csv.once("drain", resolve));
      }
      csv.end();
    } catch (err) {
      csv.destroy(err as Error);
    }
  })();
  return csv;
}

/** Lines of a table as XLSX written row by row (exceljs's streaming writer): memory stays flat. */
export function tableXlsx(sheetName: string, header: readonly string[], lines: AsyncIterable<string[]> | Iterable<string[]>, counter: Counter): Readable {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName);
  void (async () => {
    try {
      sheet.addRow([...header]).commit();
      for await (const line of lines) {
        counter.rows++;
        sheet.addRow(line).commit();
      }
      sheet.commit();
      await workbook.commit();
    } catch (err) {
      out.destroy(err as Error);
    }
  })();
  return out;
}

async function* linesOf(rows: AsyncIterable<ExportRow>): AsyncGenerator<string[]> {
  for await (const r of rows) yield eppgbmLine(r);
}

/** The e-PPGBM rows as CSV; NIK and codes stay text (no spreadsheet number conversion on import). */
export const csvStream = (rows: AsyncIterable<ExportRow>, counter: Counter): Readable => tableCsv(EPPGBM_HEADER, linesOf(rows), counter);

/** The e-PPGBM rows as XLSX. */
export const xlsxStream = (rows: AsyncIterable<ExportRow>, counter: Counter): Readable => tableXlsx("e-PPGBM", EPPGBM_HEADER, linesOf(rows), counter);
