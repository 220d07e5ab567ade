// Batch z-scores: `npm run --silent zscore -- <file.csv>` (or CSV on stdin) → CSV on stdout with the
// input columns plus WHO Anthro 1.1.0's clenhei, cbmi, c9mo_flag, z*/f* columns and the Permenkes
// statuses (code and label; blank where WHO flags the z or the input is invalid, see batch.ts).
// Streams, so 100,000 rows need no more memory than a few; a bad row gets an `error` cell.
import { createReadStream } from "node:fs";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parse } from "csv-parse";
import { OUTPUT_COLUMNS, assessRow } from "./batch.js";

class AssessRows extends Transform {
  private header: string[] | null = null;
  private extra: string[] = [];

  constructor() {
    super({ objectMode: true });
  }

  override _transform(record: string[], _enc: BufferEncoding, done: TransformCallback): void {
    if (this.header === null) {
      this.header = record.map((h) => h.trim());
      this.extra = OUTPUT_COLUMNS.filter((c) => !this.header?.includes(c));
      this.push([...this.header, ...this.extra]);
      return done();
    }
    const header = this.header;
    const row: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) row[header[i] as string] = record[i] ?? "";
    let out: Record<string, string>;
    try {
      out = assessRow(row);
    } catch (err) {
      // Never stop the run on one row.
      out = { error: `internal-error: ${(err as Error).message}` };
    }
    const cells: string[] = [];
    for (let i = 0; i < header.length; i++) {
      const h = header[i] as string;
      cells.push(h in out ? (out[h] ?? "") : (record[i] ?? ""));
    }
    for (const c of this.extra) cells.push(out[c] ?? "");
    this.push(cells);
    done();
  }
}

/** One CSV field (RFC 4180): quoted only when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Rows → CSV text in ~64 KiB blocks. Writing our own lines (the fields are numbers and codes, and
 * csvField quotes the rest) instead of csv-stringify, and not one write per row, halves the time
 * of a 100,000-row run.
 */
class CsvBlocks extends Transform {
  private parts: string[] = [];
  private size = 0;

  constructor() {
    super({ writableObjectMode: true });
  }

  override _transform(cells: string[], _enc: BufferEncoding, done: TransformCallback): void {
    const line = cells.map(csvField).join(",") + "\n";
    this.parts.push(line);
    this.size += line.length;
    if (this.size >= 65_536) this.drain();
    done();
  }

  override _flush(done: TransformCallback): void {
    this.drain();
    done();
  }

  private drain(): void {
    if (this.parts.length === 0) return;
    this.push(this.parts.join(""));
    this.parts = [];
    this.size = 0;
  }
}

async function main(): Promise<void> {
  const file = process.argv[2];
  const input = file && file !== "-" ? createReadStream(file) : process.stdin;
  let skipped = 0;
  const parser = parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, skip_records_with_error: true });
  parser.on("skip", (err: Error) => {
    skipped++;
    process.stderr.write(`zscore: skipped unreadable CSV record: ${err.message}\n`);
  });
  await pipeline(input, parser, new AssessRows(), new CsvBlocks(), process.stdout);
  if (skipped > 0) process.stderr.write(`zscore: ${skipped} record(s) skipped\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`zscore: ${(err as Error).message}\n`);
  process.exitCode = 2;
});
