import { describe, expect, it } from "vitest";
import { NONE, trainClassifier } from "../../src/knowledge/classifier.js";
import { buildFaqIndex, loadFaqTopics } from "../../src/knowledge/index.js";
import { classifierTerms } from "../../src/knowledge/question.js";
import { tinyDocs } from "./classifier-docs.js";

const docs = tinyDocs;

describe("topic classifier (logistic regression over TF-IDF)", () => {
  it("learns the topics and gives probabilities that sum to one", () => {
    const model = trainClassifier(docs);
    const p = model.predict(["madu"]);
    expect(model.labels[p.indexOf(Math.max(...p))]).toBe("madu");
    expect([...p].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    const off = model.predict(["harga", "tiket"]);
    expect(model.labels[off.indexOf(Math.max(...off))]).toBe(NONE);
  });

  it("reads a typo through its character n-grams", () => {
    const p = trainClassifier(docs).predict(["telor"]);
    expect(p[trainClassifier(docs).labels.indexOf("telur")]).toBeGreaterThan(p[trainClassifier(docs).labels.indexOf("madu")]!);
  });

  it("is deterministic: the same data gives the same model", () => {
    expect([...trainClassifier(docs).predict(["bayi", "madu"])]).toEqual([...trainClassifier(docs).predict(["bayi", "madu"])]);
  });

  it("computes the same probabilities on the fast, cached path as on the plain one", () => {
    const index = buildFaqIndex(loadFaqTopics());
    for (const q of ["apa itu stunting", "Pagi bu, ASI sy sedikit, gimana ya", "urang batianan bulih kah diurut dukun", "harga beras"]) {
      const terms = classifierTerms(q);
      const fast = index.classifier.predict(terms);
      const plain = index.classifier.predictReference(terms);
      fast.forEach((v, i) => expect(v).toBeCloseTo(plain[i]!, 6));
    }
  });
});
