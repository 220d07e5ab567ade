import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.js";
import { migrate, migrationsUpToDate } from "../../src/db/migrate.js";
import { openTestDatabase, onPostgres } from "../helpers/runtime.js";
import type { Database } from "../../src/db/client.js";

describe(`migrations on ${onPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it("applies every migration once and reports up to date", async () => {
    const first = await migrate(database.db);
    expect(first.applied).toBe(first.total);
    expect(await migrationsUpToDate(database.db)).toBe(true);
    const again = await migrate(database.db);
    expect(again.applied).toBe(0);
  });

  it.runIf(onPostgres)("is safe when two instances migrate at once", async () => {
    const other = await openTestDatabase();
    try {
      const [a, b] = await Promise.all([migrate(other.db), migrate(other.db)]);
      expect(a.applied + b.applied).toBe(a.total);
      const rows = await queryRows<{ n: number }>(other.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      expect(rows[0]?.n).toBe(a.total);
    } finally {
      await other.close();
    }
  });
});
