// Turns a parent's chat message (Indonesian, chat-Indonesian or Banjar Hulu) into a list of
// Indonesian word stems, so FAQ examples and questions meet on the same words.
// Pipeline: clean -> tokens -> chat abbreviations + Banjar lexicon -> stem (stem.ts) -> drop stop words.
// The same pipeline runs over the topic examples at index time, so it only has to be consistent,
// not linguistically perfect.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DANGER_SIGNS } from "./danger-signs.js";
import { stemWord } from "./stem.js";

/** Folder holding banjar.tsv; exported for tests and tools. */
export const LEXICON_PATH = fileURLToPath(new URL("./lexicon/banjar.tsv", import.meta.url));

/**
 * Chat-Indonesian spellings -> standard words. Patterns from the Colloquial Indonesian Lexicon
 * (Salsabila et al., IALP 2018) as summarised in the project's language notes §3, plus the MCH
 * abbreviations parents and kader use (bumil, busui, mpasi, bb/tb, pkm ...).
 */
const CHAT_MAP: Record<string, string> = {
  // negation
  gk: "tidak",
  ga: "tidak",
  gak: "tidak",
  g: "tidak",
  nggak: "tidak",
  ngga: "tidak",
  enggak: "tidak",
  engga: "tidak",
  tdk: "tidak",
  tak: "tidak",
  ndak: "tidak",
  nda: "tidak",
  kaga: "tidak",
  gx: "tidak",
  // question words
  gmn: "bagaimana",
  gmna: "bagaimana",
  gimana: "bagaimana",
  bgmn: "bagaimana",
  bgmna: "bagaimana",
  bgmana: "bagaimana",
  gmana: "bagaimana",
  knp: "kenapa",
  knpa: "kenapa",
  knapa: "kenapa",
  mengapa: "kenapa",
  brp: "berapa",
  brpa: "berapa",
  kpn: "kapan",
  kpan: "kapan",
  dmn: "di mana",
  dimn: "di mana",
  dimana: "di mana",
  ap: "apa",
  apaan: "apa",
  // aspect / time
  sdh: "sudah",
  udh: "sudah",
  udah: "sudah",
  dah: "sudah",
  blm: "belum",
  blum: "belum",
  belom: "belum",
  skrg: "sekarang",
  skr: "sekarang",
  kmrn: "kemarin",
  bsk: "besok",
  td: "tadi",
  nnti: "nanti",
  ntr: "nanti",
  ntar: "nanti",
  // function words
  yg: "yang",
  yng: "yang",
  dg: "dengan",
  dgn: "dengan",
  utk: "untuk",
  untk: "untuk",
  bwt: "untuk",
  buat: "untuk",
  krn: "karena",
  krna: "karena",
  karna: "karena",
  jg: "juga",
  aja: "saja",
  aj: "saja",
  sj: "saja",
  sm: "sama",
  sma: "sama",
  tp: "tapi",
  tpi: "tapi",
  klo: "kalau",
  kalo: "kalau",
  kl: "kalau",
  trs: "terus",
  trus: "terus",
  lg: "lagi",
  msh: "masih",
  bs: "bisa",
  bsa: "bisa",
  hrs: "harus",
  blh: "boleh",
  sy: "saya",
  aq: "aku",
  ak: "aku",
  sya: "saya",
  gue: "saya",
  gw: "saya",
  km: "kamu",
  kmu: "kamu",
  dr: "dari",
  kyk: "seperti",
  tlg: "tolong",
  gpp: "tidak apa",
  bgt: "banget",
  bngt: "banget",
  bener: "benar",
  emg: "memang",
  emang: "memang",
  org: "orang",
  ortu: "orang tua",
  sblm: "sebelum",
  stlh: "setelah",
  sampe: "sampai",
  smp: "sampai",
  pake: "pakai",
  pk: "pakai",
  kasi: "beri",
  kasih: "beri",
  ngasih: "beri",
  dikasih: "beri",
  dikasi: "beri",
  mending: "sebaiknya",
  mendingan: "sebaiknya",
  mksd: "maksud",
  dlm: "dalam",
  pd: "pada",
  sdikit: "sedikit",
  dikit: "sedikit",
  ato: "atau",
  atw: "atau",
  tau: "tahu",
  tw: "tahu",
  nyg: "yang",
  // units
  bln: "bulan",
  th: "tahun",
  thn: "tahun",
  hr: "hari",
  mgg: "minggu",
  kg: "kilogram",
  gr: "gram",
  cm: "cuma",
  cuman: "cuma",
  doang: "saja",
  tgl: "tanggal",
  dkt: "dekat",
  deket: "dekat",
  ank: "anak",
  anakku: "anak",
  telor: "telur",
  tlor: "telur",
  tlur: "telur",
  mkn: "makan",
  maem: "makan",
  mam: "makan",
  mnm: "minum",
  setahun: "tahun",
  sehari: "hari",
  sebulan: "bulan",
  seminggu: "minggu",
  brarti: "berarti",
  cewe: "perempuan",
  cewek: "perempuan",
  cowo: "laki",
  cowok: "laki",
  ngemil: "camilan",
  nyemil: "camilan",
  cemilan: "camilan",
  ngerokok: "merokok",
  ngrokok: "merokok",
  mencret: "diare",
  mencret2: "diare",
  menceret: "diare",
  berak: "bab",
  pup: "bab",
  pipis: "kencing",
  ngasi: "beri",
  ngompol: "kencing",
  nimbang: "timbang",
  ditimbang: "timbang",
  // domain abbreviations
  bumil: "ibu hamil",
  busui: "ibu menyusui",
  bufas: "ibu nifas",
  mp: "mpasi",
  mpasi: "mpasi",
  asip: "asi perah",
  sufor: "susu formula",
  bb: "berat badan",
  tb: "tinggi badan",
  pb: "panjang badan",
  lk: "lingkar kepala",
  pkm: "puskesmas",
  posy: "posyandu",
  bidan: "bidan",
  bid: "bidan",
  dok: "dokter",
  imun: "imunisasi",
  imunisasih: "imunisasi",
  vit: "vitamin",
  ttd: "tablet tambah darah",
  fe: "tablet tambah darah",
  hpk: "hari pertama kehidupan",
  gtm: "susah makan",
  hpl: "perkiraan lahir",
  hpht: "haid terakhir",
  baby: "bayi",
  bayik: "bayi",
  dedek: "bayi",
  dede: "bayi",
  utun: "janin",
  mom: "ibu",
  mommy: "ibu",
  bunda: "ibu",
  bun: "ibu",
  mak: "ibu",
  emak: "ibu",
  mama: "ibu",
  umak: "ibu",
  pendarahan: "perdarahan",
  flek: "perdarahan",
  stunting: "stunting",
  stanting: "stunting",
  setunting: "stunting",
  stuntin: "stunting",
  pmt: "makanan tambahan",
  skm: "kental manis",
  lila: "lingkar lengan",
  tensi: "tekanan darah",
  usg: "usg",
  kb: "kb",
  catin: "calon pengantin",
  balita: "balita",
  baduta: "balita",
  batita: "balita",
  // English words parents borrow
  nyusu: "menyusu",
  nyusui: "menyusui",
  netek: "menyusu",
  nenen: "menyusu",
  mimik: "menyusu",
  disusui: "menyusui",
  susuin: "menyusui",
  nyusuin: "menyusui",
  milk: "susu",
  breastfeeding: "menyusui",
  pumping: "perah",
  growth: "tumbuh",
  food: "makanan",
};

