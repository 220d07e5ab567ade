// Builds a Runtime on a real, empty database for one test file: in-memory PGlite by default,
// or a fresh database on the PostgreSQL server named by DATABASE_URL (dropped afterwards).
import { randomBytes } from "node:crypto";
import postgres from "../../src/db/postgres.js";
import { loadConfig, type Config } from "../../src/config/index.js";
import { openDatabase, type Database } from "../../src/db/client.js";
import { ManualClock } from "../../src/lib/clock.js";
import { createLogger } from "../../src/lib/log.js";
import { createRuntime, type Runtime } from "../../src/runtime.js";

export interface TestRuntime extends Runtime {
  clock: ManualClock;
}

export const onPostgres = Boolean(process.env.DATABASE_URL);

/** Opens an empty database of the engine under test. */
export async function openTestDatabase(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  if (!url) return openDatabase({ engine: "pglite" });
  const name = `balanting_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const testUrl = new URL(url);
  testUrl.pathname = `/${name}`;
  const database = await openDatabase({ engine: "postgres", url: testUrl.toString(), max: 4 });
  return {
    ...database,
    close: async () => {
      await database.close();
      const cleanup = postgres(url, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/** Configuration for tests: the real loader over a small fixed environment. */
export function testConfig(env: Record<string, string> = {}): Config {
  // Kader and staff flows are tested through the web chat, as in a demo.
  return loadConfig({ LOG_LEVEL: "silent", WEB_CHAT: "on", WEB_CHAT_STAFF_ROLES: "on", ...env });
}

/** A runtime on a fresh migrated and seeded database, with a clock the test can move. */
export async function createTestRuntime(options: { env?: Record<string, string>; now?: string } = {}): Promise<TestRuntime> {
  const config = testConfig(options.env);
  const clock = new ManualClock(options.now ?? "2026-11-27T02:00:00Z");
  const rt = await createRuntime(config, {
    log: createLogger(process.env.TEST_LOG_LEVEL ?? "silent"),
    clock,
    database: await openTestDatabase(),
  });
  return { ...rt, clock };
}
