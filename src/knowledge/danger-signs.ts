// Danger signs as data: which wording is a danger sign, and which Buku KIA list answers it.
// Reviewed like the FAQ content; the matcher (danger.ts) only applies these tables.
//
// Lists (the FAQ danger topics, src/knowledge/content/*.json):
// - tanda-bahaya-kehamilan: Buku KIA, tanda bahaya kehamilan (perdarahan, bengkak dengan sakit
//   kepala/pandangan kabur/kejang = pre-eklampsia, demam tinggi, air ketuban, gerakan janin
//   berkurang, muntah terus, sesak, nyeri perut hebat, ibu sangat lemas). A severe headache or
//   blurred vision counts alone, without swelling (WHO ANC 2016: signs of pre-eclampsia).
// - tanda-bahaya-nifas: Buku KIA, tanda bahaya ibu nifas; WHO postnatal care 2022.
// - tanda-bahaya-bbl: Buku KIA, tanda bahaya bayi baru lahir; MTBM (under 2 months).
// - tanda-bahaya-anak: MTBS tanda bahaya umum (2 months to 5 years); bloody stool (LINTAS Diare).
//
// Patterns run over the message after chat spelling and Banjar words were mapped to Indonesian
// (normalize.ts expandTokens), unstemmed, with "-nya" cut from long words ("badannya" -> "badan").

/** Whose sign it is, read from the message's words. */
export type DangerSubject = "postpartum" | "pregnancy" | "newborn" | "baby" | "child";

export type DangerTopicId = "tanda-bahaya-kehamilan" | "tanda-bahaya-nifas" | "tanda-bahaya-bbl" | "tanda-bahaya-anak";

const P = "tanda-bahaya-kehamilan";
const N = "tanda-bahaya-nifas";
const B = "tanda-bahaya-bbl";
const A = "tanda-bahaya-anak";

/**
 * When a message names several people ("hamil anak kedua", "habis melahirkan, bayinya …"), the
 * first subject here that the sign has a list for wins: the mother's own words come first.
 */
export const SUBJECT_ORDER: readonly DangerSubject[] = ["postpartum", "pregnancy", "newborn", "baby", "child"];

export const SUBJECT_PATTERNS: Record<DangerSubject, RegExp> = {
  // Nifas = the 42 days after birth (Buku KIA; Permenkes 21/2021). "habis lahiran", "imbah baranak" (Banjar
  // imbah = setelah, baranak = melahirkan), "pasca salin", "darah nifas".
  postpartum:
    /\b(nifas|postpartum|pasca ?salin|pasca ?persalinan|(habis|setelah|sesudah|pasca|baru|selesai|usai|abis|sejak) (saya |aku )?(melahirkan|lahiran|bersalin|persalinan|operasi sesar|operasi caesar|sesar|caesar|sc|lahir anak|punya bayi)|melahirkan \d+ (hari|minggu) (lalu|yang lalu))\b/,
  pregnancy: /\b(hamil|kehamilan|kandungan|mengandung|janin|ketuban|trimester|perkiraan lahir|bayi (di|dalam) (perut|rahim))\b/,
  // Bayi baru lahir: 0–28 days; "bayi 5 hari", "umur seminggu".
  newborn:
    /\b((bayi|anak) (baru|hanyar|yang baru) (lahir|dilahirkan)|baru lahir|neonatus|neonatal|(bayi|umur|usia|berumur|baru) (saya |umur |usia |baru )?(\d+|satu|dua|tiga|empat|lima|enam|tujuh) hari|(umur|usia|bayi) (seminggu|satu minggu|dua minggu|\d minggu))\b/,
  baby: /\b(bayi|neonatus)\b/,
  child: /\b(anak|balita|batita|baduta|bocah)\b/,
};

/**
 * A message about an animal ("kucing saya muntah terus", "sapi ulun kada hakun makan") names no
 * person: its signs are not a family's danger signs. Only used when no person (SUBJECT_PATTERNS)
 * is named, so "anak saya digigit anjing lalu demam tinggi" still counts.
 */
export const ANIMAL_SUBJECT =
  /\b(kucing|anjing|kambing|domba|sapi|kerbau|kuda|babi|kelinci|burung|bebek peliharaan|ternak|hewan|binatang|unggas|ayam (saya|aku|kami|ulun|peliharaan|kampung|petelur|ternak|potong|jago|jantan|betina))\b/;

/** "bayi 8 bulan", "umur 2 tahun": past the young-infant lists (MTBM < 2 months), so a child. */
export const OLDER_THAN_TWO_MONTHS =
  /\b(([2-9]|[1-5]\d) bulan|\d+ tahun|(dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas) bulan|(satu|dua|tiga|empat|lima) tahun)\b/;