/** Multi-word chat phrases (checked before single words). */
const CHAT_PHRASES: Record<string, string> = {
  "mp asi": "mpasi",
  "buku pink": "buku kia",
  "susu kental manis": "kental manis",
  "pil tambah darah": "tablet tambah darah",
  "tablet fe": "tablet tambah darah",
  "vit a": "vitamin a",
  "air susu ibu": "asi",
  "makanan pendamping asi": "mpasi",
  "makanan pendamping": "mpasi",
  "bu bidan": "bidan",
  "anak anak": "anak",
};

type PhraseMap = Map<string, string[]>;

/** Parses banjar.tsv into "banjar words" -> Indonesian tokens. Exported for tests. */
export function parseLexicon(tsv: string): PhraseMap {
  const map: PhraseMap = new Map();
  for (const line of tsv.split(/\r?\n/)) {
    if (!line.trim() || line.startsWith("#")) continue;
    const [bjn, ind] = line.split("\t");
    if (!bjn || !ind) continue;
    for (const variant of bjn.split("/")) {
      const key = variant.trim().toLowerCase();
      if (key) map.set(key, ind.trim().toLowerCase().split(/\s+/));
    }
  }
  return map;
}

function phraseMapOf(record: Record<string, string>): PhraseMap {
  return new Map(Object.entries(record).map(([k, v]) => [k, v.split(" ")]));
}

