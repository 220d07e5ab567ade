import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LOCALES_DIR, createI18n } from "../../src/i18n/index.js";
import { CONTENT_DIR, loadFaqTopics } from "../../src/knowledge/index.js";

// Checks the shared FAQ format for every section present (A–G, written by two people).
const topics = loadFaqTopics();
const i18n = await createI18n();

const CANONICAL_AD = [
  "stunting-definisi",
  "stunting-vs-pendek",
  "stunting-penyebab",
  "stunting-dampak",
  "stunting-pemulihan",
  "1000-hpk",
  "anc-jadwal",
  "anc-layanan",
  "ttd-ibu-hamil",
  "ttd-remaja-putri",
  "anemia-ibu-hamil",
  "kek-lila",
  "gizi-ibu-hamil",
  "kenaikan-bb-hamil",
  "tanda-bahaya-kehamilan",
  "mitos-pantangan",
  "persalinan-faskes",
  "imd",
  "kolostrum",
  "asi-eksklusif",
  "menyusui-praktik",
  "asip-penyimpanan",
  "gizi-ibu-menyusui",
  "mpasi-mulai",
  "mpasi-protein-hewani",
  "mpasi-frekuensi",
  "mpasi-tidak-dianjurkan",
  "anak-susah-makan",
  "susu-formula",
  "skm",
  "gizi-seimbang",
  "pangan-lokal",
  "pmt",
];

describe("FAQ content", () => {
  it("has every canonical topic of sections A–D", () => {
    const ids = new Set(topics.map((t) => t.id));
    expect(CANONICAL_AD.filter((id) => !ids.has(id))).toEqual([]);
  });

  it("keeps the section letter in line with the file name", () => {
    for (const file of readdirSync(CONTENT_DIR).filter((f) => f.endsWith(".json"))) {
      const list = JSON.parse(readFileSync(join(CONTENT_DIR, file), "utf8")) as { section: string }[];
      for (const t of list) expect(t.section.toLowerCase()).toBe(file.replace(".json", ""));
    }
  });

  it.each(topics.map((t) => [t.id, t] as const))("%s has source, examples, keywords and texts in both languages", (id, t) => {
    expect(t.source.trim().length).toBeGreaterThan(10);
    expect(t.examples.id.length).toBeGreaterThanOrEqual(8);
    expect(t.examples.bjn.length).toBeGreaterThanOrEqual(6);
    expect(t.keywords.id.length).toBeGreaterThan(0);
    expect(t.keywords.bjn.length).toBeGreaterThan(0);
    for (const lang of ["id", "bjn"] as const) {
      for (const part of ["title", "answer"]) expect(i18n.exists(lang, `faq:${id}.${part}`)).toBe(true);
      const answer = i18n.t(lang, `faq:${id}.answer`);
      expect(answer.length).toBeLessThanOrEqual(600);
      if (i18n.exists(lang, `faq:${id}.more`)) expect(i18n.t(lang, `faq:${id}.more`).length).toBeLessThanOrEqual(1200);
    }
  });

  it("writes the Banjar answers of sections A–D in Banjar, not copied Indonesian", () => {
    const files = ["a", "b", "c", "d"];
    for (const f of files) {
      const id = JSON.parse(readFileSync(join(LOCALES_DIR, "id", "faq", `${f}.json`), "utf8")) as Record<string, { answer: string }>;
      const bjn = JSON.parse(readFileSync(join(LOCALES_DIR, "bjn", "faq", `${f}.json`), "utf8")) as Record<string, { answer: string }>;
      for (const [key, entry] of Object.entries(bjn)) {
        expect(entry.answer, key).not.toBe(id[key]?.answer);
        expect(entry.answer, key).toMatch(
          /\b(pian|ulun|kada|nang|wan|amun|imbah|saban|lakasi|haja|musti|kawa|maraga|batianan|kakanakan)\b/i,
        );
      }
    }
  });

  it("tells danger topics' readers to go to a health facility", () => {
    for (const t of topics.filter((x) => x.danger)) {
      expect(i18n.t("id", `faq:${t.id}.answer`)).toMatch(/bidan|puskesmas|rumah sakit|fasilitas kesehatan|faskes/i);
    }
  });

  it("has at least 60 topics across all sections once E–G are present", () => {
    const sections = new Set(topics.map((t) => t.section));
    if (sections.size === 7) expect(topics.length).toBeGreaterThanOrEqual(60);
  });
});
