// A learned signal next to BM25: multinomial logistic regression over TF-IDF features of the
// normalised question (word stems, stem pairs, character n-grams of the stems). Trained at start
// from every topic's example questions and keywords plus a list of off-topic messages (an extra
// class, NONE), in pure TypeScript, deterministic (fixed seed), in well under a second.
//
// Why both: BM25 rewards exact shared words and handles a topic with few examples; the
// classifier learns which words *tell topics apart* from many paraphrases per topic, shrugs off
// greeting and story words that occur across all topics, and the character n-grams carry typos
// and Banjar spellings that share most letters with the Indonesian word.
import { seededRandom } from "../lib/random.js";

/** The class of messages the FAQ does not cover (trained on OFFTOPIC_TRAINING). */
export const NONE = "__none__";

export interface ClassifierTuning {
  epochs: number;
  /** Adagrad learning rate. */
  rate: number;
  /** L2 penalty per update (scaled by the learning rate). */
  l2: number;
  /** Character n-gram sizes taken from each stem (with boundary marks). */
  charGrams: readonly number[];
  /** Relative weight of the feature groups before L2 normalisation. */
  wordWeight: number;
  pairWeight: number;
  charWeight: number;
}

export const CLASSIFIER_TUNING: ClassifierTuning = {
  epochs: 14,
  rate: 0.5,
  l2: 1e-5,
  charGrams: [3, 4],
  wordWeight: 1,
  pairWeight: 0.5,
  charWeight: 0.6,
};

export interface TrainingDoc {
  label: string;
  /** Normalised stems of one training question (normalize.ts normalizeTokens). */
  stems: readonly string[];
}

interface SparseVector {
  index: Int32Array;
  value: Float32Array;
}

export interface TopicClassifier {
  readonly labels: readonly string[];
  /** Class probabilities (softmax) for a question's stems, in `labels` order. */
  predict(stems: readonly string[]): Float64Array;
  /** The same as predict, computed the slow, plain way (tests check that both agree). */
  predictReference(stems: readonly string[]): Float64Array;
  /** Number of features the question shares with the training data (0 = nothing known). */
  knownFeatures(stems: readonly string[]): number;
}

type Group = "w" | "p" | "c";

function rawFeatures(stems: readonly string[], tuning: ClassifierTuning): Map<string, [Group, number]> {
  const out = new Map<string, [Group, number]>();
  const add = (key: string, group: Group) => {
    const prev = out.get(key);
    if (prev) prev[1] += 1;
    else out.set(key, [group, 1]);
  };
  for (let i = 0; i < stems.length; i++) {
    const s = stems[i]!;
    add(`w:${s}`, "w");
    if (i + 1 < stems.length) add(`p:${s} ${stems[i + 1]}`, "p");
    const marked = `<${s}>`;
    for (const n of tuning.charGrams) {
      for (let j = 0; j + n <= marked.length; j++) add(`c:${marked.slice(j, j + n)}`, "c");
    }
  }
  return out;
}

type GroupWeights = Record<Group, number>;

/** TF-IDF vector of a question's raw features, L2-normalised (features unknown to the model dropped). */
function vectorizeRaw(
  raw: Map<string, [Group, number]>,
  vocab: Map<string, number>,
  idf: Float32Array,
  groupWeight: GroupWeights,
): SparseVector {
  const idx: number[] = [];
  const val: number[] = [];
  for (const [key, [group, tf]] of raw) {
    const id = vocab.get(key);
    if (id === undefined) continue;
    idx.push(id);
    val.push((1 + Math.log(tf)) * idf[id]! * groupWeight[group]);
  }
  let sq = 0;
  for (const v of val) sq += v * v;
  const norm = Math.sqrt(sq) || 1;
  return { index: Int32Array.from(idx), value: Float32Array.from(val, (v) => v / norm) };
}

/** Class probabilities: softmax of bias + W·x, written into out. */
function softmaxScores(W: Float32Array, bias: Float64Array, C: number, x: SparseVector, out: Float64Array): void {
  out.set(bias);
  for (let k = 0; k < x.index.length; k++) {
    const row = x.index[k]! * C;
    const v = x.value[k]!;
    for (let c = 0; c < C; c++) out[c]! += W[row + c]! * v;
  }
  let max = -Infinity;
  for (let c = 0; c < C; c++) if (out[c]! > max) max = out[c]!;
  let sum = 0;
  for (let c = 0; c < C; c++) {
    out[c] = Math.exp(out[c]! - max);
    sum += out[c]!;
  }
  for (let c = 0; c < C; c++) out[c]! /= sum;
}

const SKIP_GRADIENT = 1e-3;

const prng = seededRandom;

/**
 * The trained model as plain data: what classifierFromModel needs to answer, and what the
 * on-disk cache (model-cache.ts) stores so a restart with the same content need not train again.
 */
export interface ClassifierModel {
  labels: string[];
  /** Feature keys ("w:stem", "p:stem stem", "c:<gram"), in weight-row order. */
  features: string[];
  idf: Float32Array;
  /** Feature-major weights: row = feature, one column per label. */
  weights: Float32Array;
  bias: Float64Array;
  tuning: ClassifierTuning;
}

export function trainClassifier(docs: readonly TrainingDoc[], tuning: ClassifierTuning = CLASSIFIER_TUNING): TopicClassifier {
  return classifierFromModel(fitClassifier(docs, tuning));
}

