// Banjar texts use one form per word, the Banjar Hulu one spoken in Balangan, and no calques of
// Indonesian words; Indonesian texts do not slip into Banjar ("pian"). The list follows a review
// of the shipped Banjar texts.
import { describe, expect, it } from "vitest";
import { readLocale } from "../../src/i18n/index.js";

type Tree = Record<string, unknown>;
const leaves = (tree: Tree, prefix = ""): [string, string][] =>
  Object.entries(tree).flatMap(([k, v]) =>
    v && typeof v === "object" ? leaves(v as Tree, `${prefix}${k}.`) : [[`${prefix}${k}`, String(v)] as [string, string]],
  );

/** Kuala or Indonesian forms, and calques, with the Hulu word to use instead. */
const NOT_HULU: [RegExp, string][] = [
  [/\bgasan\b/i, "hagan"],
  [/\bsudah\b/, "hudah (SUDAH the command stays)"],
  [/\bsehat\b/i, "sihat"],
  [/\bkesehatan\b/i, "kasihatan"],
  [/\bsendok\b/i, "sanduk"],
  [/\bminit\b/i, "menit"],
  [/\bketik\b/i, "katik"],
  [/\buma (batianan|nifas|manyusui)\b/i, "ibu batianan / ibu nifas / ibu manyusui"],
  [/\bbulan dapan\b/i, "bulan dudi"],
  [/\bbulan samalam\b/i, "bulan tadi"],
  [/\b(tamasuk|disartai|kakabalan|kalahiran|manyampaiakan|baakhir|bagasar|panyabab|dianjurakan|ngalola)\b/i, "a Banjar word, not a calque"],
];

describe("Banjar Hulu forms", () => {
  it("uses the Hulu form of each word and no calques in Banjar texts", () => {
    const found: string[] = [];
    for (const [ns, tree] of Object.entries(readLocale("bjn"))) {
      for (const [key, text] of leaves(tree)) {
        const plain = text.replace(/\{\{[^}]*\}\}/g, "");
        for (const [pattern, instead] of NOT_HULU) if (pattern.test(plain)) found.push(`${ns}:${key}: ${pattern.source} → ${instead}`);
      }
    }
    expect(found).toEqual([]);
  });

  it("keeps the Banjar 'pian' out of Indonesian texts (a bilingual language prompt aside)", () => {
    const found: string[] = [];
    for (const [ns, tree] of Object.entries(readLocale("id"))) {
      for (const [key, text] of leaves(tree)) if (/\bpian\b/i.test(text) && !text.startsWith("Pilih bahasa / ")) found.push(`${ns}:${key}`);
    }
    expect(found).toEqual([]);
  });
});
