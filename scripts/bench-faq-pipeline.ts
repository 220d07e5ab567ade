// npm run bench:faq:pipeline [-- messages]
// The whole reply pipeline for FAQ questions, in-process: handleInbound (ledger, contact, lock,
// flood count, dialogue state, FAQ matching, the answer rendered and queued) on a fresh database:
// PostgreSQL when DATABASE_URL is set (a database is created and dropped), else in-memory PGlite.
// Reports CPU of this process per message (on PostgreSQL the server's CPU is not included; on
// PGlite it is, since the database runs in the process). Target (FAQ issue): ≤ 5 ms CPU.
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../src/config/index.js";
import { openBenchDatabase } from "./bench-db.js";
import { handleInbound } from "../src/conversation/inbound.js";
import { readEvalItems } from "../src/knowledge/evaluate.js";
import { createLogger } from "../src/lib/log.js";
import { createRuntime } from "../src/runtime.js";

const total = Number(process.argv[2] ?? 2000);
const questions = ["eval-questions.json", "frozen-questions.json"]
  .map((f) => fileURLToPath(new URL(`../test/knowledge/${f}`, import.meta.url)))
  .filter((p) => existsSync(p))
  .flatMap((p) => readEvalItems(p).map((i) => i.q));

const { database, drop } = await openBenchDatabase("faq", 4);
const rt = await createRuntime(loadConfig({ LOG_LEVEL: "silent" }), { log: createLogger("silent"), database });

// Each sender asks a handful of questions (new and returning contacts both occur in real use);
// one at a time, so this measures cost per message, not concurrency.
const run = async (n: number, offset: number) => {
  for (let i = 0; i < n; i++) {
    const k = offset + i;
    await handleInbound(rt, {
      channel: "telegram",
      externalId: `bench-${k}`,
      address: String(500_000 + Math.floor(k / 5)),
      text: questions[k % questions.length]!,
      receivedAt: new Date(rt.clock.now().getTime() + k),
    });
  }
};
await run(200, 0); // warm-up: JIT, prepared statements, classifier caches
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await run(total, 200);
const wall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
console.log(`engine: ${rt.engine}, messages: ${total}, load average ${loadavg()[0]!.toFixed(2)}`);
console.log(
  `CPU per message (this process): ${((cpu.user + cpu.system) / 1000 / total).toFixed(2)} ms; wall per message ${(wall / total).toFixed(2)} ms`,
);
await rt.close();
await drop();