export function fitClassifier(docs: readonly TrainingDoc[], tuning: ClassifierTuning = CLASSIFIER_TUNING): ClassifierModel {
  const labels = [...new Set(docs.map((d) => d.label))].sort();
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const C = labels.length;
  // Vocabulary and document frequencies.
  const vocab = new Map<string, number>();
  const df: number[] = [];
  const raws = docs.map((d) => rawFeatures(d.stems, tuning));
  for (const raw of raws) {
    for (const key of raw.keys()) {
      let id = vocab.get(key);
      if (id === undefined) {
        id = vocab.size;
        vocab.set(key, id);
        df.push(0);
      }
      df[id]!++;
    }
  }
  const N = docs.length;
  const idf = Float32Array.from(df, (n) => Math.log((1 + N) / (1 + n)) + 1);
  const groupWeight = { w: tuning.wordWeight, p: tuning.pairWeight, c: tuning.charWeight };
  const featureWeight = new Float32Array(vocab.size);
  for (const [key, id] of vocab) featureWeight[id] = groupWeight[key[0] as Group];

  const vectorize = (raw: Map<string, [Group, number]>) => vectorizeRaw(raw, vocab, idf, groupWeight);

  const F = vocab.size;
  // Weights are feature-major (row = feature, C classes), plus one bias per class.
  const W = new Float32Array(F * C);
  const G = new Float32Array(F * C).fill(1e-6);
  const bias = new Float64Array(C);
  const gBias = new Float64Array(C).fill(1e-6);
  const xs = raws.map(vectorize);
  const ys = docs.map((d) => labelIndex.get(d.label)!);
  const scores = new Float64Array(C);
  const activeClasses = new Int32Array(C);

  const forward = (x: SparseVector, out: Float64Array) => softmaxScores(W, bias, C, x, out);

  const order = docs.map((_, i) => i);
  const random = prng(20240601);
  for (let epoch = 0; epoch < tuning.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const i of order) {
      const x = xs[i]!;
      forward(x, scores);
      scores[ys[i]!]! -= 1; // gradient of the cross-entropy w.r.t. the logits
      // Classes the model already rules out (|gradient| tiny) are skipped: after the first
      // epochs that is most of them, which makes training several times faster.
      let active = 0;
      for (let c = 0; c < C; c++) {
        const g = scores[c]!;
        if (Math.abs(g) < SKIP_GRADIENT) continue;
        activeClasses[active++] = c;
        gBias[c]! += g * g;
        bias[c]! -= (tuning.rate * g) / Math.sqrt(gBias[c]!);
      }
      for (let k = 0; k < x.index.length; k++) {
        const row = x.index[k]! * C;
        const v = x.value[k]!;
        for (let a = 0; a < active; a++) {
          const c = activeClasses[a]!;
          const g = scores[c]! * v + tuning.l2 * W[row + c]!;
          G[row + c]! += g * g;
          W[row + c]! -= (tuning.rate * g) / Math.sqrt(G[row + c]!);
        }
      }
    }
  }
  return { labels, features: [...vocab.keys()], idf, weights: W, bias, tuning };
}

/** A classifier answering from a trained (or cached) model. */
export function classifierFromModel(model: ClassifierModel): TopicClassifier {
  const { labels, idf, tuning, bias } = model;
  const W = model.weights;
  const C = labels.length;
  const vocab = new Map(model.features.map((key, id) => [key, id]));
  const groupWeight = { w: tuning.wordWeight, p: tuning.pairWeight, c: tuning.charWeight };
  const featureWeight = new Float32Array(vocab.size);
  for (const [key, id] of vocab) featureWeight[id] = groupWeight[key[0] as Group];
  const vectorize = (raw: Map<string, [Group, number]>) => vectorizeRaw(raw, vocab, idf, groupWeight);
  const forward = (x: SparseVector, out: Float64Array) => softmaxScores(W, bias, C, x, out);

  // At question time the features of each stem (word and character n-grams) are looked up once
  // and cached: stems repeat across questions, and building n-gram strings dominated the cost.
  const stemCache = new Map<string, Int32Array>();
  const stemFeatures = (stem: string): Int32Array => {
    let ids = stemCache.get(stem);
    if (!ids) {
      const found: number[] = [];
      for (const [key, [, n]] of rawFeatures([stem], tuning)) {
        const id = vocab.get(key);
        if (id !== undefined) for (let k = 0; k < n; k++) found.push(id);
      }
      ids = Int32Array.from(found);
      if (stemCache.size > 50_000) stemCache.clear();
      stemCache.set(stem, ids);
    }
    return ids;
  };
  const fastVector = (stems: readonly string[]): SparseVector => {
    const tf = new Map<number, number>();
    for (let i = 0; i < stems.length; i++) {
      for (const id of stemFeatures(stems[i]!)) tf.set(id, (tf.get(id) ?? 0) + 1);
      if (i + 1 < stems.length) {
        const id = vocab.get(`p:${stems[i]} ${stems[i + 1]}`);
        if (id !== undefined) tf.set(id, (tf.get(id) ?? 0) + 1);
      }
    }
    const index = new Int32Array(tf.size);
    const value = new Float32Array(tf.size);
    let k = 0;
    let sq = 0;
    for (const [id, n] of tf) {
      const v = (1 + Math.log(n)) * idf[id]! * featureWeight[id]!;
      index[k] = id;
      value[k++] = v;
      sq += v * v;
    }
    const norm = Math.sqrt(sq) || 1;
    for (let j = 0; j < value.length; j++) value[j]! /= norm;
    return { index, value };
  };

  return {
    labels,
    predict(stems) {
      const out = new Float64Array(C);
      forward(fastVector(stems), out);
      return out;
    },
    predictReference(stems) {
      const out = new Float64Array(C);
      forward(vectorize(rawFeatures(stems, tuning)), out);
      return out;
    },
    knownFeatures(stems) {
      let n = 0;
      for (const key of rawFeatures(stems, tuning).keys()) if (key.startsWith("w:") && vocab.has(key)) n++;
      return n;
    },
  };
}
