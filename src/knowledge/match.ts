// Ranks FAQ topics for a question with MiniSearch (BM25+) over normalised examples, keywords and
// titles, then turns the scores into a decision: answer, offer 2–3 choices, or decline.
import { readFileSync } from "node:fs";
import MiniSearch from "minisearch";
import type { Lang } from "../i18n/index.js";
import { CLASSIFIER_TUNING, NONE, type TopicClassifier, type TrainingDoc } from "./classifier.js";
import { cachedClassifier } from "./model-cache.js";
import { findDangerSign, findDangerSignInTokens } from "./danger.js";
import { detectLanguageOfTokens } from "./language.js";
import { expandTokens, isKnownWord, normalizeTokens, stemWords, tokenize } from "./normalize.js";
import { classifierTerms, mentionsOtherDomain, pleasantry, questionCues, stripPreamble, withinOneEdit } from "./question.js";
import type { FaqMatch, FaqTopic, NoneReason } from "./types.js";

interface Doc {
  id: number;
  topicId: string;
  /** "example" docs: one per example question; "meta" docs: keywords + titles of one topic. */
  kind: "example" | "meta";
  text: string;
}

/**
 * What MiniSearch finds for one word searched alone (with the word's typo and prefix options):
 * each document's score and whether the document holds the word itself (else only a prefix or
 * typo of it). A question's ranking adds these up word by word (rankTopics), exactly as an OR
 * search over the question's words would.
 */
interface WordHits {
  docs: Int32Array;
  scores: Float64Array;
  exact: Uint8Array;
}

interface RankScratch {
  /** The documents a question touched, in order of first touch (the first `n` entries). */
  touched: Int32Array;
  score: Float64Array;
  matched: Int32Array;
  exact: Int32Array;
  any: Int32Array;
  topic: {
    /** The topics touched, in order of first touch. */
    list: Int32Array;
    seen: Uint8Array;
    hasMeta: Uint8Array;
    metaScore: Float64Array;
    metaExact: Int32Array;
    metaAny: Int32Array;
    hasBest: Uint8Array;
    bestScore: Float64Array;
    bestCoverage: Float64Array;
    bestExample: Float64Array;
  };
}

export interface FaqIndex {
  readonly topics: ReadonlyMap<string, FaqTopic>;
  readonly search: MiniSearch<Doc>;
  /**
   * The hits of every word the index holds, computed once when the index is built: a question
   * word the FAQ uses needs no search at all; other words are searched when asked (wordHits).
   */
  readonly indexWordHits: ReadonlyMap<string, WordHits>;
  /** Every document's topic (a number: its place in topicIds) and whether it is the topic's keyword/title document. */
  readonly docTopic: Int32Array;
  readonly docIsMeta: Uint8Array;
  readonly topicIds: readonly string[];
  /** rankTopics' sums per document and per topic, zero between calls (matching is synchronous: one set per index). */
  readonly scratch: RankScratch;
  /** Stems of all curated keywords: a question must touch one of these to be "on topic". */
  readonly domainTerms: ReadonlySet<string>;
  /** Stem -> number of topics using it; rare words weigh more in coverage (like IDF). */
  readonly topicFreq: ReadonlyMap<string, number>;
  /** Learned signal: logistic regression over the topics' examples and keywords (classifier.ts). */
  readonly classifier: TopicClassifier;
}

/** Off-topic messages the classifier learns as its "none" class (training/offtopic.json). */
export const OFFTOPIC_TRAINING: readonly string[] = (
  JSON.parse(readFileSync(new URL("./training/offtopic.json", import.meta.url), "utf8")) as { examples: string[] }
).examples;

// Training takes a few hundred milliseconds: a process that builds the same FAQ again (tests,
// a refresh that changed only answer texts) reuses the model, and a new process loads it from
// the disk cache (model-cache.ts).
const modelCache = new Map<string, TopicClassifier>();

