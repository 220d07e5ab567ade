// `npm run admin -- create-admin --name "Siti Aminah" --password '…' [--username siti]`
// For a shell on the server: creates a pokja_admin without the bootstrap token. The password may
// also come on stdin (`--password -`) so it stays out of the shell history.
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { loadConfig } from "../config/index.js";
import { createLogger } from "../lib/log.js";
import { DomainError } from "../platform/errors.js";
import { createRuntime, type Runtime } from "../runtime.js";
import { insertAccount } from "./accounts.js";
import { PASSWORD_MIN_LENGTH } from "./auth.js";

const USAGE = `Usage: npm run admin -- create-admin --name "Full Name" --password <password|-> [--username login]`;

/** "Siti Aminah" → "siti.aminah" */
export function usernameFromName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[^\p{L}\p{N}\s._-]/gu, "")
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ".")
    .replace(/[^a-z0-9._-]/g, "")
    .slice(0, 40);
}

export interface CliResult {
  code: number;
  out: string;
}

/** Runs one CLI command against a runtime; returns the exit code and what to print. */
export async function runAdminCli(rt: Runtime, argv: string[], readStdin: () => Promise<string> = readAll): Promise<CliResult> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { name: { type: "string" }, password: { type: "string" }, username: { type: "string" } },
    });
  } catch (err) {
    return { code: 2, out: `${(err as Error).message}\n${USAGE}` };
  }
  const [command] = parsed.positionals;
  if (command !== "create-admin") return { code: 2, out: USAGE };
  const name = parsed.values.name?.trim();
  let password = parsed.values.password;
  if (password === "-") password = (await readStdin()).replace(/\r?\n$/, "");
  if (!name || !password) return { code: 2, out: `--name and --password are required\n${USAGE}` };
  if (password.length < PASSWORD_MIN_LENGTH) return { code: 2, out: `--password must be at least ${PASSWORD_MIN_LENGTH} characters` };
  const username = (parsed.values.username ?? usernameFromName(name)).toLowerCase();
  if (!/^[a-z0-9._-]{3,40}$/.test(username)) return { code: 2, out: "--username: 3-40 characters of a-z, 0-9, . _ -" };
  try {
    const account = await rt.db.transaction((tx) =>
      insertAccount(tx, { kind: "cli" }, { username, name, password: password, role: "pokja_admin" }, rt.clock.now()),
    );
    return { code: 0, out: `Created pokja_admin ${account.username} (${account.id}). Sign in at /api/v1/auth/login.` };
  } catch (err) {
    if (err instanceof DomainError && err.kind === "conflict") return { code: 1, out: err.message };
    throw err;
  }
}

async function readAll(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function main(): Promise<void> {
  const config = loadConfig();
  const rt = await createRuntime(config, { log: createLogger(process.env.LOG_LEVEL ?? "warn") });
  try {
    const result = await runAdminCli(rt, process.argv.slice(2));
    (result.code === 0 ? process.stdout : process.stderr).write(`${result.out}\n`);
    process.exitCode = result.code;
  } finally {
    await rt.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
