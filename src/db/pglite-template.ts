// A new embedded database starts from a prepared copy instead of being created from nothing:
// PGlite's initdb and the migrations take ≈ 6 s on a quiet 2-core machine (far more on a busy
// one), copying a prepared folder well under a second. `npm install` prepares the copy
// (scripts/warm-cache.ts, run by the `prepare` script) in node_modules/.cache, keyed by a hash of
// the migrations and the PGlite version, so a copy made for other migrations is never used. It
// holds only the empty schema: seeding and everything per installation (keys, accounts) happens
// at start as before. Without a usable copy the database is created the ordinary way.
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const CACHE_DIR = fileURLToPath(new URL("../../node_modules/.cache/balanting/", import.meta.url));
const MIGRATIONS_DIR = fileURLToPath(new URL("../../migrations/", import.meta.url));
const PGLITE_PACKAGE = fileURLToPath(new URL("../../node_modules/@electric-sql/pglite/package.json", import.meta.url));

/** True when the folder holds no PostgreSQL cluster yet (a lock file of ours may be there). */
export function isNewDataDir(dataDir: string): boolean {
  return !existsSync(join(dataDir, "PG_VERSION"));
}

export function templateKey(migrationsDir: string = MIGRATIONS_DIR): string {
  const hash = createHash("sha256").update(readFileSync(PGLITE_PACKAGE));
  const files = readdirSync(migrationsDir, { recursive: true, encoding: "utf8" }).sort();
  for (const f of files) {
    const path = join(migrationsDir, f);
    if (f.endsWith(".sql") || f.endsWith(".json")) hash.update(f).update(readFileSync(path));
  }
  return hash.digest("hex").slice(0, 24);
}

export function templateDir(cacheDir: string = CACHE_DIR): string {
  return join(cacheDir, `pglite-template-${templateKey()}`);
}

/** Copies the prepared cluster into a new data folder; false when there is none for these migrations. */
export function copyTemplateInto(dataDir: string, cacheDir: string = CACHE_DIR): boolean {
  const template = templateDir(cacheDir);
  if (!existsSync(join(template, "PG_VERSION"))) return false;
  try {
    cpSync(template, dataDir, { recursive: true });
    return true;
  } catch {
    // A half-copied cluster must not be opened: clear what was copied and create it anew.
    for (const f of readdirSync(dataDir)) if (f !== "balanting.lock") rmSync(join(dataDir, f), { recursive: true, force: true });
    return false;
  }
}

/**
 * Prepares the copy: `build` creates and migrates a cluster in the folder it is given (then
 * closes it); the folder is renamed into place only when complete, so a reader never sees half.
 */
export async function prepareTemplate(build: (dir: string) => Promise<void>, cacheDir: string = CACHE_DIR): Promise<string> {
  const target = templateDir(cacheDir);
  if (existsSync(join(target, "PG_VERSION"))) return target;
  mkdirSync(cacheDir, { recursive: true });
  const draft = `${target}.${process.pid}.draft`;
  rmSync(draft, { recursive: true, force: true });
  await build(draft);
  rmSync(join(draft, "balanting.lock"), { force: true });
  try {
    renameSync(draft, target);
  } catch (err) {
    rmSync(draft, { recursive: true, force: true });
    if (!existsSync(join(target, "PG_VERSION"))) throw err; // another process won the race otherwise
  }
  return target;
}
