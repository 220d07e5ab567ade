// A new embedded data folder starts from the prepared copy when one exists for these migrations,
// and is created the ordinary way otherwise; either way the service's database is the same.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, queryRows } from "../../src/db/client.js";
import { migrate, migrationsUpToDate } from "../../src/db/migrate.js";
import { copyTemplateInto, isNewDataDir, prepareTemplate, templateDir } from "../../src/db/pglite-template.js";
import { sql } from "drizzle-orm";

const root = mkdtempSync(join(tmpdir(), "balanting-template-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const cache = join(root, "cache");

describe("prepared embedded database", () => {
  it("is prepared once, complete, under a key of the migrations", async () => {
    let builds = 0;
    const build = async (dir: string) => {
      builds++;
      const database = await openDatabase({ engine: "pglite", dataDir: dir });
      await migrate(database.db);
      await database.close();
    };
    const dir = await prepareTemplate(build, cache);
    expect(dir).toBe(templateDir(cache));
    expect(await prepareTemplate(build, cache)).toBe(dir);
    expect(builds).toBe(1);
    expect(readdirSync(cache)).toEqual([dir.slice(cache.length + 1)]); // no draft left behind
  }, 120_000);

  it("a new data folder starts from it, migrated, and takes data like any other", async () => {
    const dataDir = join(root, "data");
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, "balanting.lock"), String(process.pid)); // the service's lock comes first
    expect(isNewDataDir(dataDir)).toBe(true);
    expect(copyTemplateInto(dataDir, cache)).toBe(true);
    expect(isNewDataDir(dataDir)).toBe(false);
    const database = await openDatabase({ engine: "pglite", dataDir });
    expect(await migrationsUpToDate(database.db)).toBe(true);
    expect((await migrate(database.db)).applied).toBe(0);
    await database.db.execute(sql`insert into areas (code, name, level) values ('63.11.99', 'Uji', 'kecamatan')`);
    const rows = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from areas`);
    expect(rows[0]!.n).toBe(1);
    await database.close();
  }, 120_000);

  it("without a prepared copy nothing is copied (the folder is created as before)", () => {
    const other = join(root, "other");
    mkdirSync(other);
    expect(copyTemplateInto(other, join(root, "no-cache"))).toBe(false);
    expect(existsSync(join(other, "PG_VERSION"))).toBe(false);
  });
});