function classifierFor(docs: TrainingDoc[]): TopicClassifier {
  const key = docs.map((d) => `${d.label}:${d.stems.join(" ")}`).join("|");
  let model = modelCache.get(key);
  if (!model) {
    model = cachedClassifier(docs, CLASSIFIER_TUNING);
    if (modelCache.size >= 4) modelCache.delete(modelCache.keys().next().value!);
    modelCache.set(key, model);
  }
  return model;
}

// Chosen on test/knowledge/dev-questions.json; the evaluation set was only used to spot general
// gaps in normalisation (chat words, stemming), never to fit these numbers to its questions.
export const MATCH_TUNING = {
  /** Weight of the topic-level keyword/title document next to the best single example. */
  metaWeight: 0.6,
  /** BM25's share counts fully once the topic covers this share of the question's words. */
  minCoverage: 0.5,
  /** Weight of the classifier's probability in the combined confidence (the rest is BM25). */
  classifierWeight: 0.6,
  /** Answer directly when the best topic's confidence leads the second's by this much. */
  answerMargin: 0.12,
  /** Topics offered in a menu: confidence at least this share of the best one's. */
  choiceRatio: 0.6,
  /** Declined as off-topic when the classifier's "none" class is above this and above the best topic. */
  offtopicProbability: 0.35,
  /** Below this, a topic is too weak to stand against a more likely off-topic class. */
  weakConfidence: 0.25,
  /** A question with words of another domain (harga, KTP, ...) needs this much confidence. */
  otherDomainConfidence: 0.6,
} as const;

// Edit distance allowed for typos: none for short words (too many near neighbours), 1 from four
// letters, 2 from eight ("imunisasih", "eksklsif").
const fuzzyFor = (term: string): number | boolean => (term.length >= 8 ? 2 : term.length >= 4 ? 1 : false);
const prefixFor = (term: string): boolean => term.length >= 4;

/**
 * How a question word is searched. Words the index knows need no typo search; this is both
 * faster and avoids near-miss matches between two real words ("kuning" ~ "pusing"). A correctly
 * spelled word the FAQ does not use ("tetangga") is no typo either: searching its near neighbours
 * costs time on long story-style questions and finds only false friends.
 */
function searchOptionsFor(topicFreq: ReadonlyMap<string, number>) {
  return {
    combineWith: "OR",
    fuzzy: (term: string) => (topicFreq.has(term) || isKnownWord(term) ? false : fuzzyFor(term)),
    prefix: prefixFor,
  } as const;
}

/** One word searched alone: MiniSearch's own scores (its BM25+, prefix and typo weights). */
function searchWord(search: MiniSearch<Doc>, topicFreq: ReadonlyMap<string, number>, word: string): WordHits {
  const results = search.search(word, searchOptionsFor(topicFreq));
  const hits: WordHits = {
    docs: new Int32Array(results.length),
    scores: new Float64Array(results.length),
    exact: new Uint8Array(results.length),
  };
  for (let k = 0; k < results.length; k++) {
    const r = results[k]!;
    hits.docs[k] = r.id as number;
    // Alone, a word's score is not multiplied by anything (MiniSearch's quality factor is 1).
    hits.scores[k] = r.score;
    hits.exact[k] = r.terms.includes(word) ? 1 : 0;
  }
  return hits;
}

function wordHits(index: FaqIndex, word: string): WordHits {
  return index.indexWordHits.get(word) ?? searchWord(index.search, index.topicFreq, word);
}

