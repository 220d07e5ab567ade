// JAM: the family picks the local hour its reminders come ("at the person's preferred
// hour"). Reads what people type — "JAM 17", "jam 19.00", "jam pengingat 16", "ganti jam 6 sore",
// "jam 7 pagi", Banjar "jam 7 baisukan", "jam 5 sanja" — and nothing longer: "jam berapa
// posyandu buka?" is a question for the FAQ, not a command. Pure.
import { isQuietHour } from "./send-time.js";

export type HourCommand =
  /** "JAM" alone: tell the current hour and how to change it. */
  | { kind: "show" }
  /**
   * A whole local hour 0–23. `bare`: typed 1–11 without pagi/siang/sore/malam or a leading zero,
   * so it may have meant the afternoon ("jam 5" said for 17.00).
   */
  | { kind: "set"; hour: number; bare: boolean }
  /** Plainly meant as the command, but the hour is not one we can use (25, 7.30, "8 siang"). */
  | { kind: "unreadable" };

// Words around the command: requests, verbs and what is changed, in Indonesian, chat spelling and
// Banjar (handak 'mau', maganti, pangingat); none of them makes a message a question.
const LEAD = new Set([
  "tolong",
  "tlg",
  "mohon",
  "minta",
  "mau",
  "ingin",
  "pengen",
  "handak",
  "saya",
  "sy",
  "aku",
  "ulun",
  "ganti",
  "gnti",
  "ubah",
  "rubah",
  "atur",
  "pindah",
  "pindahkan",
  "tukar",
  "set",
  "maganti",
  "maubah",
  "kirim",
  "kirimi",
  "kirimkan",
  "kirimakan",
  "ke",
  "ka",
  "jadi",
  "pengingat",
  "pengingatnya",
  "pangingat",
  "pangingatnya",
  "reminder",
]);
const HOUR_WORD = /^(?:jam|jm|pukul|pkl)$/;
const MID = new Set([
  "jam",
  "pukul",
  "pengingat",
  "pengingatnya",
  "pangingat",
  "pangingatnya",
  "reminder",
  "kirim",
  "nya",
  "ke",
  "ka",
  "jadi",
  "menjadi",
]);
const TAIL = new Set([
  "wita",
  "aja",
  "saja",
  "sja",
  "aj",
  "haja",
  "ja",
  "ya",
  "yah",
  "lah",
  "dong",
  "pang",
  "ai",
  "bu",
  "kak",
  "min",
  "pian",
  "terima",
  "kasih",
  "makasih",
]);

export type Period = "morning" | "midday" | "afternoon" | "night";
// pagi; Banjar baisukan/bisukan (lexicon); siang; sore, Banjar sanja (lexicon, UNCERTAIN), petang; malam.
const PERIODS: Record<string, Period> = {
  pagi: "morning",
  pgi: "morning",
  pg: "morning",
  subuh: "morning",
  baisukan: "morning",
  bisukan: "morning",
  siang: "midday",
  siank: "midday",
  sian: "midday",
  sore: "afternoon",
  sor: "afternoon",
  petang: "afternoon",
  senja: "afternoon",
  sanja: "afternoon",
  malam: "night",
  malem: "night",
  mlm: "night",
};

const NUMBER_WORDS: Record<string, number> = {
  nol: 0,
  satu: 1,
  dua: 2,
  tiga: 3,
  empat: 4,
  lima: 5,
  enam: 6,
  tujuh: 7,
  delapan: 8,
  sembilan: 9,
  sepuluh: 10,
  sebelas: 11,
};

/** Longest message still read as the command: a short instruction, never a sentence. */
const MAX_WORDS = 10;

// Module constants: esbuild writes these \p{…} literals as new RegExp(…), built again on every call.
const LETTER_DIGIT = /(\p{L})(\d)/gu;
const DIGIT_LETTER = /(\d)(\p{L})/gu;

function normalise(text: string): string[] {
  const s = text
    .toLowerCase()
    .replace(/(\d)\s*[:.,]\s*(\d{2})(?!\d)/g, "$1.$2") // 19:00, 19,00, 19 . 00 → 19.00
    .replace(LETTER_DIGIT, "$1 $2") // jam17
    .replace(DIGIT_LETTER, "$1 $2") // 5sore
    .replace(/[^\p{L}\p{N}.]+/gu, " ")
    .replace(/(?<!\d)\.|\.(?!\d)/g, " ");
  return s.split(" ").filter(Boolean);
}

