// npm run bench:faq [-- rounds]
// Builds the FAQ index once, then answers every evaluation question many times and prints the
// index build time and per-question latency percentiles (target: p99 ≤ 2 ms).
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { buildFaqIndex, loadFaqTopics, matchQuestion } from "../src/knowledge/index.js";
import { readEvalItems } from "../src/knowledge/evaluate.js";

const rounds = Number(process.argv[2] ?? 50);
// Every question set present: the older evaluation set, the frozen test set (long story-style
// questions) and the development set.
const questions = ["eval-questions.json", "frozen-questions.json", "dev-questions.json"]
  .map((f) => fileURLToPath(new URL(`../test/knowledge/${f}`, import.meta.url)))
  .filter((p) => existsSync(p))
  .flatMap((p) => readEvalItems(p).map((i) => i.q));

const t0 = performance.now();
const topics = loadFaqTopics();
const t1 = performance.now();
const index = buildFaqIndex(topics);
const t2 = performance.now();

// Warm-up so the JIT has compiled the hot paths before we measure.
for (const q of questions) matchQuestion(index, q);

const samples: number[] = [];
const cpuStart = process.cpuUsage();
const perQuestionWorst = new Map<string, number>();
for (let r = 0; r < rounds; r++) {
  for (const q of questions) {
    const s = performance.now();
    matchQuestion(index, q);
    const ms = performance.now() - s;
    samples.push(ms);
    perQuestionWorst.set(q, Math.max(perQuestionWorst.get(q) ?? 0, ms));
  }
}
const cpu = process.cpuUsage(cpuStart);
samples.sort((a, b) => a - b);
const at = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!;
console.log(`topics: ${topics.length}, questions: ${questions.length}, rounds: ${rounds}, samples: ${samples.length}`);
console.log(`load topics: ${(t1 - t0).toFixed(1)} ms, build index: ${(t2 - t1).toFixed(1)} ms`);
console.log(
  `per question: p50 ${at(0.5).toFixed(3)} ms, p90 ${at(0.9).toFixed(3)} ms, p99 ${at(0.99).toFixed(3)} ms, max ${at(1).toFixed(3)} ms`,
);
// Wall-clock percentiles suffer when other processes share the CPU; mean CPU time does not.
console.log(
  `mean CPU time per question: ${((cpu.user + cpu.system) / 1000 / samples.length).toFixed(3)} ms; load average ${loadavg()[0]!.toFixed(2)}`,
);
const slowest = [...perQuestionWorst].sort((a, b) => b[1] - a[1]).slice(0, 3);
console.log("slowest questions (worst run):");
for (const [q, ms] of slowest) console.log(`  ${ms.toFixed(3)} ms  ${q}`);
