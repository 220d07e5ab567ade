// How typed text is simplified before it is read. Each reader needs a different amount of the
// punctuation, so there are three, named for what they keep; every flow uses one of these.

/**
 * For reading words and dates: lower case, every mark except / . - (which dates need) becomes a
 * space, single spaces. "Sudah, makasih!" → "sudah makasih"; "12/3/2026" stays.
 */
export function simplify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}/.-]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * For reading values: lower case and single spaces, marks inside kept ("lila 22,5", "+62 812…"),
 * sentence marks at the ends dropped.
 */
export function tidy(text: string): string {
  return text
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/^[\s.!?]+|[\s.!?]+$/g, "");
}

/** For comparing command words: lower case, every mark but "/" (Telegram's /start) to spaces. */
export function commandKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}/ ]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** For matching a typed button label: accents folded, every mark a space ("Orang tua" = "orang-tua"). */
export function foldLabel(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
