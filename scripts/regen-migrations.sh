#!/usr/bin/env bash
# Development helper: rewrites the migrations added since the last release as ONE migration built
# from every src/**/*.sql.ts, so parallel schema work does not leave a tangle of small migrations.
# Released migrations (listed in RELEASED) are never touched. Run under a lock:
#   flock /tmp/balanting-migrations.lock bash scripts/regen-migrations.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RELEASED=8 # migrations 0000..0007 are released (landed) and immutable
node -e '
const fs = require("fs");
const released = Number(process.argv[1]);
const journal = JSON.parse(fs.readFileSync("migrations/meta/_journal.json", "utf8"));
for (const e of journal.entries.slice(released)) {
  fs.rmSync(`migrations/${e.tag}.sql`, { force: true });
  fs.rmSync(`migrations/meta/${String(e.idx).padStart(4, "0")}_snapshot.json`, { force: true });
}
journal.entries = journal.entries.slice(0, released);
fs.writeFileSync("migrations/meta/_journal.json", JSON.stringify(journal, null, 2) + "\n");
' "$RELEASED"
npx drizzle-kit generate --name domain >/dev/null
ls migrations/*.sql