/** Builds the search index once at start-up; topics may come from files or a database. */
export function buildFaqIndex(topics: readonly FaqTopic[]): FaqIndex {
  const search = new MiniSearch<Doc>({
    fields: ["text"],
    storeFields: ["topicId", "kind"],
    // Texts are normalised by us before indexing; MiniSearch must not re-tokenise differently.
    tokenize: (text) => text.split(" ").filter(Boolean),
    processTerm: (term) => term,
    searchOptions: { tokenize: (text) => text.split(" ").filter(Boolean), processTerm: (t) => t },
  });
  const docs: Doc[] = [];
  const domainTerms = new Set<string>();
  const termTopics = new Map<string, Set<string>>();
  const byId = new Map<string, FaqTopic>();
  const training: TrainingDoc[] = [];
  for (const topic of topics) {
    if (byId.has(topic.id)) throw new Error(`duplicate FAQ topic id ${topic.id}`);
    byId.set(topic.id, topic);
    const exampleStems: string[] = [];
    for (const q of [...topic.examples.id, ...topic.examples.bjn]) {
      const stems = normalizeTokens(q);
      exampleStems.push(...stems);
      if (stems.length) {
        docs.push({ id: docs.length, topicId: topic.id, kind: "example", text: stems.join(" ") });
        training.push({ label: topic.id, stems: classifierTerms(q) });
      }
    }
    for (const k of [...topic.keywords.id, ...topic.keywords.bjn, ...Object.values(topic.titles ?? {})]) {
      const stems = k ? normalizeTokens(k) : [];
      if (stems.length) training.push({ label: topic.id, stems });
    }
    const keywordStems = [...topic.keywords.id, ...topic.keywords.bjn].flatMap(normalizeTokens);
    // Topics without curated keywords (e.g. a quick admin override) vouch with their examples.
    for (const k of keywordStems.length ? keywordStems : exampleStems) domainTerms.add(k);
    const titleStems = Object.values(topic.titles ?? {}).flatMap((t) => (t ? normalizeTokens(t) : []));
    const meta = [...keywordStems, ...titleStems].join(" ");
    if (meta) docs.push({ id: docs.length, topicId: topic.id, kind: "meta", text: meta });
  }
  search.addAll(docs);
  for (const d of docs) {
    for (const t of d.text.split(" ")) {
      const set = termTopics.get(t) ?? new Set<string>();
      set.add(d.topicId);
      termTopics.set(t, set);
    }
  }
  const topicFreq = new Map([...termTopics].map(([t, set]) => [t, set.size]));
  for (const q of OFFTOPIC_TRAINING) {
    const stems = classifierTerms(q);
    if (stems.length) training.push({ label: NONE, stems });
  }
  // About a thousand words, a few tens of milliseconds once; every question then reads them.
  const indexWordHits = new Map([...topicFreq.keys()].map((word) => [word, searchWord(search, topicFreq, word)]));
  const topicIds = [...byId.keys()];
  const topicNumber = new Map(topicIds.map((id, i) => [id, i]));
  const docTopic = Int32Array.from(docs, (d) => topicNumber.get(d.topicId)!);
  const docIsMeta = Uint8Array.from(docs, (d) => (d.kind === "meta" ? 1 : 0));
  const n = docs.length;
  const t = topicIds.length;
  const scratch: RankScratch = {
    touched: new Int32Array(n),
    score: new Float64Array(n),
    matched: new Int32Array(n),
    exact: new Int32Array(n),
    any: new Int32Array(n),
    topic: {
      list: new Int32Array(t),
      seen: new Uint8Array(t),
      hasMeta: new Uint8Array(t),
      metaScore: new Float64Array(t),
      metaExact: new Int32Array(t),
      metaAny: new Int32Array(t),
      hasBest: new Uint8Array(t),
      bestScore: new Float64Array(t),
      bestCoverage: new Float64Array(t),
      bestExample: new Float64Array(t),
    },
  };
  return {
    topics: byId,
    search,
    indexWordHits,
    docTopic,
    docIsMeta,
    topicIds,
    scratch,
    domainTerms,
    topicFreq,
    classifier: classifierFor(training),
  };
}

interface Ranked {
  topicId: string;
  score: number;
  /** Share of the question's (unique) words this topic matched. */
  coverage: number;
}

/**
 * Weight of a question word for coverage: log(1 + topics / topics using it). A word no topic uses
 * ("liga", "kapal") gets the highest weight, so a question made mostly of such words is off-topic.
 */
