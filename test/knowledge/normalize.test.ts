import { describe, expect, it } from "vitest";
import { detectLanguage } from "../../src/knowledge/language.js";
import {
  cleanText,
  expandTokens,
  MAX_WORD_LENGTH,
  normalizeText,
  normalizeTokens,
  parseLexicon,
  tokenize,
} from "../../src/knowledge/normalize.js";
import { stemWord } from "../../src/knowledge/stem.js";

describe("cleanText", () => {
  it.each([
    ["Gmn cara kasih MPASI??? 🙏🙏", "gmn cara kasih mpasi"],
    ["anaknya pendek bangeeet", "anaknya pendek banget"],
    ["makasihhh buuu", "makasih bu"],
    ["umur 18bln bb 7,2kg", "umur 18 bln bb 7 2 kg"],
    ["anak2 saya", "anak saya"],
    ["anak-anak", "anak"],
    ["MP-ASI", "mpasi"],
    ["mp asi", "mpasi"],
    ["hb0", "hb 0"],
  ])("%s -> %s", (input, expected) => {
    expect(cleanText(input)).toBe(expected);
  });

  it("returns nothing for emoji and punctuation only", () => {
    expect(tokenize("🙏🙏 ??")).toEqual([]);
  });

  it("undoes stretching however long, and drops letter runs longer than any word", () => {
    expect(cleanText(`pendek bang${"e".repeat(500)}t`)).toBe("pendek banget");
    expect(cleanText(`stunting ${"ab".repeat(MAX_WORD_LENGTH)} anak`)).toBe("stunting anak");
    expect(cleanText("ketidakbertanggungjawaban")).toBe("ketidakbertanggungjawaban");
  });
});

// The patterns once backtracked quadratically (16,000 letters took 4.3 s, 70,000 took
// 75 s). Linear work takes milliseconds for 100,000 characters (about a second on a machine with
// a load of 18 on 2 cores); the old code takes minutes. No clock is read here: the test's own 30 s
// time-out is the bound, so a busy machine cannot fail it while a return of the backtracking does.
describe("normalisation of 100,000-character messages", () => {
  const N = 100_000;
  const inputs: Record<string, string> = {
    "one letter": "a".repeat(N),
    "letter pairs": "ab".repeat(N / 2),
    "reduplication bait": "ab-".repeat(N / 3),
    "short words and hyphens": `${"abcdefghij".repeat(4)}-`.repeat(N / 41),
    "digit reduplication": "anak2".repeat(N / 5),
    "mp and spaces": `mp${" ".repeat(N)}asi`,
    "stretched words": "bangeeeeeeeeeeeet ".repeat(N / 18),
    "letters and digits": "a1".repeat(N / 2),
    "emoji and punctuation": "🙏?!".repeat(N / 4),
  };
  it.each(Object.entries(inputs))(
    "%s",
    (_name, input) => {
      expect(normalizeTokens(input)).toBeInstanceOf(Array);
      expect(() => detectLanguage(input)).not.toThrow();
    },
    30_000,
  );
});

describe("chat abbreviations", () => {
  it.each([
    ["yg", ["yang"]],
    ["gmn", ["bagaimana"]],
    ["gimana", ["bagaimana"]],
    ["brp", ["berapa"]],
    ["sdh", ["sudah"]],
    ["udh", ["sudah"]],
    ["blm", ["belum"]],
    ["gk", ["tidak"]],
    ["ga", ["tidak"]],
    ["nggak", ["tidak"]],
    ["bs", ["bisa"]],
    ["bgt", ["banget"]],
    ["knp", ["kenapa"]],
    ["krn", ["karena"]],
    ["dgn", ["dengan"]],
    ["utk", ["untuk"]],
    ["tdk", ["tidak"]],
    ["bln", ["bulan"]],
    ["thn", ["tahun"]],
    ["bumil", ["ibu", "hamil"]],
    ["busui", ["ibu", "menyusui"]],
    ["mpasi", ["mpasi"]],
    ["bb", ["berat", "badan"]],
    ["tb", ["tinggi", "badan"]],
    ["sufor", ["susu", "formula"]],
    ["pkm", ["puskesmas"]],
    ["ttd", ["tablet", "tambah", "darah"]],
  ])("%s", (word, expected) => {
    expect(expandTokens([word])).toEqual(expected);
  });

  it("reads 'kek' as KEK (energy deficiency), not as chat 'kayak'", () => {
    expect(expandTokens(["kek"])).toEqual(["kek"]);
  });
});

