import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLASSIFIER_TUNING, fitClassifier, trainClassifier } from "../../src/knowledge/classifier.js";
import { cachedClassifier, decodeModel, encodeModel, modelKey } from "../../src/knowledge/model-cache.js";
import { tinyDocs } from "./classifier-docs.js";

const docs = tinyDocs;
const questions = [["madu"], ["telor", "bayi"], ["harga"], ["tidak", "dikenal"]];
const dir = mkdtempSync(join(tmpdir(), "balanting-model-cache-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const predictions = (c: { predict(s: string[]): Float64Array }) => questions.map((q) => [...c.predict(q)]);

describe("FAQ classifier disk cache", () => {
  it("a model read back answers exactly as the trained one", () => {
    const model = fitClassifier(docs);
    const back = decodeModel(encodeModel(model));
    expect(back).not.toBeNull();
    expect(back!.labels).toEqual(model.labels);
    expect([...back!.weights]).toEqual([...model.weights]);
    expect([...back!.bias]).toEqual([...model.bias]);
  });

  it("trains once, stores the model, and the next start loads the same answers from disk", () => {
    const first = cachedClassifier(docs, CLASSIFIER_TUNING, dir);
    const files = readdirSync(dir).filter((f) => f.endsWith(".bin"));
    expect(files).toEqual([`faq-model-${modelKey(docs, CLASSIFIER_TUNING)}.bin`]);
    const second = cachedClassifier(docs, CLASSIFIER_TUNING, dir);
    expect(predictions(second)).toEqual(predictions(first));
    expect(predictions(first)).toEqual(predictions(trainClassifier(docs)));
  });

  it("other content or tuning gets another file", () => {
    expect(modelKey(docs, CLASSIFIER_TUNING)).not.toBe(modelKey(docs.slice(1), CLASSIFIER_TUNING));
    expect(modelKey(docs, CLASSIFIER_TUNING)).not.toBe(modelKey(docs, { ...CLASSIFIER_TUNING, epochs: 3 }));
  });

  it("ignores a damaged or foreign file and replaces it", () => {
    const file = join(dir, `faq-model-${modelKey(docs, CLASSIFIER_TUNING)}.bin`);
    const good = readFileSync(file);
    for (const bad of [good.subarray(0, good.length - 3), Buffer.from("not a model"), Buffer.alloc(0)]) {
      writeFileSync(file, bad);
      expect(decodeModel(bad)).toBeNull();
      expect(predictions(cachedClassifier(docs, CLASSIFIER_TUNING, dir))).toEqual(predictions(trainClassifier(docs)));
      expect(readFileSync(file).equals(good)).toBe(true);
    }
  });

  it("still answers when the cache folder cannot be written", () => {
    const blocked = join(dir, "a-file-not-a-folder");
    writeFileSync(blocked, "x");
    expect(predictions(cachedClassifier(docs, CLASSIFIER_TUNING, join(blocked, "sub")))).toEqual(predictions(trainClassifier(docs)));
  });
});