function termWeight(index: FaqIndex, term: string): number {
  const n = Math.max(index.topics.size, 1);
  return Math.log(1 + n / (index.topicFreq.get(term) ?? 1));
}

/**
 * Topic scores: best example doc + a share of the keyword doc, multiplied by the weighted share
 * of the question's words the topic covers (so one lucky rare word cannot beat full coverage).
 */
export function rankTopics(index: FaqIndex, terms: readonly string[]): Ranked[] {
  // Bit masks over the question's words keep the per-hit work allocation-free (31 words is
  // plenty for a chat message; longer ones are cut).
  const unique = [...new Set(terms)].slice(0, 31);
  if (unique.length === 0) return [];
  const weights = unique.map((t) => termWeight(index, t));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  // The OR search over the question's words, summed per document from each word's own hits in
  // the question's order (MiniSearch's order of addition, so the same floating-point result),
  // then multiplied by the number of question words the document matched (MiniSearch's quality).
  // A question word found exactly in a document counts fully for coverage; one that only matched
  // by typo or prefix ("kuning" ~ "pusing") counts half.
  // Searched first: nothing below can throw, so the scratch sums are always zeroed again.
  const perWord = unique.map((word) => wordHits(index, word));
  const { touched, score, matched, exact, any, topic } = index.scratch;
  let touchedCount = 0;
  for (let i = 0; i < perWord.length; i++) {
    const hits = perWord[i]!;
    const bit = 1 << i;
    for (let k = 0; k < hits.docs.length; k++) {
      const doc = hits.docs[k]!;
      if (matched[doc] === 0) {
        touched[touchedCount++] = doc;
        score[doc] = hits.scores[k]!;
      } else {
        score[doc] = score[doc]! + hits.scores[k]!;
      }
      matched[doc]!++;
      any[doc]! |= bit;
      if (hits.exact[k]) exact[doc]! |= bit;
    }
  }
  const credit = (exactBits: number, anyBits: number): number => {
    let sum = 0;
    for (let i = 0; i < unique.length; i++) {
      const bit = 1 << i;
      if (exactBits & bit) sum += weights[i]!;
      else if (anyBits & bit) sum += 0.5 * weights[i]!;
    }
    return sum / totalWeight;
  };
  // Per topic: its keyword/title document's hit, then its best example. The question should be
  // covered by one example (plus the topic's keywords), not by words scattered over many
  // examples of a big topic: each topic keeps its best example (on a tie, the one MiniSearch
  // ranked first: the higher search score).
  let topicCount = 0;
  for (let d = 0; d < touchedCount; d++) {
    const doc = touched[d]!;
    const t = index.docTopic[doc]!;
    if (topic.seen[t] === 0) {
      topic.seen[t] = 1;
      topic.list[topicCount++] = t;
    }
    if (index.docIsMeta[doc]) {
      topic.hasMeta[t] = 1;
      topic.metaScore[t] = score[doc]! * matched[doc]!;
      topic.metaExact[t] = exact[doc]!;
      topic.metaAny[t] = any[doc]!;
    }
  }
  const consider = (t: number, exampleScore: number, exampleExact: number, exampleAny: number) => {
    const coverage = credit(exampleExact | topic.metaExact[t]!, exampleAny | topic.metaAny[t]!);
    const total = (exampleScore + MATCH_TUNING.metaWeight * topic.metaScore[t]!) * coverage;
    if (topic.hasBest[t] === 0 || total > topic.bestScore[t]! || (total === topic.bestScore[t] && exampleScore > topic.bestExample[t]!)) {
      topic.hasBest[t] = 1;
      topic.bestScore[t] = total;
      topic.bestCoverage[t] = coverage;
      topic.bestExample[t] = exampleScore;
    }
  };
  for (let d = 0; d < touchedCount; d++) {
    const doc = touched[d]!;
    if (!index.docIsMeta[doc]) consider(index.docTopic[doc]!, score[doc]! * matched[doc]!, exact[doc]!, any[doc]!);
    matched[doc] = 0;
    exact[doc] = 0;
    any[doc] = 0;
  }
  const ranked: Ranked[] = [];
  for (let k = 0; k < topicCount; k++) {
    const t = topic.list[k]!;
    if (topic.hasBest[t] === 0) consider(t, 0, 0, 0);
    ranked.push({ topicId: index.topicIds[t]!, score: topic.bestScore[t]!, coverage: topic.bestCoverage[t]! });
    topic.seen[t] = 0;
    topic.hasBest[t] = 0;
    topic.hasMeta[t] = 0;
    topic.metaScore[t] = 0;
    topic.metaExact[t] = 0;
    topic.metaAny[t] = 0;
  }
  return ranked.sort((a, b) => b.score - a.score || a.topicId.localeCompare(b.topicId));
}

