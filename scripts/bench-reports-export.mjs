// The export half of bench:reports, run as the service runs: plain JavaScript from dist/ (what
// `npm start` runs; scripts/build.mjs compiles it), with the service's node flags, in a fresh
// process, so its RSS is what an export costs the service. Usage (bench-reports.ts starts it):
//   node --max-old-space-size=1024 scripts/bench-reports-export.mjs <database url>
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { loadConfig } from "../dist/config/index.js";
import { ManualClock } from "../dist/lib/clock.js";
import { createLogger } from "../dist/lib/log.js";
import { csvStream, exportSource } from "../dist/reports/export.js";
import { createRuntime } from "../dist/runtime.js";

const ADMIN = { role: "pokja_admin", puskesmasId: null, desaCode: null, posyanduId: null };
const rt = await createRuntime(loadConfig({ DATABASE_URL: process.argv[2], LOG_LEVEL: "silent" }), {
  log: createLogger("silent"),
  clock: new ManualClock("2026-09-05T02:00:00Z"),
});
const before = process.memoryUsage().rss;
let peak = before;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const counter = { rows: 0 };
let bytes = 0;
// The first 100,000 rows are the target; the export then runs to its end (every measurement of
// the 24 months), so a peak that grew with the rows would show.
let at100k = null;
const t = performance.now();
const cpu = process.cpuUsage();
await pipeline(
  csvStream(exportSource(rt.db, rt.i18n, rt.nik, ADMIN, { from: "2024-09-01", to: "2026-08-31" }), counter),
  new Writable({
    write(chunk, _enc, done) {
      bytes += chunk.length;
      if (!at100k && counter.rows >= 100_000)
        at100k = { s: (performance.now() - t) / 1000, bytes, peak: Math.max(peak, process.memoryUsage().rss) };
      done();
    },
  }),
);
const s = (performance.now() - t) / 1000;
const used = process.cpuUsage(cpu);
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
if (at100k) {
  console.log(
    `export: first 100000 rows (${(at100k.bytes / 1e6).toFixed(1)} MB CSV) in ${at100k.s.toFixed(2)} s = ${Math.round(100_000 / at100k.s)} rows/s, peak RSS ${(at100k.peak / 1e6).toFixed(0)} MB (targets ≥ 20,000 rows/s, ≤ 150 MB)`,
  );
}
console.log(
  `export: all ${counter.rows} rows in ${s.toFixed(2)} s = ${Math.round(counter.rows / s)} rows/s, peak RSS ${(peak / 1e6).toFixed(0)} MB; process RSS before the export ${(before / 1e6).toFixed(0)} MB; Node CPU ${((used.user + used.system) / 1000).toFixed(0)} ms (${Math.round(counter.rows / ((used.user + used.system) / 1e6))} rows per CPU-second)`,
);
await rt.close();
