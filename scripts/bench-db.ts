// The database a benchmark runs on: a fresh PostgreSQL database on the server DATABASE_URL names
// (created now, dropped by `drop`), or an in-memory PGlite when DATABASE_URL is not set.
import { openDatabase, type Database } from "../src/db/client.js";
import postgres from "../src/db/postgres.js";

export async function openBenchDatabase(
  prefix: string,
  max = 10,
): Promise<{ database: Database; drop: () => Promise<void>; url?: string }> {
  const base = process.env.DATABASE_URL;
  if (!base) return { database: await openDatabase({ engine: "pglite" }), drop: async () => {} };
  const name = `balanting_bench_${prefix}_${process.pid}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    database: await openDatabase({ engine: "postgres", url: url.toString(), max }),
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
