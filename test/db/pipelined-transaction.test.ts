// pipelinedTransaction (src/db/client.ts): the inbound group commit's transaction, whose last
// statement goes with COMMIT on PostgreSQL. It must commit all or nothing —
// a failed last statement included, whose COMMIT PostgreSQL turns into a rollback — and leave the
// pool usable when its connection dies in the middle.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, pipelinedTransaction, queryRows, rawQuery, type Database } from "../../src/db/client.js";
import postgres from "../../src/db/postgres.js";
import { openTestDatabase } from "../helpers/runtime.js";

const insert = (v: string) => ({ text: "insert into pipelined_probe (v) values ($1) returning v", params: [v] });

describe("pipelinedTransaction", () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase();
    await database.db.execute(sql`create table pipelined_probe (v text primary key)`);
  });
  afterAll(async () => database.close());

  const values = async () => (await queryRows<{ v: string }>(database.db, sql`select v from pipelined_probe order by v`)).map((r) => r.v);

  it("commits the first statement, the work in between and the last statement together", async () => {
    const { value, lastRows } = await pipelinedTransaction(database.db, insert("a1"), async (tx, firstRows) => {
      await rawQuery(tx, "insert into pipelined_probe (v) values ('a2')");
      return { value: firstRows.map((r) => r.v), last: insert("a3") };
    });
    expect(value).toEqual(["a1"]);
    expect(lastRows.map((r) => r.v)).toEqual(["a3"]);
    expect(await values()).toEqual(["a1", "a2", "a3"]);
  });

  it("a failing last statement fails the call and rolls everything back", async () => {
    // "a1" exists: the last insert violates the primary key after the first one succeeded.
    await expect(pipelinedTransaction(database.db, insert("b1"), async () => ({ value: null, last: insert("a1") }))).rejects.toMatchObject({
      code: "23505",
    });
    expect(await values()).toEqual(["a1", "a2", "a3"]);
  });

  it("carries any text in the last statement unchanged (quotes, backslashes, $1, emoji, JSON)", async () => {
    const tricky = [`it's`, "back\\slash \\' and \\\\", "$1 $2 ::text", "anak 👶 sehat\nbaris", JSON.stringify({ a: "x'\\\"y" })];
    const { lastRows } = await pipelinedTransaction(database.db, { text: "select 1 as one", params: [] }, async () => ({
      value: null,
      last: {
        text: "select $1::text::json as texts, $2::int as n, $3::boolean as b, $4::text as nothing",
        params: [JSON.stringify(tricky), -3, true, null],
      },
    }));
    const row = lastRows[0] as { texts: unknown; n: number; b: boolean; nothing: null };
    expect(typeof row.texts === "string" ? JSON.parse(row.texts) : row.texts).toEqual(tricky);
    expect([row.n, row.b, row.nothing]).toEqual([-3, true, null]);
  });

  it("a failing work in between rolls back, and the next transaction runs normally", async () => {
    await expect(
      pipelinedTransaction(database.db, insert("c1"), async () => {
        throw new Error("turn failed");
      }),
    ).rejects.toThrow("turn failed");
    // Without a last statement it still commits.
    await pipelinedTransaction(database.db, insert("c2"), async () => ({ value: null, last: null }));
    expect(await values()).toEqual(["a1", "a2", "a3", "c2"]);
  });

  it("a nested transaction in between is a savepoint: its failure undoes only its own work", async () => {
    await pipelinedTransaction(database.db, insert("d1"), async (tx) => {
      await expect(
        tx.transaction(async (nested) => {
          await rawQuery(nested, "insert into pipelined_probe (v) values ('d2')");
          throw new Error("nested failed");
        }),
      ).rejects.toThrow("nested failed");
      await tx.transaction(async (nested) => rawQuery(nested, "insert into pipelined_probe (v) values ('d3')"));
      return { value: null, last: insert("d4") };
    });
    expect((await values()).filter((v) => v.startsWith("d"))).toEqual(["d1", "d3", "d4"]);
  });
});

const url = process.env.DATABASE_URL;

describe.skipIf(!url)("pipelinedTransaction when its connection dies", () => {
  it("rejects, commits nothing, and the one-connection pool answers afterwards", async () => {
    const killer = postgres(url as string, { max: 1, onnotice: () => {} });
    const database = await openDatabase({ engine: "postgres", url: url as string, max: 1 });
    try {
      await database.db.execute(sql`create temporary table if not exists pipelined_dummy (v int)`);
      let reached: (pid: number) => void = () => {};
      const inFlight = new Promise<number>((r) => (reached = r));
      const outcome = pipelinedTransaction(database.db, { text: "select pg_backend_pid() as pid", params: [] }, async (tx, firstRows) => {
        reached(Number(firstRows[0]?.pid));
        await rawQuery(tx, "select pg_sleep(5)");
        return { value: "finished", last: null };
      }).then(
        (r) => r.value,
        (e: unknown) => (e as { code?: string }).code ?? String(e),
      );
      await killer.unsafe("select pg_terminate_backend($1)", [await inFlight]);
      expect(await outcome).not.toBe("finished");
      // The pool's only connection was handed back closed, not as an open one: it reconnects.
      const again = async () => (await queryRows<{ x: number }>(database.db, sql`select 1 as x`))[0]?.x;
      expect(await again().catch(again)).toBe(1);
      expect(await again()).toBe(1);
      const { value } = await pipelinedTransaction(database.db, { text: "select 2 as x", params: [] }, async (_tx, rows) => ({
        value: rows[0]?.x,
        last: null,
      }));
      expect(value).toBe(2);
    } finally {
      await database.close();
      await killer.end();
    }
  });
});
