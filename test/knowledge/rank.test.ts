// rankTopics adds up each index word's hits, computed once when the index is built (match.ts).
// It must rank exactly as one MiniSearch OR search over the question's words did: the same
// topics, the same floating-point scores and coverage. The reference below is that search.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildFaqIndex, loadFaqTopics, MATCH_TUNING, normalizeTokens, rankTopics, type FaqIndex } from "../../src/knowledge/index.js";
import { readEvalItems } from "../../src/knowledge/evaluate.js";
import { isKnownWord } from "../../src/knowledge/normalize.js";
import { stripPreamble } from "../../src/knowledge/question.js";

interface Ranked {
  topicId: string;
  score: number;
  coverage: number;
}

function referenceRank(index: FaqIndex, terms: readonly string[]): Ranked[] {
  const unique = [...new Set(terms)].slice(0, 31);
  if (unique.length === 0) return [];
  const position = new Map(unique.map((t, i) => [t, i]));
  const n = Math.max(index.topics.size, 1);
  const weights = unique.map((t) => Math.log(1 + n / (index.topicFreq.get(t) ?? 1)));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const hits = index.search.search(unique.join(" "), {
    combineWith: "OR",
    fuzzy: (term) => (index.topicFreq.has(term) || isKnownWord(term) ? false : term.length >= 8 ? 2 : term.length >= 4 ? 1 : false),
    prefix: (term) => term.length >= 4,
  });
  const masks = (hit: { queryTerms: string[]; terms: string[] }): [number, number] => {
    let exact = 0;
    let any = 0;
    for (const q of hit.queryTerms) {
      const bit = 1 << (position.get(q) ?? 31);
      any |= bit;
      if (hit.terms.includes(q)) exact |= bit;
    }
    return [exact, any];
  };
  const credit = (exact: number, any: number): number => {
    let sum = 0;
    for (let i = 0; i < unique.length; i++) {
      if (exact & (1 << i)) sum += weights[i]!;
      else if (any & (1 << i)) sum += 0.5 * weights[i]!;
    }
    return sum / totalWeight;
  };
  const meta = new Map<string, { score: number; exact: number; any: number }>();
  for (const hit of hits) {
    if (hit["kind"] !== "meta") continue;
    const [exact, any] = masks(hit);
    meta.set(hit["topicId"] as string, { score: hit.score, exact, any });
  }
  const best = new Map<string, Ranked>();
  const consider = (topicId: string, exampleScore: number, exact: number, any: number) => {
    const m = meta.get(topicId);
    const coverage = credit(exact | (m?.exact ?? 0), any | (m?.any ?? 0));
    const score = (exampleScore + MATCH_TUNING.metaWeight * (m?.score ?? 0)) * coverage;
    const prev = best.get(topicId);
    if (!prev || score > prev.score) best.set(topicId, { topicId, score, coverage });
  };
  for (const hit of hits) {
    if (hit["kind"] === "meta") continue;
    const [exact, any] = masks(hit);
    consider(hit["topicId"] as string, hit.score, exact, any);
  }
  for (const topicId of meta.keys()) if (!best.has(topicId)) consider(topicId, 0, 0, 0);
  return [...best.values()].sort((a, b) => b.score - a.score || a.topicId.localeCompare(b.topicId));
}

const topics = loadFaqTopics();
const index = buildFaqIndex(topics);
const questions = [
  ...["dev-questions.json", "eval-questions.json", "frozen-questions.json"].flatMap((f) =>
    readEvalItems(new URL(f, import.meta.url).pathname).map((i) => i.q),
  ),
  ...(JSON.parse(readFileSync(new URL("../../src/knowledge/training/offtopic.json", import.meta.url), "utf8")) as { examples: string[] })
    .examples,
  // Typos and words the index does not hold go through the live search.
  "stuntng itu apa",
  "imunisasih bayi umur brp",
  "anak sy pilek trs bersin2 tiap pagi, tetangga bilang alergi debu",
];

describe("rankTopics", () => {
  it("ranks every question exactly as one OR search over its words", () => {
    for (const q of questions) {
      const terms = stripPreamble(normalizeTokens(q));
      expect(rankTopics(index, terms), q).toEqual(referenceRank(index, terms));
    }
  });

  it("leaves its scratch sums at zero between questions (the same question ranks the same twice)", () => {
    const terms = stripPreamble(normalizeTokens("kapan bayi mulai mpasi"));
    const first = rankTopics(index, terms);
    rankTopics(index, stripPreamble(normalizeTokens("imunisasi apa saja untuk bayi")));
    expect(rankTopics(index, terms)).toEqual(first);
  });
});
