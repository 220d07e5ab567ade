// Attack script: N fuzzed HTTP requests (default 10,000) at a running service, over real HTTP, to
// every route it serves (with and without a staff session; webhooks with their right secret or
// signature half the time, so malformed bodies get past the door). Counts answers by status and
// fails when any is a 5xx. The requests come from the property-test generator of
// test/app-fuzz.test.ts (test/helpers/http-fuzz.ts); the service is the whole app with Telegram
// and WhatsApp Cloud webhooks, the web chat and the admin API, on PGlite or, with DATABASE_URL,
// a fresh PostgreSQL database, listening on a local port.
//
//   npm run fuzz:http [-- --requests 10000 --concurrency 8 --seed 1]
import { cpus, loadavg } from "node:os";
import fc from "fast-check";
import { requestArbitrary, startFuzzWorld } from "../test/helpers/http-fuzz.js";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const total = Number(arg("requests", "10000"));
const concurrency = Number(arg("concurrency", "8"));
const seed = Number(arg("seed", "1"));

const world = await startFuzzWorld();
const base = await world.app.listen({ port: 0, host: "127.0.0.1" });
const requests = fc.sample(requestArbitrary(world), { numRuns: total, seed });

const byStatus = new Map<number, number>();
const serverErrors: string[] = [];
const started = performance.now();
let next = 0;
const worker = async () => {
  for (let i = next++; i < requests.length; i = next++) {
    const r = requests[i]!;
    const res = await fetch(`${base}${r.url as string}`, {
      method: r.method ?? "GET",
      headers: r.headers as Record<string, string>,
      redirect: "manual",
      ...(r.payload !== undefined ? { body: r.payload as string } : {}),
    }).catch(() => null);
    if (!res) {
      // No answer at all (the connection dropped): as bad as a 5xx.
      serverErrors.push(`no answer ${r.method} ${String(r.url).split("?")[0]}`);
      continue;
    }
    await res.arrayBuffer();
    byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
    if (res.status >= 500) serverErrors.push(`${res.status} ${r.method} ${String(r.url).split("?")[0]}`);
  }
};
await Promise.all(Array.from({ length: concurrency }, worker));
const seconds = (performance.now() - started) / 1000;
await world.hub.idle();
await world.close();

const statuses = Object.fromEntries([...byStatus.entries()].sort(([a], [b]) => a - b));
console.log(
  JSON.stringify(
    {
      machine: { cpus: cpus().length, load: loadavg().map((l) => l.toFixed(2)) },
      database: process.env.DATABASE_URL ? "postgres" : "pglite",
      requests: total,
      routes: world.routes.length,
      seconds: Math.round(seconds),
      statuses,
      serverErrors: serverErrors.length,
      firstServerErrors: serverErrors.slice(0, 10),
    },
    null,
    2,
  ),
);
process.exit(serverErrors.length === 0 ? 0 : 1);