describe("Banjar words", () => {
  it.each([
    ["ulun", ["saya"]],
    ["pian", ["kamu"]],
    ["kada", ["tidak"]],
    ["handak", ["mau"]],
    ["banyu", ["air"]],
    ["nang", ["yang"]],
    ["barapa", ["berapa"]],
    ["batianan", ["hamil"]],
    ["hintalu", ["telur"]],
    ["iwak", ["ikan"]],
    ["garing", ["sakit"]],
    ["halus", ["kecil"]],
    ["larang", ["mahal"]],
    ["kakanakan", ["anak"]],
    ["ubat", ["obat"]],
    ["uralit", ["oralit"]],
    ["pitamin", ["vitamin"]],
  ])("%s", (word, expected) => {
    expect(expandTokens([word])).toEqual(expected);
  });

  it.each([
    ["kaya apa", ["bagaimana"]],
    ["banyu putih", ["air", "putih"]],
    ["kada hakun", ["menolak"]],
    ["kada bulih", ["larang"]],
  ])("phrase %s", (phrase, expected) => {
    expect(expandTokens(phrase.split(" "))).toEqual(expected);
  });

  it("strips Banjar affixes only when the root is a Banjar or Indonesian word", () => {
    expect(expandTokens(["batakun"])).toEqual(["tanya"]);
    expect(expandTokens(["makanan"])).toEqual(["makanan"]);
  });

  it.each([
    // ba-, ma-/man-/mang-/many-, di- … -akan, ta-, -an, with the Hulu sound rules on the root.
    ["baurut", "urut"],
    ["maurut", "urut"],
    ["mamasak", "memasak"],
    ["mancuci", "mencuci"],
    ["manyuruh", "menyuruh"],
    ["dipanasakan", "panas"],
    ["mambarasihakannya", "bersih"],
    ["talambat", "lambat"],
    ["tabuang", "buang"],
    ["bagarak", "bergerak"],
    // Hulu vowels a/i/u for Indonesian e/o, p for f/v.
    ["bangkak", "bengkak"],
    ["kapala", "kepala"],
    ["tarus", "terus"],
    ["sasak", "sesak"],
    ["marukuk", "merokok"],
    ["pitamin", "vitamin"],
    ["sakulahnya", "sekolahnya"],
  ])("reads Banjar %s as %s", (banjar, indonesian) => {
    expect(expandTokens([banjar])).toEqual([indonesian]);
  });

  it("leaves Indonesian words alone even when a sound rule would fit another word", () => {
    // "parah" is not the Banjar spelling of "perah" (ASI perah): it is Indonesian.
    for (const w of ["parah", "makan", "menyusui", "balita", "pantun", "sungsang"]) expect(expandTokens([w])).toEqual([w]);
  });

  it("parses the lexicon format with variants and comments", () => {
    const map = parseLexicon("# comment\nhintalu / intalu\ttelur\tsource\nkada hakun\ttidak mau\tx\n");
    expect(map.get("intalu")).toEqual(["telur"]);
    expect(map.get("kada hakun")).toEqual(["tidak", "mau"]);
    expect(map.has("# comment")).toBe(false);
  });
});

describe("stemWord", () => {
  it.each([
    ["anaknya", "anak"],
    ["apakah", "apakah"],
    ["makanannya", "makan"],
    ["pemberian", "beri"],
    ["diberikan", "beri"],
    ["memberikan", "beri"],
    ["diberi", "beri"],
    ["memberi", "beri"],
    ["kehamilan", "hamil"],
    ["pertumbuhan", "tumbuh"],
    ["perkembangan", "kembang"],
    ["ditimbang", "timbang"],
    ["penimbangan", "timbang"],
    ["pemeriksaan", "periksa"],
    ["memerah", "perah"],
    ["dicek", "cek"],
    ["melahirkan", "lahir"],
    ["mencegah", "cegah"],
    ["pencegahan", "cegah"],
    ["perdarahan", "darah"],
    ["mengonsumsi", "konsumsi"],
    ["memakan", "makan"],
    ["bermain", "main"],
    // roots that only look affixed stay whole
    ["berat", "berat"],
    ["bersih", "bersih"],
    ["pendek", "pendek"],
    ["penting", "penting"],
    ["menyusui", "menyusui"],
    ["imunisasi", "imunisasi"],
    ["ikan", "ikan"],
    ["bulan", "bulan"],
    ["diare", "diare"],
  ])("%s -> %s", (word, expected) => {
    expect(stemWord(word)).toBe(expected);
  });
});

describe("normalizeText", () => {
  it.each([
    ["Gmn cara kasih mpasi 6bln??", "beri mpasi bulan"],
    ["anak ulun kada hakun makan", "anak tolak makan"],
    ["Bumil boleh mkn ikan gk?", "ibu hamil makan ikan tidak"],
    ["Berapa kali periksa kehamilan?", "berapa kali periksa hamil"],
    ["Apa itu 1000 HPK", "1000 hari pertama hidup"],
  ])("%s -> %s", (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it("gives the same words for chat, standard and Banjar spellings of one question", () => {
    expect(normalizeText("telur bs utk bayi 6 bln?")).toBe(normalizeText("Telur bisa untuk bayi 6 bulan?"));
    expect(normalizeText("hintalu gasan bayi")).toBe(normalizeText("telur untuk bayi"));
  });
});
