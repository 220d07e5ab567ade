// One drizzle database over either engine: PGlite (Postgres compiled to WASM, in-process, for
// the zero-setup default) or PostgreSQL through postgres.js. Queries are written once for both.
import { mkdirSync } from "node:fs";
import type { SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { copyTemplateInto, isNewDataDir } from "./pglite-template.js";
import * as schema from "./schema.js";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** Domain functions take either the database or an open transaction. */
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  engine: "pglite" | "postgres";
  close(): Promise<void>;
  /** LISTEN on a channel: `onNotify` runs for each NOTIFY after its transaction commits. Returns the UNLISTEN. */
  listen?(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
}

export type DatabaseTarget =
  | { engine: "pglite"; dataDir?: string; /** Shared buffers, e.g. "32MB". */ sharedBuffers?: string } // no dataDir: in memory (tests)
  | {
      engine: "postgres";
      url: string;
      /** Pool size (DB_POOL_MAX). */
      max?: number;
      /** Called with every statement sent (benchmarks count statements per message). */
      onQuery?: (statement: string) => void;
    };

/** PGlite's shared buffers unless the caller says otherwise (PostgreSQL's own default is 128MB). */
export const PGLITE_SHARED_BUFFERS = "16MB";

/** Opens the database; PGlite creates its data folder on first use. */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.engine === "pglite") {
    if (target.dataDir) {
      mkdirSync(target.dataDir, { recursive: true });
      if (isNewDataDir(target.dataDir)) copyTemplateInto(target.dataDir);
    }
    // Loaded only when used: PGlite's WASM build adds ~45 MB to a process that runs on PostgreSQL.
    const [{ PGlite }, { drizzle: drizzlePglite }] = await Promise.all([import("@electric-sql/pglite"), import("drizzle-orm/pglite")]);
    // PostgreSQL's default 128 MB of shared buffers lives inside PGlite's WASM memory, i.e. in the
    // service's own RSS; the embedded database serves one small regency and the operating
    // system's page cache still holds its files, so a smaller pool keeps idle RSS down (BENCHMARKS.md).
    const client = new PGlite(target.dataDir, {
      startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${target.sharedBuffers ?? PGLITE_SHARED_BUFFERS}`],
    });
    await client.waitReady;
    const db = drizzlePglite({ client, schema }) as unknown as Db;
    return {
      db,
      engine: "pglite",
      close: () => client.close(),
      listen: async (channel, onNotify) => {
        const unlisten = await client.listen(channel, () => onNotify());
        return async () => {
          if (!client.closed) await unlisten();
        };
      },
    };
  }
  // Loaded only when used, and postgres.js only through ./postgres.js (its crash fix); drizzle's
  // adapter imports "postgres" itself, so it must load after that fix is in place.
  const { default: postgres } = await import("./postgres.js");
  const { drizzle: drizzlePostgres } = await import("drizzle-orm/postgres-js");
  const client = postgres(target.url, {
    max: target.max ?? 10,
    onnotice: () => {}, // "relation already exists, skipping" and the like are not news
    connection: { application_name: "balanting" },
    ...(target.onQuery ? { debug: (_connection: number, statement: string) => target.onQuery?.(statement) } : {}),
  });
  const db = drizzlePostgres({ client, schema }) as unknown as Db;
  return {
    db,
    engine: "postgres",
    close: () => client.end({ timeout: 5 }),
    // postgres.js keeps one connection for LISTEN and reconnects it (and listens again) by itself.
    listen: async (channel, onNotify) => {
      const request = await client.listen(channel, () => onNotify());
      return () => request.unlisten();
    },
  };
}

/** Runs raw SQL and returns its rows, hiding the drivers' different result shapes. */
export async function queryRows<T extends Record<string, unknown>>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as T[];
  return (result as { rows?: T[] }).rows ?? [];
}

/** A text[] literal for a rawQuery parameter (cast it: `$1::text[]`), every element quoted. */
export function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`).join(",")}}`;
}

/** A value rawQuery passes to the database (timestamps as ISO strings, JSON as text, cast in the SQL). */
export type RawParam = string | number | boolean | null;

interface PostgresJsLike {
  unsafe(query: string, params: RawParam[], options: { prepare: boolean }): Promise<Record<string, unknown>[]>;
}
interface PgliteLike {
  query(query: string, params: RawParam[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/**
 * Runs one hand-written statement on the driver under drizzle, for the hot paths (every inbound
 * message): no query building, and on PostgreSQL a named prepared statement per connection
 * (postgres.js caches it by text), so the server plans it once rather than per message. Works on
 * the database or inside a drizzle transaction (the transaction's own connection). Timestamps come
 * back as ISO text on PostgreSQL (drizzle's parsers) and as Date on PGlite: read them with new Date().
 */
export async function rawQuery<T extends Record<string, unknown>>(db: DbOrTx, text: string, params: RawParam[] = []): Promise<T[]> {
  const client = driverOf(db);
  if (isPostgresJs(client)) return (await client.unsafe(text, params, { prepare: true })) as T[];
  return (await (client as PgliteLike).query(text, params)).rows as T[];
}

/** The driver under drizzle: drizzle keeps it (or the transaction's connection) on its session. */
const driverOf = (db: DbOrTx): unknown => (db as unknown as { session: { client: unknown } }).session.client;
const isPostgresJs = (client: unknown): client is PostgresJsLike => typeof (client as PostgresJsLike).unsafe === "function";

/** A hand-written statement with its parameters (see rawQuery). */
export interface RawStatement {
  text: string;
  params: RawParam[];
}

/**
 * One transaction that opens with a hand-written statement and closes with another, around work
 * in between (the inbound group commit). On PostgreSQL the last statement is not waited for
 * before COMMIT: both travel together (postgres.js pipelines a transaction's queries on its
 * connection), three round trips instead of four. A failed last statement has aborted the
 * transaction, so the COMMIT behind it rolls back (PostgreSQL answers COMMIT in a failed
 * transaction with ROLLBACK), and the failure is what is thrown. On PGlite (in-process, no round
 * trips) the last statement is simply awaited.
 *
 * (BEGIN is not pipelined with the first statement: that needs a reserved connection, and
 * postgres.js's reserve() lost connections of its pool when a database outage failed it,
 * which `npm run fault:db-outage` showed as updates never answered after the database was back.)
 */
export async function pipelinedTransaction<T>(
  db: Db,
  first: RawStatement,
  body: (tx: Tx, firstRows: Record<string, unknown>[]) => Promise<{ value: T; last: RawStatement | null }>,
): Promise<{ value: T; lastRows: Record<string, unknown>[] }> {
  const pipelined = isPostgresJs(driverOf(db));
  type Closing = { outcome: Promise<{ rows: Record<string, unknown>[] } | { error: unknown }> } | null;
  const { value, closing } = await db.transaction(async (tx): Promise<{ value: T; closing: Closing }> => {
    const { value, last } = await body(tx, await rawQuery(tx, first.text, first.params));
    if (!last) return { value, closing: null };
    if (!pipelined) return { value, closing: { outcome: Promise.resolve({ rows: await rawQuery(tx, last.text, last.params) }) } };
    // Returned unawaited (wrapped, so the transaction does not wait for it): the COMMIT goes right behind.
    const outcome = rawQuery(tx, last.text, last.params).then(
      (rows) => ({ rows }),
      (error: unknown) => ({ error }),
    );
    return { value, closing: { outcome } };
  });
  if (!closing) return { value, lastRows: [] };
  const outcome = await closing.outcome;
  if ("error" in outcome) throw outcome.error;
  return { value, lastRows: outcome.rows };
}
