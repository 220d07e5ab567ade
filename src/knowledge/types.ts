import type { Lang } from "../i18n/index.js";

/** One FAQ topic's metadata (src/knowledge/content/<section>.json, or an admin override row). */
export interface FaqTopic {
  id: string;
  /** Section letter of the FAQ content (src/knowledge/content/), "A".."G". */
  section: string;
  /** Danger-sign topic: the bot must send the person to the bidan/puskesmas before anything else. */
  danger: boolean;
  /** Public source(s) of the facts, shown under the answer. */
  source: string;
  keywords: Record<Lang, string[]>;
  examples: Record<Lang, string[]>;
  /** Answer titles from locales/<lng>/faq/*.json; indexed too, optional for overrides. */
  titles?: Partial<Record<Lang, string>>;
}

export type NoneReason = "greeting" | "thanks" | "offtopic";

/** Result of matching one question; `lang` is the language the question was written in. */
/** `confidence`: the combined, calibrated confidence of the best topic (1 for a danger sign). */
export type FaqMatch =
  | { kind: "answer"; topicId: string; score: number; danger: boolean; lang: Lang | null; ranked: string[]; confidence: number }
  | { kind: "choices"; topicIds: string[]; lang: Lang | null; ranked: string[]; confidence: number }
  | { kind: "none"; reason: NoneReason; lang: Lang | null; ranked: string[]; confidence: number };
