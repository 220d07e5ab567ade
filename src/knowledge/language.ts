// Which language a question is written in, so the bot can answer in the same one.
// Banjar and Indonesian share ~73% of their vocabulary (Ethnologue via id.wikipedia "Bahasa Banjar"),
// so we look only at marker words that exist in one language and not the other.
import type { Lang } from "../i18n/index.js";
import { tokenize } from "./normalize.js";

/**
 * Banjar words that are not (common) Indonesian words. From the project's Banjar lexicon
 * (NusaX, KBBDH 2008, barabaisantai; see src/knowledge/lexicon/banjar.tsv). False friends that
 * are also everyday Indonesian (halus, nyaman, lain, kaya, lawan, larang, garing) are left out.
 */
const BANJAR_MARKERS = new Set([
  "ulun", "pian", "sampian", "ikam", "unda", "nyawa", "inya", "sidin", "bubuhan", "buhan", "uma",
  "abah", "kuitan", "kakanakan", "ading", "urang", "kayapa", "kaya apa", "mapa", "dimapa", "kanapa",
  "barapa", "bapira", "kabila", "pabila", "kada", "kadada", "balum", "baluman", "handak", "hakun",
  "kawa", "hingkat", "bulih", "parlu", "pamali", "suah", "wahini", "hanyar", "samalam", "isuk",
  "baisukan", "kaina", "imbah", "sabalum", "lawas", "rancak", "saban", "pang", "haja", "babaya",
  "tagal", "jua", "gin", "banar", "liwar", "pina", "bujur", "inggih", "mudahan", "wan", "gasan",
  "hagan", "sagan", "matan", "nang", "ngini", "ngitu", "nitu", "kaini", "kaitu", "amun", "maraga",
  "sakira", "nginum", "manyusui", "guring", "bagawi", "maulah", "manukar", "mahurup", "bulik",
  "tulak", "bapadah", "batakun", "mambari", "dibari", "umpat", "cubai", "kalumpanan", "dangani",
  "baimbai", "badiam", "batianan", "baranak", "waras", "sihat", "parut", "awak", "ganal", "gonol",
  "bangking", "gaak", "ngalih", "lapah", "hanyut", "ubat", "uralit", "pitamin", "tablit", "duktur",
  "badarah", "banyu", "iwak", "hintalu", "intalu", "hayam", "wadai", "rigat", "barasih", "batis",
  "muha", "duit", "sadikit", "saikit", "barataan", "sabarataan", "labih", "hancap", "lakas",
  "surangan", "tarima", "habar", "salamat", "baisi", "hudah", "napsu", "kapala", "pandak",
  "dulak", "munyak", "katuju", "himung", "sarik", "takutan", "mancari", "tiring", "ari",
]);

/** Indonesian (incl. chat-Indonesian) words a Banjar speaker would write differently. */
const INDONESIAN_MARKERS = new Set([
  "saya", "aku", "kamu", "anda", "tidak", "gak", "ga", "gk", "nggak", "enggak", "tdk", "yang",
  "yg", "bagaimana", "gimana", "gmn", "kenapa", "knp", "mengapa", "berapa", "brp", "kapan",
  "mau", "ingin", "bisa", "bs", "boleh", "sudah", "udah", "sdh", "belum", "blm", "dengan", "dgn",
  "untuk", "utk", "buat", "kalau", "kalo", "klo", "karena", "krn", "ini", "itu", "apakah",
  "juga", "jg", "saja", "aja", "dari", "ke", "sekarang", "telur", "ikan", "air", "anaknya",
  "hamil", "menyusui", "dong", "sih", "kok", "sakit", "obat", "sama", "tapi", "tp", "perlu",
  "apa", "ada", "bayi", "makan", "susu", "ibu", "anak", "kah", "ya",
]);

/**
 * "bjn" when the text has Banjar marker words (at least as many as Indonesian ones, or two or
 * more), "id" when it has Indonesian words only, null when neither (emoji, "p", "ok", numbers).
 */
export function detectLanguage(text: string): Lang | null {
  const tokens = tokenize(text);
  let banjar = 0;
  let indonesian = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const pair = i + 1 < tokens.length ? `${t} ${tokens[i + 1]}` : "";
    if (BANJAR_MARKERS.has(t) || BANJAR_MARKERS.has(pair)) banjar++;
    else if (INDONESIAN_MARKERS.has(t)) indonesian++;
  }
  if (banjar > 0 && (banjar >= indonesian || banjar >= 2)) return "bjn";
  if (indonesian > 0 || banjar > 0) return "id";
  return null;
}