/** True when the question contains danger-sign wording (the tables in danger-signs.ts). */
export function hasDangerWords(text: string): boolean {
  return findDangerSign(text) !== null;
}

function touchesDomain(index: FaqIndex, terms: readonly string[]): boolean {
  return terms.some((t) => {
    if (index.domainTerms.has(t)) return true;
    // Typos and inflections of a domain word ("stuntng", "imunisasinya") still count.
    if (t.length < 5) return false;
    for (const d of index.domainTerms) if (d.length >= 4 && (t.startsWith(d) || withinOneEdit(t, d))) return true;
    return false;
  });
}

export interface Scored {
  topicId: string;
  /** Calibrated confidence in [0, 1]: weighted mean of the classifier's and BM25's shares. */
  confidence: number;
  classifier: number;
  bm25: number;
}

/** Topics the classifier knows, per classifier (its labels as a set, built once). */
const classifierTopics = new WeakMap<FaqIndex["classifier"], Set<string>>();

/** The order of scored topics: higher confidence first, then by id. */
const byConfidence = (a: Scored, b: Scored): number => b.confidence - a.confidence || a.topicId.localeCompare(b.topicId);

/**
 * Both signals over the topics: the classifier's probability and BM25's share of the best
 * topics' scores (score / sum of the top 8), mixed with MATCH_TUNING.classifierWeight. Also the
 * classifier's probability that the message is off-topic. Only the best `keep` topics are kept,
 * in order (the answer, the runner-up and a menu of three need no more): scoring every topic into
 * objects and sorting them all was a sixth of what the inbound message path allocated.
 */
export function scoreTopics(
  index: FaqIndex,
  features: readonly string[],
  ranked: readonly Ranked[],
  keep = 3,
): { scored: Scored[]; none: number } {
  const probs = index.classifier.predict(features);
  const labels = index.classifier.labels;
  let known = classifierTopics.get(index.classifier);
  if (!known) classifierTopics.set(index.classifier, (known = new Set(labels)));
  const top = ranked.slice(0, 8);
  const total = top.reduce((a, r) => a + r.score, 0);
  const bm25 = (r: Ranked): number => (r.score / total) * Math.min(1, r.coverage / MATCH_TUNING.minCoverage);
  const w = MATCH_TUNING.classifierWeight;
  const best: Scored[] = [];
  const offer = (topicId: string, classifier: number, share: number): void => {
    const s: Scored = { topicId, confidence: w * classifier + (1 - w) * share, classifier, bm25: share };
    if (best.length === keep && byConfidence(s, best[keep - 1]!) >= 0) return;
    let at = best.length;
    while (at > 0 && byConfidence(s, best[at - 1]!) < 0) at--;
    best.splice(at, 0, s);
    if (best.length > keep) best.pop();
  };
  let none = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label === NONE) {
      none = probs[i]!;
      continue;
    }
    if (!index.topics.has(label)) continue;
    const r = total > 0 ? top.find((t) => t.topicId === label) : undefined;
    offer(label, probs[i]!, r ? bm25(r) : 0);
  }
  // Topics BM25 found that the classifier does not know (added at run time).
  if (total > 0) for (const r of top) if (!known.has(r.topicId) || !index.topics.has(r.topicId)) offer(r.topicId, 0, bm25(r));
  return { scored: best, none };
}

