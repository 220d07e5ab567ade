// NIK at rest: sealed with a key kept outside the database, searched by a keyed hash, opened only
// for the e-PPGBM export; NIK stored before sealing are sealed at start.
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { children } from "../../src/children/children.sql.js";
import { sealPlainNiks } from "../../src/children/index.js";
import { loadNikKey, maskNik, nikVault } from "../../src/children/nik.js";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.js";

const NIK = "6311064501250001";

describe("the NIK vault", () => {
  const vault = nikVault(Buffer.alloc(32, 7));
  it("seals with a fresh IV each time, opens back, and hashes the same NIK the same way", () => {
    const a = vault.seal(NIK);
    const b = vault.seal(NIK);
    expect(a.nik).toMatch(/^v1:/);
    expect(a.nik).not.toContain(NIK);
    expect(a.nik).not.toBe(b.nik);
    expect(a.nikHash).toBe(b.nikHash);
    expect(vault.open(a.nik)).toBe(NIK);
    expect(vault.seal(null)).toEqual({ nik: null, nikHash: null });
    expect(vault.open("6311060000000001")).toBe("6311060000000001"); // stored before sealing
  });

  it("refuses a tampered value and another key", () => {
    const { nik } = vault.seal(NIK);
    const tampered = nik!.slice(0, -2) + (nik!.endsWith("A") ? "B" : "A") + nik!.slice(-1);
    expect(() => vault.open(tampered)).toThrow();
    expect(() => nikVault(Buffer.alloc(32, 8)).open(nik)).toThrow();
  });

  it("masks for display and loads its key from NIK_KEY or an owner-only key file", () => {
    expect(maskNik(NIK)).toBe("6311********0001");
    expect(loadNikKey({ NIK_KEY: "ab".repeat(32), NIK_KEY_FILE: "/nonexistent" })).toMatchObject({ source: "env" });
    expect(() => loadNikKey({ NIK_KEY: "short", NIK_KEY_FILE: "/nonexistent" })).toThrow(/32 bytes/);
    const dir = mkdtempSync(join(tmpdir(), "nik-key-"));
    try {
      const file = join(dir, "secrets", "nik.key");
      const first = loadNikKey({ NIK_KEY_FILE: file });
      expect(first.source).toBe("new-file");
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const again = loadNikKey({ NIK_KEY_FILE: file });
      expect(again).toMatchObject({ source: "file" });
      expect(again.key.equals(first.key)).toBe(true);
      expect(readFileSync(file, "utf8").trim()).toHaveLength(64);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("NIK in the database", () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime();
  }, 300_000);
  afterAll(async () => {
    await rt?.close();
  });

  it("seals NIK stored in plain text, so no column holds a NIK a copy of the database would show", async () => {
    const [row] = await rt.db
      .insert(children)
      .values({ code: "NK7W3Q", name: "Anak", sex: "P", birthDate: "2025-01-01", nik: NIK })
      .returning();
    expect(await sealPlainNiks(rt.db, rt.nik)).toBe(1);
    const [sealed] = await rt.db.select().from(children).where(eq(children.id, row!.id));
    expect(JSON.stringify(sealed)).not.toContain(NIK);
    expect(rt.nik.open(sealed!.nik)).toBe(NIK);
    expect(sealed!.nikHash).toBe(rt.nik.hashOf(NIK));
    expect(await sealPlainNiks(rt.db, rt.nik)).toBe(0);
  });
});