const BANJAR: PhraseMap = parseLexicon(readFileSync(LEXICON_PATH, "utf8"));
const CHAT: PhraseMap = new Map([...phraseMapOf(CHAT_MAP), ...phraseMapOf(CHAT_PHRASES)]);
/** Banjar words whose spelling is also a chat abbreviation are read as Banjar only if not chat. */
const MAX_PHRASE = 3;

/**
 * Letter runs longer than this are no word of Indonesian or Banjar (the longest, such as
 * "ketidakbertanggungjawaban", have about 25 letters) once stretched letters are undone.
 * Dropping them keeps every pattern below linear in the text's length: their backtracking is
 * bounded by the longest word, not by the message (a 70,000-letter message once took 75 s).
 */
export const MAX_WORD_LENGTH = 40;
const TOO_LONG_WORD = new RegExp(`\\p{L}{${MAX_WORD_LENGTH + 1},}`, "gu");

// Regular expressions with \p{…} are module constants: esbuild (the build and tsx) writes such a
// literal as `new RegExp(…)`, which a function would otherwise build again on every call.
const MARKS = /\p{M}/gu;
const STRETCHED = /(\p{L})\1{2,}/gu;
const REDUPLICATION_2 = /(?<=\p{L}{2})2(?!\p{N})/gu;
const HYPHEN_REPEAT = /(\p{L}+)-\1(\p{L}*)/gu;
const DIGIT_LETTER = /(\p{N})(\p{L})/gu;
const LETTER_DIGIT = /(\p{L})(\p{N})/gu;
const DOUBLED_LAST = /(\p{L})\1$/u;

/** Lower-case, strip punctuation and emoji, undo letter stretching and glued digits. */
export function cleanText(text: string): string {
  return (
    text
      .normalize("NFKD")
      .replace(MARKS, "")
      .toLowerCase()
      .replace(/²/g, "2")
      // "bangeeet", "makasihhh": three or more of a letter -> one.
      .replace(STRETCHED, "$1")
      // "anak2", "turun2" = reduplication: keep the word once (the 2 after two or more letters goes).
      .replace(REDUPLICATION_2, "")
      // "anak-anak", "sayur-sayuran": keep the first half; "mp-asi" joins.
      .replace(/\bmp[-\s]{0,3}asi\b/g, "mpasi")
      .replace(TOO_LONG_WORD, " ")
      .replace(HYPHEN_REPEAT, "$1$2")
      .replace(/[^\p{L}\p{N}]+/gu, " ")
      // "18bln" -> "18 bln", "hb0" stays readable as "hb 0".
      .replace(DIGIT_LETTER, "$1 $2")
      .replace(LETTER_DIGIT, "$1 $2")
      .trim()
  );
}

/** Splits cleaned text into tokens; a doubled last letter ("tolongg", "buu") is undone. */
export function tokenize(text: string): string[] {
  const cleaned = cleanText(text);
  if (!cleaned) return [];
  return cleaned.split(" ").map((t) => (t.length > 3 ? t.replace(DOUBLED_LAST, "$1") : t));
}

/** Longest phrase starting at `at` found in any of the maps (earlier maps win ties). */
function lookupPhrase(tokens: string[], at: number, ...maps: PhraseMap[]): [string[], number] | null {
  for (let len = Math.min(MAX_PHRASE, tokens.length - at); len >= 1; len--) {
    const key = tokens.slice(at, at + len).join(" ");
    for (const map of maps) {
      const hit = map.get(key);
      if (hit) return [hit, len];
    }
  }
  return null;
}

/**
 * Second pass over the mapped words: negated verbs whose meaning is one word, so that the stop word
 * "mau"/"boleh" can be dropped without losing "refuses" / "forbidden" (Banjar "kada hakun",
 * "kada bulih" arrive here as "tidak mau", "tidak boleh").
 */
