import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { parseCli } from "../../src/reminders/cli.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = "src/reminders/cli.ts";

interface Result {
  code: number | null;
  stderr: string;
  lines: string[];
  rows: Row[];
}

// Spawning is the slow part (~0.5 s each), so every invocation starts at once in beforeAll.
function spawn(args: string[], viaNpm: boolean): Promise<Result> {
  const [cmd, argv] = viaNpm
    ? ["npm", ["run", "--silent", "schedule", "--", ...args]]
    : [process.execPath, ["--import", "tsx", CLI, ...args]];
  return new Promise((resolve) => {
    execFile(cmd, argv, { cwd: ROOT, encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      const lines = stdout.split("\n").filter(Boolean);
      resolve({ code, stderr, lines, rows: code === 0 ? lines.map((l) => JSON.parse(l) as Row) : [] });
    });
  });
}

const results = new Map<string, Result>();
const pending: [string[], boolean][] = [];
function later(args: string[], viaNpm = false): () => Result {
  pending.push([args, viaNpm]);
  const key = JSON.stringify([args, viaNpm]);
  return () => results.get(key)!;
}

beforeAll(async () => {
  await Promise.all(pending.map(async ([args, viaNpm]) => results.set(JSON.stringify([args, viaNpm]), await spawn(args, viaNpm))));
});

interface Row {
  key: string;
  kind: string;
  due: string;
  until: string;
  text: string;
}

describe("schedule CLI", () => {
  const pregnancy = later(["--hpht", "2026-03-01"], true);
  const byHpl = later(["--hpl", "2028-02-29", "--posyandu-day", "31"]);
  const child = later(["--birth", "2026-05-10", "--sex", "P", "--posyandu-day", "12", "--lang", "bjn", "--name", "Galuh"]);

  it("prints the pregnancy programme as JSON lines sorted by due date (npm run schedule)", () => {
    const { code, rows, stderr } = pregnancy();
    expect(stderr).toBe("");
    expect(code).toBe(0);
    for (const row of rows) {
      expect(Object.keys(row).slice(0, 5)).toEqual(["key", "kind", "due", "until", "text"]);
      expect(row.due <= row.until).toBe(true);
    }
    expect(rows.map((r) => r.due)).toEqual(rows.map((r) => r.due).sort());
    expect(rows[0]).toMatchObject({ key: "anc-k1", kind: "anc", due: "2026-03-29", until: "2026-05-24" });
    expect(rows[0]!.text).toContain("K1 dengan dokter dan USG");
    expect(rows.some((r) => r.kind === "posyandu")).toBe(false);
  });

  it("accepts --hpl and gives the same plan as the matching --hpht", () => {
    expect(byHpl().code).toBe(0);
    const sameByHpht = parseCli(["--hpht", "2027-05-25", "--posyandu-day", "31"]).plan;
    expect(byHpl().rows.map((r) => [r.key, r.due, r.until])).toEqual(sameByHpht.map((r) => [r.ruleKey, r.due, r.until]));
    expect(byHpl().rows.find((r) => r.key === "anc-k6")?.until).toBe("2028-02-29");
    expect(
      byHpl()
        .rows.filter((r) => r.kind === "posyandu")
        .map((r) => r.until),
    ).toContain("2027-06-30");
  });

  it("prints the child programme with the mother's KF visits, in Banjar", () => {
    const { code, rows } = child();
    expect(code).toBe(0);
    const kinds = new Set(rows.map((r) => r.kind));
    for (const k of ["kf", "kn", "immunization", "vitamin-a", "posyandu", "feeding", "tip"]) expect(kinds).toContain(k);
    const hb0 = rows.find((r) => r.key === "imm-hb0")!;
    expect(hb0.text).toBe(
      "Imunisasi HB-0 (hepatitis B) hagan Galuh dibari salakasnya, paling baik dalam 24 jam imbah lahir. Amun balum, masih kawa sampai umur 7 ari (17 Mei 2026): lakas ka bidan atawa puskesmas, bawa jua Buku KIA. Imbah diimunisasi, balas SUDAH.",
    );
    expect(rows.filter((r) => r.kind === "kf").map((r) => r.key)).toEqual(["kf1", "kf2", "kf3", "kf4"]);
  });

  const BAD: [string[], RegExp][] = [
    [[], /exactly one of --hpht, --hpl, --birth/],
    [["--hpht", "2026-02-30"], /--hpht must be a real date/],
    [["--hpht", "1-3-2026"], /--hpht must be a real date/],
    [["--hpht", "2026-03-01", "--birth", "2026-03-01"], /exactly one/],
    [["--birth", "2026-03-01", "--sex", "X"], /--sex must be L or P/],
    [["--birth", "2026-03-01", "--posyandu-day", "32"], /--posyandu-day must be a day of month/],
    [["--birth", "2026-03-01", "--posyandu-day", "12a"], /--posyandu-day/],
    [["--hpht", "2026-03-01", "--lang", "en"], /--lang must be id or bjn/],
    [["--hpht", "2026-03-01", "--sex", "L"], /--sex applies to --birth only/],
    [["--hpht"], /argument missing|--hpht/],
    [["--what"], /Unknown option '--what'/],
  ];

  // Argument checks are tested in-process; two spawns check the exit code and the one-line stderr.
  it.each(BAD)("parseCli rejects %j", (args, message) => {
    expect(() => parseCli(args)).toThrow(message);
  });

  const spawned = [BAD[1]!, BAD.at(-1)!].map(([args, message]) => [args, message, later(args)] as const);

  it.each(spawned)("rejects %j with one line on stderr and exit code 2", (_args, message, result) => {
    const { code, stderr, lines } = result();
    expect(code).toBe(2);
    expect(lines).toEqual([]);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  });
});
