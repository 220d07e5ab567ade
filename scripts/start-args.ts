// The node flags `npm start` runs the service with (read from package.json), so that tests and
// benchmarks that start a process measure the same process an operator runs.
import { readFileSync } from "node:fs";

/** e.g. ["--max-old-space-size=1024", "--import", "tsx"]: the words between `node` and the entry file. */
export function startNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { scripts: { start: string } };
  const words = pkg.scripts.start.trim().split(/\s+/);
  if (words[0] !== "node") throw new Error(`npm start is expected to run node, not ${words[0]}`);
  return words.slice(1, -1);
}