const POST_PHRASES: PhraseMap = phraseMapOf({
  "tidak mau": "menolak",
  "tidak boleh": "larang",
  "tidak dianjurkan": "larang",
  "bahaya tidak": "bahaya",
  // "ASI saja" (Banjar "ASI haja") is how parents name exclusive breastfeeding.
  "asi saja": "asi eksklusif",
  "hanya asi": "asi eksklusif",
  "cuma asi": "asi eksklusif",
});

/** Chat abbreviations and Banjar words -> Indonesian words (unstemmed). */
export function expandTokens(tokens: string[]): string[] {
  return applyPhrases(mapWords(tokens), POST_PHRASES);
}

type PhraseHit = readonly [readonly string[], number];

/** Replaces, left to right, each run of tokens that `find` recognises by what it stands for. */
function replacePhrases(tokens: string[], find: (tokens: string[], i: number) => PhraseHit | null | undefined): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length;) {
    const hit = find(tokens, i);
    if (hit) {
      out.push(...hit[0]);
      i += hit[1];
    } else {
      out.push(tokens[i]!);
      i += 1;
    }
  }
  return out;
}

function applyPhrases(tokens: string[], map: PhraseMap): string[] {
  return replacePhrases(tokens, (t, i) => lookupPhrase(t, i, map));
}

function mapWords(tokens: string[]): string[] {
  // Longest phrase wins ("kaya apa" over "kaya"); on equal length chat spelling beats Banjar.
  return replacePhrases(tokens, (t, i) => lookupPhrase(t, i, CHAT, BANJAR) ?? banjarAffixed(t[i]!));
}

/**
 * Indonesian words the sound rules may map a Banjar spelling onto: every word of the reviewed
 * Indonesian FAQ texts, the topics' keywords and examples, and the Indonesian side of the lexicon.
 * A Banjar word is only rewritten when it lands exactly on one of these.
 */
let vocabulary: ReadonlySet<string> | null = null;
const inVocabulary = (word: string): boolean => (vocabulary ??= loadVocabulary()).has(word);

/** True for a correctly spelled word of the bot's Indonesian texts (no typo search needed). */
export const isKnownWord = inVocabulary;

function loadVocabulary(): Set<string> {
  const words = new Set<string>();
  const addText = (text: string) => {
    for (const w of cleanText(text).split(" ")) if (w.length >= 3 && !/\d/.test(w)) words.add(w);
  };
  const walk = (value: unknown, into: (text: string) => void) => {
    if (typeof value === "string") into(value);
    else if (Array.isArray(value)) for (const v of value) walk(v, into);
    else if (value && typeof value === "object") for (const v of Object.values(value)) walk(v, into);
  };
  const readJsonDir = (dir: URL, pick: (json: unknown) => unknown) => {
    const path = fileURLToPath(dir);
    if (!existsSync(path)) return;
    for (const f of readdirSync(path).filter((n) => n.endsWith(".json"))) {
      walk(pick(JSON.parse(readFileSync(join(path, f), "utf8"))), addText);
    }
  };
  // Every Indonesian text of the bot (answers, dialogues), read as plain Indonesian words.
  readJsonDir(new URL("../../locales/id/", import.meta.url), (j) => j);
  readJsonDir(new URL("../../locales/id/faq/", import.meta.url), (j) => j);
  // Words of the danger-sign patterns ("parah", "hebat") must never be read as Banjar.
  for (const sign of DANGER_SIGNS)
    for (const re of [...sign.patterns, ...(sign.unless ?? [])]) addText(re.source.replace(/\\[bdsw]/g, " "));
  for (const w of PLAIN_INDONESIAN) words.add(w);
  // Keywords and examples of the Indonesian side only (the Banjar side is what we map from).
  readJsonDir(new URL("./content/", import.meta.url), (j) =>
    Array.isArray(j) ? j.map((t: { keywords?: { id?: unknown }; examples?: { id?: unknown } }) => [t.keywords?.id, t.examples?.id]) : [],
  );
  for (const tokens of BANJAR.values()) for (const t of tokens) words.add(t);
  for (const w of Object.values(CHAT_MAP)) for (const t of w.split(" ")) words.add(t);
  // Banjar words are not Indonesian vocabulary even when an example question used them.
  for (const key of BANJAR.keys()) if (!key.includes(" ")) words.delete(key);
  return words;
}

