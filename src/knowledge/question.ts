// Reading a message as a question, before any topic is ranked: pleasantries (a message of
// greetings or thanks only), words that mark a request outside the FAQ, story fillers and polite
// preambles, and the question words that tell topics apart. Used by the matcher (match.ts) and
// the classifier's features.
import { expandTokens, normalizeTokens, tokenize } from "./normalize.js";
import type { NoneReason } from "./types.js";

// Pleasantries. A message made only of these (after the chat/Banjar mapping) is not a question.
const GREETING_WORDS = new Set([
  "halo",
  "hallo",
  "helo",
  "hai",
  "hi",
  "hello",
  "p",
  "ping",
  "tes",
  "test",
  "assalamualaikum",
  "assalamu",
  "alaikum",
  "salam",
  "selamat",
  "pagi",
  "siang",
  "sore",
  "malam",
  "bu",
  "pak",
  "min",
  "admin",
  "kak",
  "bunda",
  "ibu",
  "apa",
  "kabar",
  "waalaikumsalam",
  "permisi",
  "punten",
  "om",
  "swastiastu",
  "shalom",
  "ya",
  "iya",
  "ok",
  "oke",
  "sip",
  "baik",
  "dong",
  "bidan",
  "dokter",
  "mas",
  "mbak",
  "kabarnya",
  "sehat",
  "semua",
  "bot",
  "say",
  "sayang",
  "kawan",
  "teman",
  "siap",
  "siapa",
  "semoga",
  "amin",
  "aamiin",
  "ini",
  "itu",
  "nomor",
  "kenal",
  "salam kenal",
  "juga",
  "selalu",
]);
const THANKS_WORDS = new Set([
  "terima",
  "kasih",
  "makasih",
  "makasi",
  "trims",
  "trimakasih",
  "terimakasih",
  "thanks",
  "thx",
  "tq",
  "tengkyu",
  "nuhun",
  "beri",
  "banyak",
  "infonya",
  "info",
  "jawabannya",
  "mantap",
  "oke",
]);

/**
 * Words that mark a request outside the FAQ (prices, documents, social aid, transport, jobs ...).
 * Such a question is declined even if it also names a food, e.g. "harga telur di pasar berapa".
 */
const OFFTOPIC_WORDS = new Set([
  "harga",
  "ktp",
  "kk",
  "akta",
  "bansos",
  "blt",
  "pkh",
  "pasar",
  "lowongan",
  "loker",
  "gaji",
  "pulsa",
  "kuota",
  "sim",
  "stnk",
  "pajak",
  "tiket",
  "ojek",
  "bus",
  "travel",
  "kapal",
  "pesawat",
  "cpns",
  "pns",
  "asn",
  "honorer",
  "pendaftaran",
  "beasiswa",
  "liga",
  "sepak",
  "bola",
  "pilkada",
  "pemilu",
  "caleg",
  "pr",
  "tugas",
  "skripsi",
  "jual",
  "dijual",
  "kredit",
  "pinjaman",
  "pinjol",
  "utang",
  "listrik",
  "pdam",
  "token",
  "resep kue",
  "wifi",
  "hp",
  "game",
  "film",
  "lagu",
  "zakat",
  "sembako",
  "ongkos",
  "tarif",
  "kurs",
  "togel",
  "sepeda",
  "motor",
  // Animals, farming and pastimes: "ternak ayam petelur", "kucing muntah", "pupuk sawit".
  "kucing",
  "anjing",
  "kambing",
  "sapi",
  "kerbau",
  "ternak",
  "peternak",
  "unggas",
  "burung",
  "pupuk",
  "sawit",
  "panen",
  "padi",
  "tanaman",
  "bengkel",
  "tiktok",
  "instagram",
  "facebook",
  "youtube",
  "pantun",
  "puisi",
  "lirik",
  "cerpen",
  "sholat",
  "masjid",
  "cuaca",
  "hujan",
  "rupiah",
  "dolar",
  "saham",
  "camat",
  "kecamatan",
  "polisi",
]);

/**
 * Words of a story or a polite preamble that say nothing about the topic ("Pagi bu, mau tanya,
 * mertua saya bilang ..."): dropped before ranking, so a long story does not dilute the question.
 */
