// npm run eval:faq [-- path/to/questions.json] [--failures]
// Prints top-1/top-3 accuracy and off-topic handling of the FAQ matcher, by style and language.
import { fileURLToPath } from "node:url";
import { buildFaqIndex, loadFaqTopics } from "../src/knowledge/index.js";
import { evaluate, formatReport, readEvalItems, shownTopics } from "../src/knowledge/evaluate.js";

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith("--")) ?? fileURLToPath(new URL("../test/knowledge/eval-questions.json", import.meta.url));
const topics = loadFaqTopics();
const index = buildFaqIndex(topics);
const items = readEvalItems(file);
const report = evaluate(index, items);
console.log(`${file}\n${topics.length} topics, ${items.length} questions`);
console.log(formatReport(report));
if (args.includes("--failures")) {
  for (const { item, match } of report.failures) {
    const got = match.kind === "none" ? `none:${match.reason}` : `${match.kind}:${shownTopics(match).join(",")}`;
    console.log(`  [${item.style}/${item.lang}] ${item.q}  expected=${item.expected ?? "null"}  got=${got}`);
  }
}