/** Everyday Indonesian words that look like Banjar spellings of other words (parah ~ perah). */
const PLAIN_INDONESIAN = [
  "parah",
  "sudah",
  "masa",
  "mana",
  "pada",
  "kali",
  "tapi",
  "lalu",
  "atau",
  "juga",
  "tanya",
  "harus",
  "cara",
  "sama",
  "kata",
  "apa",
  "kapan",
  "mau",
  "bisa",
  "ada",
  "baru",
  "cuma",
  "agak",
  "kurang",
  "pintar",
  "bagus",
  "tahan",
  "makan",
  "minum",
  "pagi",
  "malam",
  "siang",
  "sore",
  "tahun",
  "bulan",
  "panas",
  "dingin",
  "lapar",
  "haus",
  "capek",
  "sakit",
  "susah",
  "gampang",
  "tidur",
  "bangun",
];

/**
 * Banjar Hulu spellings of Indonesian words (KBBDH 2008 introduction; language notes §1): the
 * Hulu vowels a/i/u stand for Indonesian e and o (bangkak → bengkak, kapala → kepala, tarus →
 * terus, ubat → obat), p for f/v (pitamin → vitamin), a leading h- on vowel words (hintalu, hayam)
 * and a dropped one (ari → hari). Yields spellings to look up, most likely first.
 */
function* soundVariants(word: string): Generator<string> {
  yield word;
  const bases = [word];
  if (/^h[aiueo]/.test(word)) bases.push(word.slice(1));
  if (/^[aiueo]/.test(word)) bases.push(`h${word}`);
  if (word.startsWith("p")) bases.push(`f${word.slice(1)}`, `v${word.slice(1)}`);
  for (const base of bases) {
    if (base !== word) yield base;
    // Vowels that may stand for Indonesian e/o: a -> e, i -> e, u -> o (at most 4 positions).
    const positions: number[] = [];
    for (let i = 0; i < base.length && positions.length < 4; i++) if ("aiu".includes(base[i]!)) positions.push(i);
    const n = positions.length;
    for (let mask = 1; mask < 1 << n; mask++) {
      const chars = [...base];
      for (let b = 0; b < n; b++) {
        if (!(mask & (1 << b))) continue;
        const at = positions[b]!;
        chars[at] = chars[at] === "u" ? "o" : "e";
      }
      yield chars.join("");
    }
  }
}

/** The Indonesian (or lexicon) reading of a Banjar root, by the lexicon first, then the sound rules. */
function banjarRoot(root: string): string[] | null {
  if (root.length < 3) return null;
  const lex = BANJAR.get(root);
  if (lex) return lex;
  for (const v of soundVariants(root)) {
    if (inVocabulary(v)) return [v];
    const viaLexicon = v !== root ? BANJAR.get(v) : undefined;
    if (viaLexicon) return viaLexicon;
  }
  return null;
}

/**
 * Banjar affixes the Indonesian stemmer does not know (KBBDH 2008 intro; language notes §1):
 * ba- (batakun, bagarak), ma-/mam-/man-/mang-/many- (mambari, manukar, mangurangi, manyusui),
 * di- with -akan (dibujurakan, dipanasakan), ta- (talambat), -akan, -an and -i, and the Hulu sound
 * rules on the root (bangkak, kapala, tarus). Only for words that are neither Indonesian (in the
 * FAQ vocabulary) nor already in the lexicon, so Indonesian words like "makan" are left alone.
 */
export function banjarWord(word: string): string[] | null {
  if (word.length < 4 || inVocabulary(word) || /\d/.test(word)) return null;
  const roots: string[] = [];
  // Suffixes first: -akan (≈ -kan), -an, -i, -nya on the bare word.
  const bodies = [word];
  for (const suffix of ["akannya", "akan", "annya", "nya", "an", "i"]) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) bodies.push(word.slice(0, -suffix.length));
  }
  for (const body of bodies) {
    roots.push(body);
    if (/^ba[^aiueo]/.test(body) || /^ba[aiueo]/.test(body)) roots.push(body.slice(2));
    if (body.startsWith("bar")) roots.push(body.slice(3));
    if (body.startsWith("di")) roots.push(body.slice(2));
    if (body.startsWith("ta")) roots.push(body.slice(2));
    if (body.startsWith("ka")) roots.push(body.slice(2));
    if (body.startsWith("many")) roots.push(`s${body.slice(4)}`);
    if (/^mang[aiueo]/.test(body)) roots.push(body.slice(4), `k${body.slice(4)}`);
    if (/^mang[^aiueo]/.test(body)) roots.push(body.slice(4));
    if (/^man[aiueo]/.test(body)) roots.push(`t${body.slice(3)}`, body.slice(3));
    if (/^man[dcj]/.test(body)) roots.push(body.slice(3));
    if (/^mam[aiueo]/.test(body)) roots.push(`p${body.slice(3)}`, body.slice(3));
    if (/^mam[bp]/.test(body)) roots.push(body.slice(3));
    if (/^ma[lrwy]/.test(body) || /^ma[aiueo]/.test(body)) roots.push(body.slice(2));
    if (/^ma[aiueo]/.test(body)) roots.push(body.slice(2));
  }
  for (const root of roots) {
    if (root !== word && inVocabulary(root)) return [root];
    const hit = banjarRoot(root);
    if (hit) return hit;
  }
  return null;
}