export interface DangerSign {
  /** Stable name, used in tests and logs (never the person's words). */
  id: string;
  /** Any of these matching means the sign is present. */
  patterns: readonly RegExp[];
  /** The sign is not present when one of these matches (e.g. "kuning telur", "gusi berdarah"). */
  unless?: readonly RegExp[];
  /** Which list answers the sign for each subject. */
  topics: Partial<Record<DangerSubject, DangerTopicId>>;
  /** The list when no subject with an entry in `topics` is named; none = not a danger sign then. */
  fallback?: DangerTopicId;
}

/** First match wins, so the more specific signs come first. */
export const DANGER_SIGNS: readonly DangerSign[] = [
  {
    id: "bloody-stool",
    patterns: [
      /\b(bab|tinja|feses|kotoran|buang air besar|diare|hira|bahira)( \w+)? (berdarah|darah|bercampur darah|ada darah|campur darah|lendir darah|berlendir darah|badarah)\b/,
    ],
    topics: { newborn: B, baby: B, child: A },
    fallback: A,
  },
  {
    id: "thoughts-of-harm",
    patterns: [
      /\b(bunuh diri|membunuh diri|mengakhiri hidup|ingin mati|mau mati|pengen mati|pingin mati|lebih baik mati)\b/,
      /\b(menyakiti|melukai|membunuh|mencelakai|membuang) (diri|bayi|anak)\b/,
      /\b(benci|menolak mengurus|menolak merawat|menolak menyusui) (bayi|anak)\b/,
    ],
    topics: { postpartum: N, pregnancy: N },
    fallback: N,
  },
  {
    id: "low-mood-after-birth",
    // Sad or anxious after the birth: baby blues (first 2 weeks) or postpartum depression; the
    // nifas list tells them apart and sends the mother to the bidan.
    patterns: [
      /\b(sedih|sadih|murung|menangis|manangis|nangis|cemas|gelisah|stres|stress|depresi|putus asa|tidak bisa tidur|takut sekali|hampa|tertekan)\b/,
    ],
    topics: { postpartum: N },
  },
  {
    id: "baby-blues-named",
    patterns: [
      /\b((baby|bayi) ?blues?|depresi (setelah|pasca|habis) (melahirkan|persalinan|lahiran)|depresi postpartum|postpartum depression)\b/,
    ],
    topics: { postpartum: N },
    fallback: N,
  },
  {
    id: "cord-infection",
    patterns: [/\b(tali pusat|tali pusar|pusar|puser|pusat)( \w+){0,3} (merah|bengkak|bernanah|nanah|bananah|berbau|bau|babau|busuk)\b/],
    topics: { newborn: B, baby: B, child: B },
    fallback: B,
  },
  {
    id: "foul-lochia",
    patterns: [
      /\b(darah nifas|cairan|keputihan|lokia|lochia|darah|keluaran)( \w+){0,3} (berbau|bau|babau|busuk|bau busuk)\b/,
      /\b(jalan lahir|kemaluan|vagina|miss v|jahitan)( \w+){0,3} (berbau|bau|babau|busuk|bernanah|bananah)\b/,
    ],
    unless: [/\basi\b/],
    topics: { postpartum: N, pregnancy: P },
    fallback: N,
  },
  {
    id: "breast-infection",
    // Buku KIA: payudara bengkak, merah, disertai rasa sakit (mastitis), here with redness, pus or fever.
    patterns: [
      /\b(payudara|tetek|buah dada|susu (saya|ibu|kiri|kanan|sebelah))( \w+){0,4} (merah|habang|bernanah|bananah|nanah)\b/,
      /\b(payudara|tetek|buah dada)\b.*\b(demam|panas|meriang|menggigil)\b/,
      /\b(demam|panas|meriang|menggigil)\b.*\b(payudara|tetek|buah dada)\b/,
    ],
    topics: { postpartum: N, pregnancy: N, newborn: N, baby: N },
    fallback: N,
  },
  {
    id: "swollen-painful-leg",
    // WHO postnatal care 2022: one swollen, painful calf or leg (thrombosis) after birth.
    patterns: [
      /\b(betis|kaki|tungkai|paha)( \w+){0,3} (bengkak)( \w+){0,3} (nyeri|sakit|merah|panas|keras)\b/,
      /\b(betis|kaki|tungkai|paha)( \w+){0,2} (nyeri|sakit|merah) (dan |dengan )?(bengkak)\b/,
    ],
    topics: { postpartum: N },
  },
  {
    id: "bleeding",
    patterns: [
      /\b(perdarahan|berdarah|badarah|keluar darah|darah keluar|kaluar darah|darah kaluar|darah banyak|banyak darah|darah segar|gumpalan darah|darah menggumpal)\b/,
      /\bdarah (nifas )?(terus|deras|banyak sekali|tidak berhenti|menggumpal|bergumpal)\b/,
    ],
    unless: [
      /\b(gusi|hidung|mimisan|puting|pusar|puser|pusat|tali pusat|kencing|bab|tinja|feses|tambah darah|tekanan darah|golongan darah|cek darah|periksa darah|ambil darah|diambil darah|donor darah)\b/,
    ],
    topics: { postpartum: N, pregnancy: P, newborn: B, baby: B, child: A },
    fallback: P,
  },
  {
    id: "amniotic-fluid",
    patterns: [
      /\b(air ketuban|ketuban (pecah|rembes|merembes|keluar|bocor)|pecah ketuban|keluar (air|banyu) (dari|matan) (bawah|jalan lahir|vagina|kemaluan)|keluar air (banyak )?(dari )?(bawah|jalan lahir))\b/,
    ],
    topics: { pregnancy: P },
    fallback: P,
  },
  {
    id: "fetal-movement",
    patterns: [
      /\b(gerak|gerakan|tendangan) (janin|bayi|dedek)?\s?(berkurang|kurang|tidak terasa|jarang|hilang)\b/,
      /\b(janin|bayi (di|dalam) (perut|kandungan|rahim)|bayi)( \w+)? (tidak|kurang|jarang) (gerak|bergerak|bagarak|menendang|nendang)\b/,
    ],
    topics: { pregnancy: P },
  },
  {
    id: "severe-headache",
    patterns: [
      /\b(sakit kepala|kepala sakit|pusing|nyeri kepala|kepala nyeri|kepala pusing)( \w+)? (hebat|sekali|berat|parah|banget|luar biasa|tidak tertahankan|tidak hilang hilang|tidak hilang|berdenyut)\b/,
      /\bkepala (seperti |mau |rasa |serasa )?(pecah|mau pecah)\b/,
      /\bbengkak\b.*\b(sakit kepala|kepala sakit|pusing)\b/,
      /\b(sakit kepala|kepala sakit|pusing)\b.*\bbengkak\b/,
    ],
    topics: { postpartum: N, pregnancy: P, child: A },
    fallback: P,
  },
  {
    id: "blurred-vision",
    patterns: [
      /\b(pandangan|penglihatan|mata|paningalan|penglihatan mata)( \w+)? (kabur|berkunang|kunang kunang|buram|gelap|berbayang|rabun mendadak)\b/,
    ],
    topics: { postpartum: N, pregnancy: P },
    fallback: P,
  },
  {
    id: "face-hands-swelling",
    patterns: [/\b(wajah|muka|tangan|kelopak mata)( dan \w+)? (bengkak|sembab)\b/, /\bbengkak (di )?(wajah|muka|tangan)\b/],
    topics: { postpartum: N, pregnancy: P },
  },
  {
    id: "seizure",
    patterns: [/\b(kejang|step|stip|kelojotan|mata mendelik|mendelik)\b/],
    topics: { postpartum: N, pregnancy: P, newborn: B, baby: B, child: A },
    fallback: A,
  },
  {
    id: "severe-abdominal-pain",
    patterns: [
      /\b(nyeri|sakit|mules|mulas|kram|melilit) perut( \w+)? (hebat|sekali|banget|parah|luar biasa|terus menerus|tidak tertahankan|melilit)\b/,
      /\bperut( \w+)? (sakit|nyeri|melilit) (hebat|sekali|banget|parah|luar biasa|tidak tertahankan)\b/,
    ],
    topics: { postpartum: N, pregnancy: P, newborn: B, baby: B, child: A },
    fallback: P,
  },
  {
    id: "fast-or-hard-breathing",
    patterns: [
      /\b(sesak|tarikan dinding dada|dada( \w+)? (tertarik|cekung|masuk)|tersengal|ngos ngosan|megap megap)\b/,
      /\b(napas|nafas|bernapas|bernafas)( \w+)? (cepat|cepet|sesak|berat|susah|sulit|berbunyi|ngik)\b/,
      /\b(susah|sulit|sukar|berat) (napas|nafas|bernapas|bernafas)\b/,
    ],
    topics: { postpartum: N, pregnancy: P, newborn: B, baby: B, child: A },
    fallback: A,
  },
  {
    id: "grunting",
    patterns: [/\b(merintih|marintih|mengerang|ngorok)\b/],
    topics: { newborn: B, baby: B, child: A },
    fallback: B,
  },
  {
    id: "jaundice",
    // Yellow skin or eyes, not "ASI kuning" (colostrum), yellow stool or egg yolk.
    patterns: [
      /\b(bayi|kulit|mata|badan|tubuh|muka|wajah|awak)( \w+)? kuning\b/,
      /\bkuning (sampai|ke|di|seluruh) ?(\w+ )?(kaki|telapak|tangan|badan|tubuh|perut)\b/,
    ],
    unless: [/\b(kuning telur|telur|asi|kolostrum|susu|cairan|bab|tinja|feses|kotoran|ingus|dahak|kencing|pisang|labu|jagung|ubi)\b/],
    topics: { newborn: B, baby: B, child: A },
    fallback: B,
  },
  {
    id: "cold-baby",
    patterns: [/\b(badan|tubuh|kulit|kaki tangan|tangan kaki|bayi)( \w+){0,2} dingin\b/],
    unless: [/\bpanas dingin\b/, /\b(air|kompres|ac|cuaca|udara|minum|es)( \w+)? dingin\b/],
    topics: { newborn: B, baby: B },
  },
  {
    id: "refuses-feeding",
    patterns: [
      /\b(menolak|tidak (bisa|kuat|mampu|sanggup)|malas|lemah|berhenti) (menyusu|menyusui|manyusu|nyusu|mimik|minum asi|netek)\b/,
      /\b(tidak (bisa|kuat|mampu|sanggup|dapat)) (minum|makan minum|makan dan minum|makan atau minum)\b/,
      /\bmemuntahkan semua\b/,
    ],
    topics: { newborn: B, baby: B, child: A, pregnancy: P },
    fallback: B,
  },
  {
    id: "persistent-vomiting",
    patterns: [/\bmuntah (terus|semua|tidak berhenti|setiap|tiap|sepanjang)\b/],
    topics: { pregnancy: P, newborn: B, baby: B, child: A, postpartum: N },
    fallback: A,
  },
  {
    id: "high-fever",
    patterns: [/\b(demam|panas|suhu)( badan)? (tinggi|sangat tinggi|terus menerus|tidak turun|lebih dari (2|dua) hari)\b/],
    topics: { postpartum: N, pregnancy: P, newborn: B, baby: B, child: A },
    fallback: A,
  },
  {
    id: "any-fever",
    // Any fever in the nifas period (Buku KIA) or in a baby under 2 months (MTBM; a "bayi" whose
    // age is not given is read as one).
    patterns: [/\b(demam|panas|meriang|menggigil)\b/],
    // A fever the day after a vaccination is the usual KIPI (the imunisasi-kipi topic answers it).
    unless: [/\b(cuaca|udara|hawa) panas\b/, /\bair panas\b/, /\b(imunisasi|suntik|disuntik|vaksin|divaksin)\b/],
    topics: { postpartum: N, newborn: B, baby: B },
  },
  {
    id: "very-weak",
    patterns: [
      /\b(pingsan|tidak sadar|tidak sadarkan diri|lunglai|sulit dibangunkan|susah dibangunkan|tidak mau bangun|menolak bangun|tidak bisa bangun)\b/,
      /\b(sangat (lemas|lemah)|(lemas|lemah) (sekali|banget|tidak berdaya))\b/,
    ],
    topics: { postpartum: N, pregnancy: P, newborn: B, baby: B, child: A },
    fallback: A,
  },
  {
    // Not a sign but a request for a list ("tanda bahaya setelah melahirkan"): the list of whoever is named.
    id: "asks-for-the-list",
    patterns: [/\btanda( \w+)? bahaya\b/],
    topics: { postpartum: N, pregnancy: P, newborn: B, baby: B, child: A },
  },
  {
    id: "sunken-eyes",
    patterns: [/\bmata( \w+)? cekung\b/],
    topics: { newborn: B, baby: B, child: A },
    fallback: A,
  },
];

/**
 * Banjar and chat spellings the shared normalisation does not map yet, used for danger wording
 * only (Banjar has the vowels a, i, u only, so Indonesian e and o become a and u; Banjar
 * verbs take ma-/ba- where Indonesian has me-/ber-).
 */
export const DANGER_WORDS: Readonly<Record<string, string>> = {
  kaluar: "keluar",
  kluar: "keluar",
  manyusu: "menyusu",
  marintih: "merintih",
  babau: "berbau",
  bananah: "bernanah",
  sadih: "sedih",
  manangis: "menangis",
  cepet: "cepat",
  bgt: "banget",
  bahira: "bab",
  hira: "bab",
  pendarahan: "perdarahan",
};