const FILLER_WORDS = new Set([
  "assalamualaikum",
  "assalamu",
  "alaikum",
  "waalaikumsalam",
  "salam",
  "permisi",
  "misi",
  "punten",
  "maaf",
  "ganggu",
  "tanya",
  "nanya",
  "batakun",
  "mohon",
  "tolong",
  "bantu",
  "info",
  "kak",
  "mbak",
  "min",
  "admin",
  "bunda",
  "mertua",
  "mintuha",
  "tetangga",
  "ipar",
  "teman",
  "kawan",
  "nenek",
  "nini",
  "kata",
  "bilang",
  "padah",
  "kemarin",
  "semalam",
  "barusan",
  "tadi",
  "kan",
  "nah",
  "gini",
  "gimana",
  "ceritanya",
  "cerita",
  "kebetulan",
  "sebenarnya",
  "katanya",
  "terima",
  "kasih",
  "makasih",
  "halo",
  "hallo",
  "hai",
  "pagi",
  "siang",
  "sore",
  "malam",
  "selamat",
  "salamat",
  "bu",
  "pak",
]);

/**
 * Question words tell topics apart ("apa itu stunting" asks for the definition, "kenapa" for
 * causes, "berapa" for a number, "kapan" for a time) but are stop words for BM25. The classifier
 * sees them as cue features ("?apa-itu"), read after chat and Banjar mapping (napa = apa,
 * kayapa = bagaimana, bila = kapan, bulih = boleh).
 */
const QUESTION_CUES: Record<string, string> = {
  apa: "apa",
  apakah: "apakah",
  kenapa: "kenapa",
  mengapa: "kenapa",
  berapa: "berapa",
  kapan: "kapan",
  bagaimana: "bagaimana",
  gimana: "bagaimana",
  cara: "bagaimana",
  boleh: "boleh",
  bisa: "bisa",
  mana: "mana",
  siapa: "siapa",
  arti: "arti",
  artinya: "arti",
  maksud: "arti",
  maksudnya: "arti",
  harus: "harus",
  wajib: "harus",
  perlu: "harus",
  bahaya: "bahaya",
  normal: "normal",
  wajar: "normal",
};

export function questionCues(words: readonly string[]): string[] {
  const cues: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const cue = QUESTION_CUES[words[i]!];
    if (!cue) continue;
    cues.push(`?${cue}`);
    // "apa itu X", "X itu apa", "X tu apa sih": asks what X is.
    const near = [words[i - 1], words[i + 1]];
    if (cue === "apa" && near.some((w) => w === "itu" || w === "tu" || w === "tuh" || w === "sih")) cues.push("?apa-itu");
  }
  return cues;
}

/**
 * True when a message reads as a question: a question mark, a question word, or a sentence of four
 * or more content words. A dialogue answers a message aside only then, so a desa name ("Tebing
 * Tinggi") or an answer like "lahir 3 bulan tadi" is never mistaken for an FAQ question.
 */
export function isQuestionLike(text: string): boolean {
  if (text.includes("?")) return true;
  if (questionCues(expandTokens(tokenize(text))).length > 0) return true;
  return stripPreamble(normalizeTokens(text)).length >= 4;
}

/** What the classifier reads: the question's stems without preamble, plus its question cues. */
export function classifierTerms(text: string): string[] {
  return [...stripPreamble(normalizeTokens(text)), ...questionCues(expandTokens(tokenize(text)))];
}

/** Drops greeting words at the start and story fillers anywhere. */
export function stripPreamble(terms: readonly string[]): string[] {
  let i = 0;
  while (i < terms.length && (GREETING_WORDS.has(terms[i]!) || FILLER_WORDS.has(terms[i]!))) i++;
  return terms.slice(i).filter((t) => !FILLER_WORDS.has(t));
}

export function pleasantry(words: readonly string[]): NoneReason | null {
  if (words.length === 0) return null;
  const isThanks = words.some((w) => THANKS_WORDS.has(w)) && words.every((w) => THANKS_WORDS.has(w) || GREETING_WORDS.has(w));
  if (isThanks) return "thanks";
  if (words.every((w) => GREETING_WORDS.has(w))) return "greeting";
  return null;
}

/** Levenshtein distance ≤ 1 without building a matrix. */
export function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

/** One topic's combined score: the share of both signals, and each signal for the record. */

/** True when the message asks about another domain: prices, documents, transport … (OFFTOPIC_WORDS). */
export function mentionsOtherDomain(words: readonly string[]): boolean {
  const contentWords = words.filter((w) => !GREETING_WORDS.has(w) && !THANKS_WORDS.has(w));
  return contentWords.some((w) => OFFTOPIC_WORDS.has(w));
}
