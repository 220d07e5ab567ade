// A light Indonesian stemmer of our own for the FAQ matcher (normalize.ts): particles,
// possessives, -kan/-an/-i and the common prefixes with their nasal assimilation (KBBI
// morphology). It only has to treat questions and topic examples alike, not be perfect.

// Roots that start with m/k/p where the nasal prefix hides the first letter; used to choose
// between readings (memakan -> makan, not pakan; mengonsumsi -> konsumsi).
const M_ROOTS = new Set(["makan", "minum", "mulai", "masak", "muntah", "menyusu", "mandi"]);
const K_ROOTS = new Set(["konsumsi", "kandung", "kurang", "kenal", "kembang", "kasih", "kerja", "kunjung"]);
// Words that look affixed but are roots (or loanwords) we must not cut.
const PROTECTED = new Set([
  "imunisasi",
  "tinggi",
  "posyandu",
  "puskesmas",
  "vitamin",
  "kolostrum",
  "protein",
  "diare",
  "dingin",
  "sekolah",
  "pisang",
  "penting",
  "perah",
  "asi",
  "mpasi",
  "menyusui",
  "menyusu",
  "berapa",
  "kental",
  "perempuan",
  "pertama",
  "keluarga",
  "kenyang",
  "bengkak",
  "mental",
  "anemia",
  "bidan",
  "dokter",
  "periksa",
  "ketuban",
  "kuning",
  "pendek",
  "kerdil",
  "merah",
  "garam",
  "gula",
  "teman",
  "tangan",
  "kakanakan",
  "bulan",
  "badan",
  "jalan",
  "ikan",
  "lemak",
  "kejang",
  "minggu",
  "bahan",
  "sayur",
  "makan",
  "minum",
  "mulai",
  "masak",
  "penyakit",
  "penyebab",
  "berat",
  "bersih",
  "terlalu", // "4 terlalu" (BKKBN risk rule), not "lalu"
]);

const MIN_ROOT = 4;

/** Light Indonesian stemmer of our own: particles, possessives, -kan/-an/-i, common prefixes. */
export function stemWord(word: string): string {
  if (word.length <= MIN_ROOT || PROTECTED.has(word)) return word;
  let w = word;
  for (const particle of ["nya", "lah", "kah", "pun"]) {
    if (w.endsWith(particle) && w.length - particle.length >= MIN_ROOT) {
      w = w.slice(0, -particle.length);
      break;
    }
  }
  if (PROTECTED.has(w)) return w;
  // -ku/-mu possessives only on long words ("anakku"), never "buku", "susu".
  if (/(ku|mu)$/.test(w) && w.length - 2 >= 5) w = w.slice(0, -2);

  const hadPrefix = /^(me|di|be|te|pe|ke)/.test(w);
  let hadAn = false;
  if (w.endsWith("kan") && w.length - 3 >= MIN_ROOT) w = w.slice(0, -3);
  else if (w.endsWith("an") && w.length - 2 >= MIN_ROOT) {
    w = w.slice(0, -2);
    hadAn = true;
  } else if (w.endsWith("i") && !w.endsWith("si") && hadPrefix && w.length - 1 >= MIN_ROOT) {
    // "-si" endings are loanwords (konsumsi, imunisasi, posisi), not the -i suffix.
    w = w.slice(0, -1);
  }
  if (PROTECTED.has(w)) return w;

  const stemmed = stripPrefix(w, hadAn);
  // "diberi" -> suffix rule leaves "diber", whose root "ber" is too short: retry with the
  // prefix only ("beri"), keeping whichever reading actually lost its prefix.
  if (stemmed === w && w !== word && /^(me|di|ber|ter)/.test(w)) {
    const prefixOnly = stripPrefix(word.replace(/(nya|lah|kah|pun)$/, ""), false);
    if (prefixOnly.length < word.length) return prefixOnly;
  }
  return stemmed;
}

// Three-letter roots that still take prefixes ("dicek", "dites").
const SHORT_ROOTS = new Set(["cek", "tes", "pel", "bom"]);

function accept(root: string): boolean {
  return root.length >= MIN_ROOT || SHORT_ROOTS.has(root);
}

function stripPrefix(w: string, hadAn: boolean): string {
  let m: RegExpMatchArray | null;
  // me- / pe- with nasal assimilation (KBBI morphology): meny+vowel -> s, meng+vowel -> (k),
  // men+vowel -> t, mem+vowel -> p (or m), mem+b/p/f and men+d/c/j keep their consonant.
  // pe- forms are only cut together with -an (pemberian, penimbangan), because bare pe- words
  // (penting, pendek) are usually roots.
  if ((m = /^(me|pe)ny([aiueo].*)$/.exec(w)) && (m[1] === "me" || hadAn)) {
    const root = `s${m[2]}`;
    if (accept(root)) return root;
  }
  if ((m = /^(me|pe)ng([aiueo].*)$/.exec(w)) && (m[1] === "me" || hadAn)) {
    const k = `k${m[2]}`;
    if (K_ROOTS.has(k)) return k;
    if (accept(m[2]!)) return m[2]!;
  }
  if ((m = /^(me|pe)ng([ghk].*)$/.exec(w)) && (m[1] === "me" || hadAn) && accept(m[2]!)) return m[2]!;
  if ((m = /^(me|pe)n([dcjz].*)$/.exec(w)) && (m[1] === "me" || hadAn) && accept(m[2]!)) return m[2]!;
  if ((m = /^(me|pe)n([aiueo].*)$/.exec(w)) && (m[1] === "me" || hadAn)) {
    const root = `t${m[2]}`;
    if (accept(root)) return root;
  }
  if ((m = /^(me|pe)m([bpf].*)$/.exec(w)) && (m[1] === "me" || hadAn) && accept(m[2]!)) return m[2]!;
  if ((m = /^(me|pe)m([aiueo].*)$/.exec(w)) && (m[1] === "me" || hadAn)) {
    const asM = `m${m[2]}`;
    if (M_ROOTS.has(asM)) return asM;
    const root = `p${m[2]}`;
    if (accept(root)) return root;
  }
  if ((m = /^me([lrwy].*)$/.exec(w)) && accept(m[1]!)) return m[1]!;
  if ((m = /^di(.+)$/.exec(w)) && accept(m[1]!)) return m[1]!;
  if ((m = /^ber(.+)$/.exec(w)) && accept(m[1]!)) return m[1]!;
  if (w.startsWith("bekerja")) return "kerja";
  if ((m = /^ter(.+)$/.exec(w)) && accept(m[1]!)) return m[1]!;
  if (hadAn && (m = /^(ke|per|pe)(.+)$/.exec(w)) && accept(m[2]!)) return m[2]!;
  return w;
}
