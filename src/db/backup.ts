// Backup and restore of the whole database, for both engines:
// - PostgreSQL: pg_dump's custom format (consistent while the service runs) and pg_restore into
//   the database DATABASE_URL names (stop the service first; the restore replaces every object).
// - PGlite: the data folder as a gzipped tar (PGlite's dumpDataDir), taken under the folder's lock,
//   so the service must be stopped; restored into an empty folder (the old one is kept aside).
// The file holds children's health data: README says where to keep it (encrypted, off the server).
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "./client.js";
import { lockDataDir } from "./data-dir-lock.js";

export type BackupTarget = { engine: "pglite"; dataDir: string } | { engine: "postgres"; url: string };

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupError";
  }
}

/** Runs a PostgreSQL client tool; its stderr becomes the error message (it never holds row data). */
function run(command: string, args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (err) =>
      fail(new BackupError(`${command} could not run (${err.message}); install the PostgreSQL client tools of the server's major version`)),
    );
    child.on("close", (code) => (code === 0 ? done() : fail(new BackupError(`${command} failed (exit ${code}): ${stderr.trim()}`))));
  });
}

/** Writes a backup of the target to `file`. */
export async function backupDatabase(target: BackupTarget, file: string): Promise<void> {
  const out = resolve(file);
  if (target.engine === "postgres") {
    await run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", `--file=${out}`, `--dbname=${target.url}`]);
    return;
  }
  if (!existsSync(target.dataDir)) throw new BackupError(`no embedded database at ${target.dataDir}`);
  const release = lockDataDir(target.dataDir); // refuses while the service holds the folder
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const db = new PGlite(target.dataDir);
    try {
      await db.waitReady;
      const tar = await db.dumpDataDir("gzip");
      writeFileSync(out, Buffer.from(await tar.arrayBuffer()));
    } finally {
      await db.close();
    }
  } finally {
    release();
  }
}

/**
 * Restores `file` into the target. PostgreSQL: objects are dropped and recreated in one
 * transaction, so a failed restore leaves the database as it was. PGlite: a non-empty data folder
 * is moved aside to `<folder>.before-restore-<time>` (never deleted) and the backup unpacked.
 */
export async function restoreDatabase(target: BackupTarget, file: string, now = new Date()): Promise<{ keptAside?: string }> {
  const input = resolve(file);
  if (!existsSync(input)) throw new BackupError(`no backup file at ${input}`);
  if (target.engine === "postgres") {
    await run("pg_restore", [
      "--clean",
      "--if-exists",
      "--no-owner",
      "--no-privileges",
      "--single-transaction",
      `--dbname=${target.url}`,
      input,
    ]);
    return {};
  }
  const dir = resolve(target.dataDir);
  let keptAside: string | undefined;
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    lockDataDir(dir)(); // throws while the service runs on it; released at once otherwise
    keptAside = `${dir}.before-restore-${now.toISOString().replace(/[:.]/g, "-")}`;
    renameSync(dir, keptAside);
  }
  const release = lockDataDir(dir);
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const db = new PGlite({ dataDir: dir, loadDataDir: new Blob([readFileSync(input)]) });
    await db.waitReady;
    await db.close();
  } finally {
    release();
  }
  return keptAside ? { keptAside } : {};
}

/**
 * One fingerprint per table of the public schema (row count and an md5 over the rows in a fixed
 * order), so a restore can be checked against the state that was backed up.
 */
export async function tableFingerprints(db: Db): Promise<Record<string, string>> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  const result: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await queryRows<{ n: string | number; h: string | null }>(
      db,
      sql.raw(
        `select count(*) as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from public."${name.replace(/"/g, '""')}" t`,
      ),
    );
    result[name] = `${Number(row?.n ?? 0)}:${row?.h ?? ""}`;
  }
  return result;
}
