// Finds a danger sign in a message and the Buku KIA list that answers it (tables in
// danger-signs.ts). Pure and synchronous; used by the FAQ matcher and, through it, by every
// dialogue (a danger sign interrupts whatever the person was doing).
import {
  ANIMAL_SUBJECT,
  DANGER_SIGNS,
  DANGER_WORDS,
  OLDER_THAN_TWO_MONTHS,
  SUBJECT_ORDER,
  SUBJECT_PATTERNS,
  type DangerSign,
  type DangerSubject,
  type DangerTopicId,
} from "./danger-signs.js";
import { expandTokens, tokenize } from "./normalize.js";

export type { DangerSubject, DangerTopicId } from "./danger-signs.js";

export interface DangerFinding {
  /** The sign's id in DANGER_SIGNS. */
  sign: string;
  topicId: DangerTopicId;
  /** Whose sign it was read as (null: nobody named, the sign's usual list). */
  subject: DangerSubject | null;
}

/** The message as the patterns read it: mapped words, "-nya" cut from long words, spaces around. */
export function dangerText(text: string): string {
  return dangerTextOf(tokenize(text));
}

function dangerTextOf(tokens: readonly string[]): string {
  const mapped = tokens.map((t) => {
    const bare = t.length >= 6 && t.endsWith("nya") ? t.slice(0, -3) : t;
    return DANGER_WORDS[bare] ?? bare;
  });
  return ` ${expandTokens(mapped).join(" ")} `;
}

/** Who the message is about, in SUBJECT_ORDER. */
export function dangerSubjects(text: string): DangerSubject[] {
  const found = new Set(SUBJECT_ORDER.filter((s) => SUBJECT_PATTERNS[s].test(text)));
  // "bayi 8 bulan" is past the young-infant lists; a pregnancy's "7 bulan" is not about a child.
  if (found.has("baby") && !found.has("newborn") && !found.has("pregnancy") && OLDER_THAN_TWO_MONTHS.test(text)) {
    found.delete("baby");
    found.add("child");
  }
  return SUBJECT_ORDER.filter((s) => found.has(s));
}

function present(sign: DangerSign, text: string): boolean {
  return sign.patterns.some((re) => re.test(text)) && !(sign.unless ?? []).some((re) => re.test(text));
}

/** The first danger sign in the message and its list, or null when there is none. */
export function findDangerSign(message: string): DangerFinding | null {
  return findDangerSignInTokens(tokenize(message));
}

/** findDangerSign over the message's tokens (normalize.ts tokenize), for a caller that has them. */
export function findDangerSignInTokens(tokens: readonly string[]): DangerFinding | null {
  const text = dangerTextOf(tokens);
  let subjects: DangerSubject[] | null = null;
  for (const sign of DANGER_SIGNS) {
    if (!present(sign, text)) continue;
    subjects ??= dangerSubjects(text);
    if (subjects.length === 0 && ANIMAL_SUBJECT.test(text)) return null;
    const subject = subjects.find((s) => sign.topics[s] !== undefined);
    if (subject) return { sign: sign.id, topicId: sign.topics[subject]!, subject };
    if (sign.fallback) return { sign: sign.id, topicId: sign.fallback, subject: null };
  }
  return null;
}
