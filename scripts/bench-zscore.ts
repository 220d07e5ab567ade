// Benchmark of the batch z-score CLI: 100,000 random but plausible children → `npm run --silent
// zscore`, timed end to end (process start, tsx, CSV parse, z-scores, CSV out). Target ≤ 2 s.
// Also prints the agreement with WHO Anthro 1.1.0 on its reference set (test/growth/fixtures/).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compareWithAnthro, formatAgreement } from "../src/growth/anthro-check.js";
import { lmsForAge, type Sex } from "../src/growth/who-tables.js";
import { seededRandom } from "../src/lib/random.js";

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const root = fileURLToPath(new URL("..", import.meta.url));

const rng = seededRandom;
const rand = rng(20261127);
const normal = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const valueAt = (lms: { l: number; m: number; s: number }, z: number): number => lms.m * (1 + lms.l * lms.s * z) ** (1 / lms.l);

function generate(file: string): void {
  const lines = ["id,sex,age_days,weight_kg,lenhei_cm,measure,oedema"];
  for (let i = 1; i <= ROWS; i++) {
    const sex: Sex = rand() < 0.5 ? "L" : "P";
    const age = Math.floor(rand() * 1827);
    const zLen = normal() * 1.2 - 0.8; // Balangan-like: shifted towards stunting
    const len = valueAt(lmsForAge("lhfa", sex, age) ?? { l: 1, m: 80, s: 0.04 }, zLen);
    const wt = valueAt(lmsForAge("wfa", sex, age) ?? { l: 0, m: 10, s: 0.1 }, normal() * 1.1 - 0.5);
    const usual = age < 731 ? "l" : "h";
    const measure = rand() < 0.05 ? (usual === "l" ? "h" : "l") : rand() < 0.03 ? "" : usual;
    lines.push(`${i},${sex === "L" ? 1 : 2},${age},${wt.toFixed(1)},${len.toFixed(1)},${measure},${rand() < 0.01 ? "y" : "n"}`);
  }
  writeFileSync(file, lines.join("\n") + "\n");
}

/** Seconds from a `times` field like "0m1.234s". */
const seconds = (t: string): number => {
  const m = /(\d+)m([\d.]+)s/.exec(t);
  return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
};

/**
 * Runs the CLI as users do (`npm run --silent zscore -- file`) under `sh`, whose `times` builtin
 * then reports the CPU time (user + sys) of npm, tsx and node: wall time alone is unreliable on a
 * machine shared with other jobs.
 */
function runCli(file: string): Promise<{ ms: number; cpuS: number; lines: number; code: number | null }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const script = 'npm run --silent zscore -- "$1"; status=$?; times >&2; exit $status';
    const child = spawn("sh", ["-c", script, "sh", file], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let lines = 0;
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - start;
      // `times` prints the shell's user/sys, then its children's.
      const childTimes = stderr.trim().split("\n").at(-1)?.trim().split(/\s+/) ?? [];
      const cpuS = seconds(childTimes[0] ?? "") + seconds(childTimes[1] ?? "");
      if (code !== 0) process.stderr.write(stderr);
      resolve({ ms, cpuS, lines, code });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), "bench-zscore-"));
try {
  const file = join(dir, "children.csv");
  generate(file);
  const runs: { ms: number; cpuS: number }[] = [];
  let lines = 0;
  for (let r = 0; r < 3; r++) {
    const res = await runCli(file);
    if (res.code !== 0) throw new Error(`zscore CLI exited with ${res.code}`);
    lines = res.lines;
    runs.push(res);
  }
  const byTime = [...runs].sort((a, b) => a.ms - b.ms);
  const median = byTime[1] as { ms: number; cpuS: number };
  const best = byTime[0] as { ms: number; cpuS: number };
  const [load1] = loadavg();
  console.log(
    `zscore CLI, ${ROWS.toLocaleString("en")} rows in, ${(lines - 1).toLocaleString("en")} rows out; 3 runs end to end incl. npm + tsx start`,
  );
  console.log(
    `  wall: ${runs.map((r) => `${(r.ms / 1000).toFixed(2)} s`).join(", ")}; median ${(median.ms / 1000).toFixed(2)} s (target ≤ 2 s)`,
  );
  console.log(`  CPU (user+sys): ${runs.map((r) => `${r.cpuS.toFixed(2)} s`).join(", ")}`);
  console.log(
    `  throughput: median ${Math.round(ROWS / (median.ms / 1000)).toLocaleString("en")} rows/s, best ${Math.round(ROWS / (best.ms / 1000)).toLocaleString("en")} rows/s`,
  );
  console.log(`  machine: ${cpus().length} CPUs, load average ${load1?.toFixed(1)} at the end`);
  console.log(formatAgreement(compareWithAnthro()));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
