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
  unsafe(query: string, params?: RawParam[], options?: { prepare: boolean }): Promise<Record<string, unknown>[]>;
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
  // drizzle keeps the driver (or the transaction's connection) on its session.
  const client = (db as unknown as { session: { client: unknown } }).session.client;
  if (typeof (client as PostgresJsLike).unsafe === "function") {
    return (await (client as PostgresJsLike).unsafe(text, params, { prepare: true })) as T[];
  }
  return (await (client as PgliteLike).query(text, params)).rows as T[];
}

/** A hand-written statement with its parameters (see rawQuery). */
export interface RawStatement {
  text: string;
  params: RawParam[];
}

/** The part of postgres.js's sql object a pipelined transaction uses (a reserved connection). */
interface ReservedConnection extends PostgresJsLike {
  release(): void;
  savepoint?: unknown;
}
interface PostgresJsPool extends PostgresJsLike {
  reserve(): Promise<ReservedConnection>;
}
interface DrizzleSessionLike {
  client: unknown;
  dialect: unknown;
  schema: unknown;
  options: unknown;
}

let postgresJsSession: Promise<typeof import("drizzle-orm/postgres-js/session")> | undefined;

/**
 * One transaction that opens with a hand-written statement and closes with another, around work
 * in between (the inbound group commit). On PostgreSQL the first statement travels with BEGIN
 * and the last with COMMIT, pipelined on one reserved connection: two round trips instead of
 * four, which for a batch of one or two messages is half its database waits. A failed last
 * statement has aborted the transaction, so the COMMIT behind it rolls back (PostgreSQL answers
 * COMMIT in a failed transaction with ROLLBACK), and the failure is what is thrown. On PGlite
 * (in-process, no round trips) it is an ordinary transaction.
 */
export async function pipelinedTransaction<T>(
  db: Db,
  first: RawStatement,
  body: (tx: Tx, firstRows: Record<string, unknown>[]) => Promise<{ value: T; last: RawStatement | null }>,
): Promise<{ value: T; lastRows: Record<string, unknown>[] }> {
  const session = (db as unknown as { session: DrizzleSessionLike }).session;
  const pool = session.client as Partial<PostgresJsPool>;
  if (typeof pool.reserve !== "function") {
    return db.transaction(async (tx) => {
      const { value, last } = await body(tx, await rawQuery(tx, first.text, first.params));
      return { value, lastRows: last ? await rawQuery(tx, last.text, last.params) : [] };
    });
  }
  const { PostgresJsSession, PostgresJsTransaction } = await (postgresJsSession ??= import("drizzle-orm/postgres-js/session"));
  const conn = await pool.reserve();
  let open = true;
  try {
    const [, firstRows] = await Promise.all([
      conn.unsafe("begin", [], { prepare: true }),
      conn.unsafe(first.text, first.params, { prepare: true }),
    ]);
    // Work in between may open a nested transaction (a savepoint), as inside drizzle's own.
    let savepoints = 0;
    conn.savepoint = async (fn: (c: ReservedConnection) => Promise<unknown>) => {
      const name = `pipelined_${savepoints++}`;
      await conn.unsafe(`savepoint ${name}`, [], { prepare: false });
      try {
        return await fn(conn);
      } catch (err) {
        await conn.unsafe(`rollback to savepoint ${name}`, [], { prepare: false });
        throw err;
      }
    };
    type SessionArgs = ConstructorParameters<typeof PostgresJsSession>;
    const txSession = new PostgresJsSession(
      conn as unknown as SessionArgs[0],
      session.dialect as SessionArgs[1],
      session.schema as SessionArgs[2],
      session.options as SessionArgs[3],
    );
    const tx = new PostgresJsTransaction(
      session.dialect as SessionArgs[1],
      txSession as unknown as ConstructorParameters<typeof PostgresJsTransaction>[1],
      session.schema as SessionArgs[2],
    ) as unknown as Tx;
    const { value, last } = await body(tx, firstRows);
    const closing = last ? conn.unsafe(last.text, last.params, { prepare: true }) : Promise.resolve([]);
    const [lastResult, commitResult] = await Promise.allSettled([closing, conn.unsafe("commit")]);
    // Sent: the transaction has ended, committed or (after a failed last statement) rolled back.
    open = false;
    if (lastResult.status === "rejected") throw lastResult.reason;
    if (commitResult.status === "rejected") throw commitResult.reason;
    return { value, lastRows: lastResult.value };
  } catch (err) {
    if (open) await conn.unsafe("rollback", [], { prepare: true }).catch(() => undefined);
    throw err;
  } finally {
    conn.release();
  }
}
