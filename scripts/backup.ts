// npm run backup [-- --out FILE]   writes a backup of the configured database
// npm run restore -- FILE          restores it (stop the service first)
// The engine follows the service's settings: DATABASE_URL (PostgreSQL) or DATA_DIR (PGlite).
import { backupDatabase, restoreDatabase, type BackupTarget } from "../src/db/backup.js";
import { loadConfig } from "../src/config/index.js";

function targetFromConfig(): BackupTarget {
  const config = loadConfig(process.env);
  return config.database === "postgres"
    ? { engine: "postgres", url: config.DATABASE_URL as string }
    : { engine: "pglite", dataDir: config.DATA_DIR };
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const [command, file] = process.argv.slice(2);
  const target = targetFromConfig();
  if (command === "backup") {
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
    const out = option("out") ?? `balanting-${target.engine}-${stamp}.${target.engine === "postgres" ? "dump" : "tar.gz"}`;
    await backupDatabase(target, out);
    console.log(`backup written to ${out} (children's health data: keep it encrypted and off this server)`);
    return;
  }
  if (command === "restore" && file) {
    const { keptAside } = await restoreDatabase(target, file);
    console.log(`restored from ${file}${keptAside ? `; the previous data folder is kept at ${keptAside}` : ""}`);
    return;
  }
  console.error("usage: npm run backup [-- --out FILE] | npm run restore -- FILE");
  process.exitCode = 2;
}

main().catch((err: unknown) => {
  console.error(`${process.argv[2] ?? "backup"}: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
