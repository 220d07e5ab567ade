// The nightly VACUUM ANALYZE: on PGlite (no autovacuum) it refreshes dead tuples and row
// estimates; on PostgreSQL it leaves the work to autovacuum.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.js";
import { vacuumEmbedded } from "../../src/db/maintenance.js";
import type { Runtime } from "../../src/runtime.js";
import { createTestRuntime } from "../helpers/runtime.js";

describe("nightly database upkeep", () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await createTestRuntime();
  });
  afterAll(async () => rt?.close());

  const areaStats = async () => {
    const [row] = await queryRows<{ last_vacuum: unknown; reltuples: number; n: number }>(
      rt.db,
      sql`select s.last_vacuum, c.reltuples::int as reltuples, (select count(*)::int from areas) as n
          from pg_stat_user_tables s join pg_class c on c.oid = s.relid where s.relname = 'areas'`,
    );
    return row!;
  };

  it("vacuums and analyzes every table on PGlite, and leaves PostgreSQL to autovacuum", async () => {
    const result = await vacuumEmbedded(rt);
    const after = await areaStats();
    if (rt.engine === "pglite") {
      expect(result.tables).toBeGreaterThan(20);
      expect(after.last_vacuum).not.toBeNull();
      expect(after.reltuples).toBe(after.n); // the planner's estimate is the real count again
    } else {
      expect(result.tables).toBe(0);
      expect(after.last_vacuum).toBeNull();
    }
  });
});
