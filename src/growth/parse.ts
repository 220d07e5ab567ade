// Parser for kader measurement reports sent by chat, e.g.
//   "UKUR A7K2 BB 8,2 TB 72,5 terlentang LILA 13,5 LK 44 tgl 12/11"
// Forgiving about order, decimal comma/point, optional units, Indonesian/Banjar keywords and common
// chat spellings; strict about meaning: a number without a keyword is an error (never guessed), and a
// weight that looks like grams is flagged for confirmation instead of being converted.
// Pure: any string gives reports or error codes (texts: growth:parse.<code>), never an exception.

export type ReportField = "child" | "weight" | "length" | "muac" | "head" | "date" | "position" | "oedema";

export type ParseErrorCode =
  | "missing-child-code"
  | "missing-measurement"
  | "bad-number"
  | "bad-date"
  | "unlabelled-number"
  | "duplicate-field"
  | "conflicting-position";

export type ParseFlag = "weight-in-grams";

export interface MeasuredOn {
  day: number;
  month: number;
  year?: number;
}

export interface KaderReport {
  childCode: string;
  weightKg?: number;
  /** Set instead of weightKg when the weight looks like grams ("BB 8200", "8200 gr", "8.200"). */
  weightGrams?: number;
  /** The weight was a bare whole number ≥ 100 (no unit, no thousands dot): grams or a lost comma. */
  weightBare?: boolean;
  lengthCm?: number;
  /** Which word the kader used: PB/panjang (lying by definition) or TB/tinggi (standing). */
  lengthKeyword?: "pb" | "tb";
  /** Only from an explicit word (terlentang/berdiri …), never guessed from PB/TB. */
  position?: "lying" | "standing";
  muacCm?: number;
  headCm?: number;
  measuredOn?: MeasuredOn;
  oedema?: boolean;
  flags: ParseFlag[];
  line: string;
}

export interface ParseError {
  error: ParseErrorCode;
  field?: ReportField;
  /** The offending piece of text, for the reply. */
  token?: string;
  line: string;
}

export type ParseResult = KaderReport | ParseError;

export function isParseError(r: ParseResult): r is ParseError {
  return "error" in r;
}

// --- vocabulary (lower case) ---------------------------------------------------------------
// Indonesian, Banjar Hulu (sound rules e→a, o→u: barat 'berat', badiri 'berdiri', talantang) and
// chat spellings (vowels dropped: brt, tgi, pjg).
const UKUR = new Set(["ukur", "ukor", "ukr", "ukurr", "ukuran", "pengukuran", "diukur", "maukur", "hasil"]);
const WEIGHT = new Set(["bb", "berat", "barat", "brt", "brat", "timbang", "timbangan", "bbt"]);
const LENGTH_TB = new Set(["tb", "tinggi", "tingi", "tggi", "tgi", "tinggibadan"]);
const LENGTH_PB = new Set(["pb", "panjang", "pnjg", "pjg", "pjng", "panjangbadan"]);
const MUAC = new Set(["lila", "lla", "lilla", "lingkarlengan"]);
const HEAD = new Set(["lk", "lkep", "lingkarkepala", "lingkarkapala"]);
const BODY = new Set(["badan", "bdn", "awak"]); // "berat badan", "barat awak", "tinggi badan"
const LYING = new Set([
  "terlentang",
  "telentang",
  "tlentang",
  "trlentang",
  "terlentan",
  "telantang",
  "talantang",
  "baring",
  "berbaring",
  "babaring",
  "rebah",
  "tidur",
  "baguring",
]);
const STANDING = new Set(["berdiri", "bediri", "brdiri", "bdiri", "badiri", "diri", "tegak"]);
const OEDEMA = new Set(["edema", "oedema", "odema", "udema", "busung", "bengkak", "bangkak"]);
const NEGATION = new Set([
  "tidak",
  "tdk",
  "tak",
  "ga",
  "gak",
  "ngga",
  "nggak",
  "enggak",
  "kada",
  "kadada",
  "tanpa",
  "non",
  "no",
  "n",
  "bukan",
  "negatif",
  "neg",
]);
const AFFIRM = new Set(["ya", "y", "iya", "ada", "positif", "pos", "yes"]);
const DATE_KW = new Set(["tgl", "tanggal", "tangal", "tangggal", "tg", "tggl", "tgll", "tnggl", "tang"]);
const WEIGHT_UNITS = new Set(["kg", "kilo", "kilogram", "kgs"]);
const GRAM_UNITS = new Set(["g", "gr", "gram", "grm", "grams"]);
const LENGTH_UNITS = new Set(["cm", "senti", "centi", "sentimeter", "centimeter", "cn"]);
const MONTHS: Record<string, number> = {
  jan: 1,
  januari: 1,
  feb: 2,
  februari: 2,
  pebruari: 2,
  peb: 2,
  mar: 3,
  maret: 3,
  apr: 4,
  april: 4,
  mei: 5,
  jun: 6,
  juni: 6,
  jul: 7,
  juli: 7,
  agu: 8,
  agt: 8,
  ags: 8,
  agus: 8,
  agustus: 8,
  sep: 9,
  sept: 9,
  september: 9,
  okt: 10,
  oktober: 10,
  oct: 10,
  nov: 11,
  nop: 11,
  november: 11,
  nopember: 11,
  des: 12,
  desember: 12,
  dec: 12,
};

