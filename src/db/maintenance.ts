// Nightly upkeep for the embedded database. PGlite runs no autovacuum: without this, rows the
// outbox and the reminder queue update every day would pile up as dead tuples and the planner's
// row estimates would drift. PostgreSQL's autovacuum does the same work on its own, so there the
// job does nothing.
import { sql } from "drizzle-orm";
import type { Job } from "../jobs/index.js";
import { queryRows } from "./client.js";
import type { Runtime } from "../runtime.js";

/** 03:30 in the service's time zone: no reminders, and few people write. */
export const VACUUM_SCHEDULE = "30 3 * * *";

/** VACUUM ANALYZE of the whole database on PGlite; returns how many tables it covered. */
export async function vacuumEmbedded(rt: Runtime): Promise<{ tables: number }> {
  if (rt.engine !== "pglite") return { tables: 0 };
  await rt.db.execute(sql`vacuum analyze`);
  const [row] = await queryRows<{ n: number }>(rt.db, sql`select count(*)::int as n from pg_stat_user_tables`);
  return { tables: Number(row?.n ?? 0) };
}

export const vacuumJob: Job = {
  name: "vacuum",
  schedule: VACUUM_SCHEDULE,
  run: (rt) => vacuumEmbedded(rt),
};