/** Hour and minutes of "17", "17.00", "07", "tujuh", "dua belas"; consumes from `words` at `i`. */
function readClock(words: string[], i: number): { hour: number; minutes: number; next: number; zeroPadded?: boolean } | null {
  const w = words[i];
  if (w === undefined) return null;
  const digits = /^(\d{1,3})(?:\.(\d{2}))?$/.exec(w);
  if (digits) {
    let minutes = digits[2] === undefined ? 0 : Number(digits[2]);
    let next = i + 1;
    if (digits[2] === undefined && /^\d{2}$/.test(words[next] ?? "")) {
      minutes = Number(words[next]); // "19 00" (a colon lost to punctuation)
      next++;
    }
    return { hour: Number(digits[1]), minutes, next, zeroPadded: w.startsWith("0") };
  }
  if (w === "dua" && words[i + 1] === "belas") return { hour: 12, minutes: 0, next: i + 2 };
  if (w in NUMBER_WORDS) return { hour: NUMBER_WORDS[w]!, minutes: 0, next: i + 1 };
  return null;
}

/** The 24-hour clock hour meant by `hour` said with a part of the day, or null if they clash. */
export function clockHour(hour: number, period: Period | null): number | null {
  if (!Number.isInteger(hour) || hour < 0) return null;
  switch (period) {
    case null:
      return hour <= 23 ? hour : hour === 24 ? 0 : null;
    case "morning":
      return hour <= 11 ? hour : null;
    case "midday": // jam 11 siang … jam 3 siang
      if (hour >= 10 && hour <= 16) return hour;
      return hour >= 1 && hour <= 4 ? hour + 12 : null;
    case "afternoon": // jam 3 sore = 15, jam 6 sore = 18
      if (hour >= 1 && hour <= 11) return hour + 12;
      return hour >= 12 && hour <= 23 ? hour : null;
    case "night": // jam 8 malam = 20; jam 12 malam = 0; jam 2 malam = 02 (dini hari)
      if (hour >= 6 && hour <= 11) return hour + 12;
      if (hour === 12 || hour === 0 || hour === 24) return 0;
      if (hour >= 1 && hour <= 5) return hour;
      return hour >= 18 && hour <= 23 ? hour : null;
  }
}

/** JAM and its forms, or null when the message is something else (a question, a sentence). */
export function parseHourCommand(text: string): HourCommand | null {
  const words = normalise(text);
  if (words.length === 0 || words.length > MAX_WORDS) return null;
  let i = 0;
  while (i < words.length && LEAD.has(words[i]!)) i++;
  if (!HOUR_WORD.test(words[i] ?? "")) return null;
  i++;
  while (i < words.length && MID.has(words[i]!)) i++;
  if (i === words.length) return { kind: "show" };
  // "jam setengah 8" is 07.30: reminders go out on the hour.
  if (words[i] === "setengah" && readClock(words, i + 1)) return { kind: "unreadable" };
  const clock = readClock(words, i);
  // "jam berapa …", "jam makan anak …": not an hour, so not the command.
  if (!clock) return null;
  i = clock.next;
  let period: Period | null = null;
  const maybe = PERIODS[words[i] ?? ""];
  if (maybe) {
    period = maybe;
    i++;
  }
  while (i < words.length && TAIL.has(words[i]!)) i++;
  // Words we do not know after the time: a sentence ("jam 7 pagi bagus untuk minum ttd?") for the FAQ.
  if (i < words.length) return null;
  if (clock.minutes !== 0) return { kind: "unreadable" }; // reminders go out on the hour
  const hour = clockHour(clock.hour, period);
  if (hour === null) return { kind: "unreadable" };
  // "05.00" is plainly the morning; "5" may be five in the afternoon.
  return { kind: "set", hour, bare: period === null && !clock.zeroPadded && clock.hour >= 1 && clock.hour <= 11 };
}

/** First and last hour a reminder may be asked for (quiet hours excluded), e.g. 6 and 20. */
export function allowedHours(quietStart: number, quietEnd: number): { first: number; last: number } {
  if (quietStart === quietEnd) return { first: 0, last: 23 };
  return { first: quietEnd, last: (quietStart + 23) % 24 };
}

/** True when a reminder may be asked for this hour (not inside quiet hours). */
export function isAllowedHour(hour: number, quietStart: number, quietEnd: number): boolean {
  return !isQuietHour(hour, quietStart, quietEnd);
}
