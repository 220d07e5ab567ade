// Reading a growth command: ANAK BARU, KEMBAR, UKUR (one-liners, several lines, a code first),
// BATAL UKUR, RIWAYAT, CARI, HAMIL, TERIMA/HASIL R-12. Pure.
import { CODE_CHAR, isNewChildCommand } from "../../lib/input/index.js";
import { isParseError, parseReport, parseReports, type ParseResult } from "../parse.js";
import { simple } from "./kader.js";

export type Command =
  | { kind: "new-child" }
  | { kind: "twin"; code: string }
  | { kind: "report"; results: ParseResult[] }
  | { kind: "guided-report" }
  | { kind: "undo" }
  | { kind: "history"; code: string }
  | { kind: "search"; query: string }
  | { kind: "maternal"; rest: string }
  | { kind: "referral"; action: "ack" | "outcome"; number: number; rest: string };

const UKUR_WORD = /^(?:ukur|ukor|ukr|ukurr)\b/i;
// A line may start with the child's code instead of UKUR ("A7K2 BB 8,2"). The parser only takes a
// leading code that mixes letters and digits; codes.ts gives kader-registered children such codes,
// but children registered elsewhere may have KMPQ or 8684. So a leading word in the code alphabet
// (children/index.ts: no 0/O, 1/I) gets UKUR put in front when the line then reads as a complete
// report ("cara ukur tinggi bayi" does not) and the word is not one a sentence often starts with.
const CODE_FIRST = new RegExp(`^(${CODE_CHAR}{4,8})(?=\\s)`, "i");
const NOT_CODES = new Set(["ANAK", "BAYI", "LILA", "HARI", "PAGI", "SAYA", "ULUN", "UMUR", "BARU", "DATA", "TADI"]);
function withUkur(line: string): string {
  const m = CODE_FIRST.exec(line);
  if (!m || NOT_CODES.has((m[1] as string).toUpperCase()) || UKUR_WORD.test(line)) return line;
  return isParseError(parseReport(`UKUR ${line}`)) ? line : `UKUR ${line}`;
}

export const UNDO_VERBS = ["batal", "batalkan", "hapus", "urungkan"];
export const UNDO_OBJECTS = ["ukur", "ukuran", "laporan", "lapor", "kiriman"];
const UNDO = new RegExp(`^(?:${UNDO_VERBS.join("|")}) (?:${UNDO_OBJECTS.join("|")})(?: terakhir| tadi)?$`);

/** What a message asks of the growth module, or null when it is not about it. */
export function parseGrowthCommand(text: string): Command | null {
  const s = simple(text);
  if (isNewChildCommand(s)) return { kind: "new-child" };
  let m = /^(?:kembar|kembaran) ([a-z0-9]{4,8})$/.exec(s);
  if (m) return { kind: "twin", code: (m[1] as string).toUpperCase() };
  if (/^(?:ukur|ukor|ukr)$/.test(s)) return { kind: "guided-report" };
  // "BATAL" alone is the conversation's cancel command (router.ts); these name the report.
  if (UNDO.test(s) || /^(?:batalkan|batal)$/.test(s)) return { kind: "undo" };
  m = /^riwayat ([a-z0-9-]{2,20})$/.exec(s);
  if (m) return { kind: "history", code: (m[1] as string).toUpperCase() };
  m = /^cari (.{2,60})$/.exec(s);
  if (m) return { kind: "search", query: (m[1] as string).trim() };
  // Only with a phone number: "bumil hrs periksa brp kali" is a question for the FAQ.
  m = /^(?:hamil|bumil|batianan) ([+\d][\d -]{7,}.*)$/.exec(s);
  if (m) return { kind: "maternal", rest: m[1] as string };
  m = /^(?:terima|hasil) r-? ?(\d{1,9})\b ?(.*)$/.exec(s);
  if (m) return { kind: "referral", action: s.startsWith("terima") ? "ack" : "outcome", number: Number(m[1]), rest: m[2] as string };
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const results = parseReports(lines.map(withUkur).join("\n"));
  if (results.length > 0 && (lines.some((l) => UKUR_WORD.test(l)) || results.some((r) => !isParseError(r))))
    return { kind: "report", results };
  return null;
}
