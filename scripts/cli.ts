// What the benchmark and fault scripts share: `--name value` flags, the PostgreSQL server they
// need, and a pause between load steps (scripts, not tests: tests wait on events).

/** The value after `--name`, or the fallback when the flag is absent. */
export function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** DATABASE_URL, or the script stops with a clear message (these scripts create and drop a database). */
export function postgresUrlOrExit(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("Set DATABASE_URL to a PostgreSQL server (a database is created and dropped).");
    process.exit(1);
  }
  return url;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