function banjarAffixed(word: string): [string[], number] | null {
  const hit = banjarWord(word);
  return hit ? [hit, 1] : null;
}

/**
 * Words that carry no topic meaning: function words, question words, pronouns, politeness and
 * chat fillers (Indonesian after Banjar mapping). Written for this bot; not taken from any list.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  "yang",
  "dan",
  "di",
  "ke",
  "dari",
  "untuk",
  "itu",
  "ini",
  "apa",
  "bagaimana",
  "kenapa",
  "saya",
  "aku",
  "kamu",
  "dia",
  "beliau",
  "kami",
  "kita",
  "mereka",
  "para",
  "adalah",
  "ada",
  "dengan",
  "atau",
  "juga",
  "saja",
  "sama",
  "tapi",
  "kalau",
  "karena",
  "supaya",
  "agar",
  "harus",
  "boleh",
  "bisa",
  "sudah",
  "belum",
  "akan",
  "sedang",
  "lagi",
  "masih",
  "sangat",
  "sekali",
  "banget",
  "agak",
  "dong",
  "sih",
  "kok",
  "ya",
  "yah",
  "nih",
  "deh",
  "kah",
  "pun",
  "nya",
  "lah",
  "mau",
  "ingin",
  "tolong",
  "mohon",
  "bu",
  "pak",
  "kak",
  "min",
  "admin",
  "dok",
  "halo",
  "hai",
  "selamat",
  "pagi",
  "siang",
  "sore",
  "malam",
  "tanya",
  "nanya",
  "bertanya",
  "mau",
  "apakah",
  "gimana",
  "seperti",
  "begini",
  "begitu",
  "tentang",
  "soal",
  "memang",
  "benar",
  "terus",
  "hal",
  "cara",
  "sebaiknya",
  "baiknya",
  "tidak apa",
  "ok",
  "oke",
  "tahu",
  "dulu",
  "nanti",
  "sekarang",
  "tadi",
  "semoga",
  "pernah",
  "perlu",
  "sih",
  "mana",
  "tersebut",
  "oleh",
  "pada",
  "dalam",
  "sampai",
  "bilang",
  "biar",
  "jadi",
  "gitu",
  "gini",
  "menurut",
  "hanya",
  "cuma",
  "pas",
  "saat",
  "waktu",
  "ketika",
  "kira",
  "kiranya",
  "gitu",
  "apain",
  "diapain",
  "ngapain",
  "berarti",
  "lalu",
  "setelah",
  "sebelum",
  "punya",
]);

/** Full pipeline used for indexing and for questions. Returns stems without stop words. */
export function normalizeTokens(text: string): string[] {
  return stemWords(expandTokens(tokenize(text)));
}

/** The last step of normalizeTokens: stems of already mapped words (expandTokens), stop words dropped. */
export function stemWords(words: readonly string[]): string[] {
  return (
    words
      // Bare numbers ("6 bulan", "hb 9") point at too many topics; 1000 (1000 HPK) is a name.
      .filter((t) => !STOP_WORDS.has(t) && (!/^\d+$/.test(t) || t === "1000"))
      .map(stemWord)
      .filter((t) => t.length > 0 && !STOP_WORDS.has(t))
  );
}

/** Normalised question as one string, e.g. "Gmn cara kasih mpasi 6bln??" -> "beri mpasi 6 bulan". */
export function normalizeText(text: string): string {
  return normalizeTokens(text).join(" ");
}
