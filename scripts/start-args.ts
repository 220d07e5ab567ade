// The node flags `npm start` runs the service with (read from package.json), so that tests and
// benchmarks that start a process measure the same process an operator runs.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

function startWords(): string[] {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { scripts: { start: string } };
  const words = pkg.scripts.start.trim().split(/\s+/);
  if (words[0] !== "node") throw new Error(`npm start is expected to run node, not ${words[0]}`);
  return words.slice(1);
}

/**
 * The flags of `npm start` (e.g. the heap ceiling), plus tsx so that a TypeScript file can be run
 * with them: benchmarks run their own sources in a process shaped like the service's.
 */
export function startNodeFlags(): string[] {
  const flags = startWords().slice(0, -1);
  return flags.includes("tsx") ? flags : [...flags, "--import", "tsx"];
}

/**
 * Exactly what `npm start` runs after its build step (`node <flags> dist/main.js`), built now from
 * the current sources. Returns the arguments for node; the working directory must be the project.
 */
export function buildAndStartArgs(): string[] {
  const root = fileURLToPath(new URL("..", import.meta.url));
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: root, stdio: "inherit" });
  return startWords();
}
