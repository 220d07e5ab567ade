// npm run check:backup: proves that a backup restores exactly, on the embedded database and (with
// DATABASE_URL) on a scratch database of the same PostgreSQL server. Each run: a fresh database with
// a small synthetic regency (npm run demo's generator), per-table fingerprints, backup, changes
// made after the backup (rows added and deleted), restore, fingerprints compared.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { sql } from "drizzle-orm";
import { loadConfig } from "../src/config/index.js";
import { backupDatabase, restoreDatabase, tableFingerprints, type BackupTarget } from "../src/db/backup.js";
import { createLogger } from "../src/lib/log.js";
import { createRuntime } from "../src/runtime.js";
import { fillDemo } from "./demo.js";

export interface CheckResult {
  engine: "pglite" | "postgres";
  tables: number;
  rows: number;
  differing: string[];
}

async function withRuntime<T>(target: BackupTarget, use: (rt: Awaited<ReturnType<typeof createRuntime>>) => Promise<T>): Promise<T> {
  const env = target.engine === "postgres" ? { DATABASE_URL: target.url } : { DATA_DIR: target.dataDir };
  const rt = await createRuntime(loadConfig({ ...env, WEB_CHAT: "false" }), { log: createLogger("silent") });
  try {
    return await use(rt);
  } finally {
    await rt.close();
  }
}

/** Backs up, changes, restores and compares one database; `target` must be empty or new. */
export async function checkBackupRestore(target: BackupTarget, workDir: string): Promise<CheckResult> {
  const before = await withRuntime(target, async (rt) => {
    await fillDemo(rt, { childrenPerPosyandu: 1, seed: 7, today: "2026-12-01", kecamatan: "63.11.06" });
    return tableFingerprints(rt.db);
  });
  const file = join(workDir, target.engine === "postgres" ? "check.dump" : "check.tar.gz");
  await backupDatabase(target, file);
  await withRuntime(target, async (rt) => {
    // What happens after a backup: new rows, removed rows.
    await rt.db.execute(sql`delete from measurements where id in (select id from measurements order by id limit 3)`);
    await rt.db.execute(
      sql`update children set name = 'changed after the backup' where id in (select id from children order by id limit 2)`,
    );
  });
  await restoreDatabase(target, file);
  const after = await withRuntime(target, (rt) => tableFingerprints(rt.db));
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return {
    engine: target.engine,
    tables: names.length,
    rows: Object.values(before).reduce((n, f) => n + Number(f.split(":")[0]), 0),
    differing: names.filter((n) => before[n] !== after[n]),
  };
}

/** A scratch database beside the one DATABASE_URL names; dropped afterwards. */
export async function withScratchPostgres<T>(baseUrl: string, use: (url: string) => Promise<T>): Promise<T> {
  const { default: postgres } = await import("../src/db/postgres.js");
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  const name = `balanting_backup_check_${process.pid}_${Date.now()}`;
  await admin.unsafe(`create database ${name}`);
  try {
    const url = new URL(baseUrl);
    url.pathname = `/${name}`;
    return await use(url.toString());
  } finally {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end({ timeout: 5 });
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "balanting-backup-"));
  let failed = false;
  const report = (r: CheckResult) => {
    const ok = r.differing.length === 0;
    failed ||= !ok;
    console.log(
      `${r.engine}: ${r.tables} tables, ${r.rows} rows backed up; after restore ${ok ? "identical" : `DIFFERENT in ${r.differing.join(", ")}`}`,
    );
  };
  try {
    report(await checkBackupRestore({ engine: "pglite", dataDir: join(work, "data") }, work));
    if (process.env.DATABASE_URL) {
      report(await withScratchPostgres(process.env.DATABASE_URL, (url) => checkBackupRestore({ engine: "postgres", url }, work)));
    } else {
      console.log("postgres: skipped (set DATABASE_URL to check PostgreSQL too)");
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`check:backup: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
