// npm run eval:faq [-- path/to/questions.json ...] [--failures]
// Prints top-1/top-3 accuracy, the menu rate, danger lists and off-topic handling of the FAQ
// matcher, by style and language. Without a path: the development set (tuned on), the older
// evaluation set, and the frozen test set (written before tuning, never edited to fix a miss).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildFaqIndex, loadFaqTopics } from "../src/knowledge/index.js";
import { evaluate, formatReport, readEvalItems, shownTopics } from "../src/knowledge/evaluate.js";

const args = process.argv.slice(2);
const given = args.filter((a) => !a.startsWith("--"));
const sets = given.length
  ? given
  : ["dev-questions.json", "eval-questions.json", "frozen-questions.json"].map((f) =>
      fileURLToPath(new URL(`../test/knowledge/${f}`, import.meta.url)),
    );
const topics = loadFaqTopics();
const index = buildFaqIndex(topics);
for (const file of sets) {
  if (!existsSync(file)) {
    console.error(`missing question set: ${file}`);
    process.exitCode = 1;
    continue;
  }
  const items = readEvalItems(file);
  const report = evaluate(index, items);
  console.log(`\n${file}\n${topics.length} topics, ${items.length} questions`);
  console.log(formatReport(report));
  if (args.includes("--failures")) {
    for (const { item, match } of report.failures) {
      const got = match.kind === "none" ? `none:${match.reason}` : `${match.kind}:${shownTopics(match).join(",")}`;
      console.log(`  [${item.style}/${item.lang}] ${item.q}  expected=${item.expected ?? "null"}  got=${got}`);
    }
  }
}