/** Matches one question; pure and synchronous once the index is built. */
export function matchQuestion(index: FaqIndex, text: string): FaqMatch {
  // The text is cleaned and split once; the language, the danger tables and the stems all read it.
  const tokens = tokenize(text);
  const lang: Lang | null = detectLanguageOfTokens(tokens);
  const words = expandTokens(tokens);
  const terms = stripPreamble(stemWords(words));
  const ranked = rankTopics(index, terms);
  const rankedIds = ranked.slice(0, 3).map((r) => r.topicId);
  const none = (reason: NoneReason, confidence = 0, ids = rankedIds): FaqMatch => ({ kind: "none", reason, lang, ranked: ids, confidence });

  const polite = pleasantry(words);
  if (polite) return none(polite);

  // A danger sign is answered with its Buku KIA list first, whatever else the question asks
  // (go to the bidan/puskesmas before anything else). The tables pick the list (pregnancy, nifas,
  // newborn, sick child); if the Pokja disabled that topic, the best-ranked danger topic answers.
  const danger = findDangerSignInTokens(tokens);
  if (danger) {
    const listed = index.topics.get(danger.topicId)?.danger
      ? danger.topicId
      : ranked.find((r) => index.topics.get(r.topicId)?.danger)?.topicId;
    if (listed) {
      const rest = ranked
        .filter((r) => r.topicId !== listed)
        .slice(0, 2)
        .map((r) => r.topicId);
      const score = ranked.find((r) => r.topicId === listed)?.score ?? 0;
      return { kind: "answer", topicId: listed, score, danger: true, lang, ranked: [listed, ...rest], confidence: 1 };
    }
  }
  if (terms.length === 0 || !touchesDomain(index, terms)) return none("offtopic");

  const { scored, none: offtopicProbability } = scoreTopics(index, [...terms, ...questionCues(words)], ranked);
  const best = scored[0];
  if (!best) return none("offtopic");
  const second = scored[1];
  const ids = scored.slice(0, 3).map((s) => s.topicId);
  // Words of another domain (prices, documents, transport ...) decline unless the health topic
  // is clearly what is asked ("harga telur di pasar" is declined, "jualan di pasar, mau tetap
  // kasih ASI" is answered).
  const otherDomain = mentionsOtherDomain(words);
  if (otherDomain && best.confidence < MATCH_TUNING.otherDomainConfidence) return none("offtopic", best.confidence, ids);
  // The classifier's off-topic class decides when it beats every topic and either is sure of
  // itself or no topic is even moderately likely.
  if (
    offtopicProbability > best.classifier &&
    (offtopicProbability > MATCH_TUNING.offtopicProbability || best.confidence < MATCH_TUNING.weakConfidence)
  ) {
    return none("offtopic", best.confidence, ids);
  }

  const answer = (): FaqMatch => {
    const topic = index.topics.get(best.topicId);
    const score = ranked.find((r) => r.topicId === best.topicId)?.score ?? 0;
    return { kind: "answer", topicId: best.topicId, score, danger: topic?.danger ?? false, lang, ranked: ids, confidence: best.confidence };
  };
  // Decide by margin: answer when the best topic is clearly ahead; a menu only when the top two
  // are close (both plausible); never a menu with one option.
  const margin = best.confidence - (second?.confidence ?? 0);
  if (margin >= MATCH_TUNING.answerMargin || !second) return answer();
  const choices = scored
    .filter((s) => s.confidence >= MATCH_TUNING.choiceRatio * best.confidence)
    .slice(0, 3)
    .map((s) => s.topicId);
  if (choices.length < 2) return answer();
  return { kind: "choices", topicIds: choices, lang, ranked: ids, confidence: best.confidence };
}
