// Applies migrations/ (written by drizzle-kit) at start. Drizzle's own migrator does not guard
// against two instances starting together, so we run the same files inside one transaction that
// first takes a Postgres advisory lock: the second instance waits, then finds nothing to do.
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { queryRows, type Db } from "./client.js";
import { installAuditAppendOnly } from "../platform/audit.js";
import { ROUTINES_SQL } from "./routines.js";

export const MIGRATIONS_DIR = fileURLToPath(new URL("../../migrations", import.meta.url));
// Any constant unique to this service; "balanting" in ASCII.
const MIGRATION_LOCK_KEY = 0x62616c616e74;

export interface MigrationResult {
  applied: number;
  total: number;
}

/** Brings the schema up to date; safe to call from several processes at once. */
export async function migrate(db: Db, migrationsFolder = MIGRATIONS_DIR): Promise<MigrationResult> {
  const migrations = readMigrationFiles({ migrationsFolder });
  try {
    return await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
      // Same table drizzle's migrator uses, so drizzle-kit tooling still understands the state.
      await tx.execute(sql`create schema if not exists drizzle`);
      await tx.execute(sql`create table if not exists drizzle.__drizzle_migrations (
        id serial primary key, hash text not null, created_at bigint)`);
      const done = await queryRows<{ created_at: string | number }>(
        tx,
        sql`select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`,
      );
      const last = done[0] ? Number(done[0].created_at) : -1;
      let applied = 0;
      for (const migration of migrations) {
        if (migration.folderMillis <= last) continue;
        for (const statement of migration.sql) {
          if (statement.trim()) await tx.execute(sql.raw(statement));
        }
        await tx.execute(
          sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`,
        );
        applied++;
      }
      // Functions follow the schema they read; replaced on every start so they match the code.
      for (const routine of ROUTINES_SQL) await tx.execute(sql.raw(routine));
      // The audit log's append-only triggers, likewise kept equal to the code (platform/audit.ts).
      await installAuditAppendOnly(tx);
      return { applied, total: migrations.length };
    });
  } catch (cause) {
    throw new Error("applying database migrations", { cause });
  }
}

/** True when every migration in migrations/ has been applied (for /ready). */
export async function migrationsUpToDate(db: Db, migrationsFolder = MIGRATIONS_DIR): Promise<boolean> {
  const migrations = readMigrationFiles({ migrationsFolder });
  const newest = migrations.at(-1)?.folderMillis ?? -1;
  const rows = await queryRows<{ last: string | number | null }>(db, sql`select max(created_at) as last from drizzle.__drizzle_migrations`);
  return Number(rows[0]?.last ?? -1) >= newest;
}
