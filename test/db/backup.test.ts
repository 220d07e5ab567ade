// Backup and restore (npm run backup / restore): a database with a synthetic regency is backed up,
// changed, restored, and every table must read as it did at the backup. On PostgreSQL the check
// uses a scratch database on the same server.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkBackupRestore, withScratchPostgres } from "../../scripts/check-backup-restore.js";
import { BackupError, restoreDatabase } from "../../src/db/backup.js";
import { DataDirLockedError } from "../../src/db/data-dir-lock.js";
import { onPostgres } from "../helpers/runtime.js";

const work = mkdtempSync(join(tmpdir(), "balanting-backup-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("backup and restore", () => {
  it("restores every table exactly as it was backed up", async () => {
    const result = onPostgres
      ? await withScratchPostgres(process.env.DATABASE_URL as string, (url) => checkBackupRestore({ engine: "postgres", url }, work))
      : await checkBackupRestore({ engine: "pglite", dataDir: join(work, "data") }, work);
    expect(result.tables).toBeGreaterThan(20);
    expect(result.rows).toBeGreaterThan(100);
    expect(result.differing).toEqual([]);
  }, 300_000); // two start-ups, a demo regency and a restore: minutes on a busy machine

  it("refuses to restore a PGlite folder the running service holds, and says why", async () => {
    const dir = join(work, "busy");
    writeFileSync(join(work, "any.tar.gz"), "");
    mkdirSync(dir);
    writeFileSync(join(dir, "PG_VERSION"), "17");
    // The lock as the service leaves it: the pid of another live process (our parent here).
    writeFileSync(join(dir, "balanting.lock"), String(process.ppid));
    await expect(restoreDatabase({ engine: "pglite", dataDir: dir }, join(work, "any.tar.gz"))).rejects.toBeInstanceOf(DataDirLockedError);
    expect(existsSync(join(dir, "PG_VERSION"))).toBe(true);
  });

  it("names a missing backup file", async () => {
    await expect(restoreDatabase({ engine: "pglite", dataDir: join(work, "none") }, join(work, "missing.tar.gz"))).rejects.toThrow(
      BackupError,
    );
  });
});