const isReportKeyword = (w: string): boolean =>
  WEIGHT.has(w) || LENGTH_TB.has(w) || LENGTH_PB.has(w) || MUAC.has(w) || HEAD.has(w) || w === "lingkar";

/** Any word the parser gives a meaning to: such a word is never taken as a child code. */
const isVocabulary = (w: string): boolean =>
  isReportKeyword(w) ||
  UKUR.has(w) ||
  BODY.has(w) ||
  LYING.has(w) ||
  STANDING.has(w) ||
  OEDEMA.has(w) ||
  NEGATION.has(w) ||
  DATE_KW.has(w) ||
  WEIGHT_UNITS.has(w) ||
  GRAM_UNITS.has(w) ||
  LENGTH_UNITS.has(w);

type Token = { kind: "word" | "num" | "date" | "punct"; text: string };

const TOKEN_RE = /\d{1,2}[/-]\d{1,2}(?:[/-]\d{2,4})?(?![\d/-])|\d{1,2}\.\d{1,2}\.\d{2,4}(?![\d.])|\d+(?:[.,]\d+)*|[a-z]+|\S/g;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(TOKEN_RE)) {
    const t = m[0];
    if (/^[a-z]+$/.test(t)) tokens.push({ kind: "word", text: t });
    else if (/^\d+(?:[.,]\d+)*$/.test(t)) tokens.push({ kind: "num", text: t });
    else if (/^\d/.test(t)) tokens.push({ kind: "date", text: t });
    else tokens.push({ kind: "punct", text: t });
  }
  return tokens;
}

/** "8,2" / "8.2" / "72" → number; anything else (8,2,5) → NaN. */
export function parseDecimal(text: string): number {
  if (!/^\d+(?:[.,]\d+)?$/.test(text)) return Number.NaN;
  return Number(text.replace(",", "."));
}

function normalise(line: string): string {
  return (
    line
      .toLowerCase()
      .normalize("NFKC")
      // dotted abbreviations: b.b. / t.b / p.b / l.k → bb / tb / pb / lk
      .replace(/\b([btpl])\s?\.\s?([bk])\b\.?/g, "$1$2")
      .replace(/\blingkar\s+(kepala|kapala|kpl)\b/g, "lingkarkepala")
      .replace(/\blingkar\s+lengan(\s+atas)?\b/g, "lingkarlengan")
      .replace(/[–—]/g, "-")
  );
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function makeDate(day: number, month: number, year: number | undefined): MeasuredOn | null {
  if (!Number.isInteger(day) || !Number.isInteger(month) || month < 1 || month > 12 || day < 1) return null;
  let y = year;
  if (y !== undefined) {
    if (y < 100) y += 2000;
    if (y < 2000 || y > 2100) return null;
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const max = month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] as number);
    if (day > max) return null;
    return { day, month, year: y };
  }
  if (day > (DAYS_IN_MONTH[month - 1] as number)) return null;
  return { day, month };
}

function parseDateToken(text: string): MeasuredOn | null {
  const parts = text.split(/[/.-]/).map(Number);
  return makeDate(parts[0] as number, parts[1] as number, parts[2]);
}

/** True when a line looks like a measurement report at all (a keyword UKUR or a measurement word). */
export function looksLikeReport(line: string): boolean {
  const words = tokenize(normalise(line))
    .filter((t) => t.kind === "word")
    .map((t) => t.text);
  return words.some((w) => UKUR.has(w) || isReportKeyword(w) || w === "lingkarkepala" || w === "lingkarlengan");
}

