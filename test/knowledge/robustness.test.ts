import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildFaqIndex, detectLanguage, loadFaqTopics, matchQuestion, normalizeText } from "../../src/knowledge/index.js";

const index = buildFaqIndex(loadFaqTopics());
const words = ["anak", "ulun", "bayi", "mpasi", "hamil", "asi", "kada", "gk", "yg", "telur", "🙏", "??", "2", "bln", "stunting", "halo"];

describe("matcher on arbitrary input", () => {
  it("never throws and always returns a well-formed decision", () => {
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.array(fc.constantFrom(...words), { maxLength: 12 }).map((w) => w.join(" ")),
    );
    fc.assert(
      fc.property(text, (q) => {
        const m = matchQuestion(index, q);
        expect(["answer", "choices", "none"]).toContain(m.kind);
        expect([null, "id", "bjn"]).toContain(m.lang);
        if (m.kind === "answer") expect(index.topics.has(m.topicId)).toBe(true);
        if (m.kind === "choices") {
          expect(m.topicIds.length).toBeGreaterThanOrEqual(2);
          expect(m.topicIds.length).toBeLessThanOrEqual(3);
          for (const id of m.topicIds) expect(index.topics.has(id)).toBe(true);
        }
        expect(typeof normalizeText(q)).toBe("string");
        detectLanguage(q);
      }),
      { numRuns: 300 },
    );
  });

  it("does not depend on letter case or trailing punctuation", () => {
    const a = matchQuestion(index, "Kapan bayi mulai MPASI");
    const b = matchQuestion(index, "kapan bayi mulai mpasi???");
    expect(b).toEqual(a);
  });
});