const CODE_RE = /^[a-z0-9][a-z0-9-]{1,19}$/i;
const NUMBER_WITH_UNIT = /^\d+(?:[.,]\d+)?(?:kg|kilo|g|gr|gram|cm|mm)$/i;
const KEYWORD_WITH_NUMBER = /^(?:bb|tb|pb|lk|lila|lla|berat|barat|tinggi|panjang|tgl)\d/i;

/** Parses one line. Pure and total: never throws. */
export function parseReport(line: string): ParseResult {
  try {
    return parseLine(line);
  } catch {
    // Defensive: a parser bug must not take the bot down; report it as an unreadable number.
    return { error: "bad-number", line };
  }
}

function parseLine(line: string): ParseResult {
  const raw = line.trim().replace(/[:=;,]+/g, (s) => (s === "," ? "," : " "));
  // Child code: first word after UKUR (raw, before letters and digits are split apart), or the
  // first word of the line when it mixes letters and digits and is not "BB8,2"-like.
  const rawWords = raw.split(/\s+/).filter((w) => w.length > 0);
  let childCode: string | undefined;
  let codeIndex = -1;
  const bare = (w: string | undefined): string | undefined => w?.replace(/[.,!?]+$/, "");
  let lead = 0; // "UKUR", "hasil ukur", …
  while (lead < rawWords.length && UKUR.has(bare(rawWords[lead])?.toLowerCase() ?? "")) lead++;
  const first = bare(rawWords[0])?.toLowerCase();
  if (lead > 0) {
    const candidate = bare(rawWords[lead]);
    if (
      candidate !== undefined &&
      CODE_RE.test(candidate) &&
      !isVocabulary(candidate.toLowerCase()) &&
      !NUMBER_WITH_UNIT.test(candidate) &&
      !KEYWORD_WITH_NUMBER.test(candidate) &&
      !/^\d+[.,]\d+$/.test(candidate)
    ) {
      childCode = candidate.toUpperCase();
      codeIndex = lead;
    }
  } else if (first !== undefined) {
    const candidate = rawWords[0]?.replace(/[.,!?]+$/, "") ?? "";
    if (
      CODE_RE.test(candidate) &&
      /\d/.test(candidate) &&
      /[a-z]/i.test(candidate) &&
      !NUMBER_WITH_UNIT.test(candidate) &&
      !KEYWORD_WITH_NUMBER.test(candidate)
    ) {
      childCode = candidate.toUpperCase();
      codeIndex = 0;
    }
  }
  const rest = rawWords.filter((_, i) => i !== codeIndex).join(" ");
  const tokens = tokenize(normalise(rest));

  const report: KaderReport = { childCode: childCode ?? "", flags: [], line };
  const seen = new Set<ReportField>();
  const fail = (error: ParseErrorCode, field?: ReportField, token?: string): ParseError => ({
    error,
    ...(field ? { field } : {}),
    ...(token !== undefined ? { token } : {}),
    line,
  });

  let i = 0;
  const peek = (k = 0): Token | undefined => tokens[i + k];
  const skipPunct = (): void => {
    while (peek()?.kind === "punct" && peek()?.text !== "+" && peek()?.text !== "-") i++;
  };

  while (i < tokens.length) {
    const tok = tokens[i] as Token;
    if (tok.kind === "punct") {
      i++;
      continue;
    }
    if (tok.kind === "num") return fail("unlabelled-number", undefined, tok.text);
    if (tok.kind === "date") {
      if (seen.has("date")) return fail("duplicate-field", "date", tok.text);
      const d = parseDateToken(tok.text);
      if (!d) return fail("bad-date", "date", tok.text);
      report.measuredOn = d;
      seen.add("date");
      i++;
      continue;
    }
    const w = tok.text;
    i++;
    if (UKUR.has(w)) continue;

    let field: "weight" | "length" | "muac" | "head" | null = null;
    if (WEIGHT.has(w)) field = "weight";
    else if (LENGTH_TB.has(w) || LENGTH_PB.has(w)) field = "length";
    else if (MUAC.has(w)) field = "muac";
    else if (HEAD.has(w)) field = "head";

    if (field !== null) {
      if (field === "weight" || field === "length") if (peek()?.kind === "word" && BODY.has(peek()?.text ?? "")) i++;
      skipPunct();
      const numTok = peek();
      if (numTok?.kind !== "num") return fail("bad-number", field, numTok?.text ?? w);
      i++;
      const value = parseDecimal(numTok.text);
      const thousands = /^\d{1,2}\.\d{3}$/.test(numTok.text); // "8.200" = 8200 g in Indonesian notation
      if (!thousands && !(value > 0)) return fail("bad-number", field, numTok.text);
      let unit: string | undefined;
      if (peek()?.kind === "word") {
        const u = peek()?.text ?? "";
        if (WEIGHT_UNITS.has(u) || GRAM_UNITS.has(u) || LENGTH_UNITS.has(u)) {
          unit = u;
          i++;
        }
      }
      if (seen.has(field)) return fail("duplicate-field", field, numTok.text);
      seen.add(field);
      if (field === "weight") {
        const grams = thousands
          ? Number(numTok.text.replace(".", ""))
          : unit !== undefined && GRAM_UNITS.has(unit)
            ? value
            : value >= 100
              ? value
              : null;
        if (grams !== null) {
          report.weightGrams = grams;
          report.flags.push("weight-in-grams");
          // "820" with no unit may be grams or 8,20 kg with its comma lost: the age decides (reports.ts).
          if (!thousands && unit === undefined && Number.isInteger(value)) report.weightBare = true;
        } else report.weightKg = value;
      } else if (field === "length") {
        if (thousands) return fail("bad-number", field, numTok.text);
        report.lengthCm = value;
        report.lengthKeyword = LENGTH_PB.has(w) ? "pb" : "tb";
      } else if (field === "muac") {
        if (thousands) return fail("bad-number", field, numTok.text);
        report.muacCm = value;
      } else {
        if (thousands) return fail("bad-number", field, numTok.text);
        report.headCm = value;
      }
      continue;
    }

    if (LYING.has(w) || STANDING.has(w)) {
      const position = LYING.has(w) ? "lying" : "standing";
      if (report.position !== undefined && report.position !== position) return fail("conflicting-position", "position", w);
      report.position = position;
      continue;
    }

    if (OEDEMA.has(w)) {
      const before = tokens[i - 2];
      const negatedBefore = before?.kind === "word" && NEGATION.has(before.text);
      skipPunct();
      const after = peek();
      let value = !negatedBefore;
      if (after?.kind === "word" && NEGATION.has(after.text)) {
        value = false;
        i++;
      } else if (after?.kind === "word" && AFFIRM.has(after.text)) {
        value = true;
        i++;
      } else if (after?.kind === "punct" && (after.text === "-" || after.text === "+")) {
        value = after.text === "+";
        i++;
      }
      report.oedema = value;
      continue;
    }

    if (DATE_KW.has(w)) {
      skipPunct();
      const a = peek();
      if (a?.kind === "date") continue; // handled by the date branch
      if (a?.kind === "num") {
        const monthWord = peek(1);
        const day = Number(a.text);
        if (monthWord?.kind === "word" && MONTHS[monthWord.text] !== undefined) {
          const yearTok = peek(2);
          const year = yearTok?.kind === "num" && /^\d{2}(\d{2})?$/.test(yearTok.text) ? Number(yearTok.text) : undefined;
          const d = /^\d{1,2}$/.test(a.text) ? makeDate(day, MONTHS[monthWord.text] as number, year) : null;
          if (!d) return fail("bad-date", "date", a.text);
          if (seen.has("date")) return fail("duplicate-field", "date", a.text);
          report.measuredOn = d;
          seen.add("date");
          i += year !== undefined ? 3 : 2;
          continue;
        }
      }
      return fail("bad-date", "date", a?.text ?? w);
    }
    // Any other word (a name, "anak", a stray unit) is ignored.
  }

  if (!childCode) return fail("missing-child-code", "child");
  if (
    report.weightKg === undefined &&
    report.weightGrams === undefined &&
    report.lengthCm === undefined &&
    report.muacCm === undefined &&
    report.headCm === undefined
  ) {
    return fail("missing-measurement");
  }
  return report;
}

/**
 * Parses a whole chat message: one report per line that looks like a report (a line starting with
 * UKUR, or with a measurement keyword). Other lines (greetings, "posyandu Mawar") are skipped; an
 * empty array means the message is not a report.
 */
export function parseReports(text: string): ParseResult[] {
  if (typeof text !== "string") return [];
  return text
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && looksLikeReport(l))
    .map(parseReport);
}
