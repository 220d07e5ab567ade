// Scores the matcher on a labelled question set; shared by scripts/eval-faq.ts and the vitest test.
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { FaqIndex } from "./match.js";
import { matchQuestion } from "./match.js";
import type { FaqMatch } from "./types.js";

export const evalItemSchema = z.object({
  q: z.string(),
  expected: z.string().nullable(),
  // "plain" (older sets) = "formal"; "story" = a greeting or a story before the question.
  style: z.enum(["plain", "formal", "chat", "typo", "banjar", "mixed", "story", "offtopic"]),
  lang: z.enum(["id", "bjn"]),
});
export type EvalItem = z.infer<typeof evalItemSchema>;

export function readEvalItems(path: string): EvalItem[] {
  return z.array(evalItemSchema).parse(JSON.parse(readFileSync(path, "utf8")));
}

export interface GroupScore {
  n: number;
  /** Topic questions: best-ranked topic is right; off-topic questions: declined. */
  correct: number;
}

export interface EvalReport {
  topicQuestions: number;
  top1: number;
  top3: number;
  /** Answered directly (no "did you mean") with the right topic. */
  directCorrect: number;
  /** Answered directly with a wrong topic: the costly error. */
  directWrong: number;
  /** Topic questions answered with a menu ("Maksud Ibu/Bapak yang mana?"). */
  menus: number;
  /** Topic questions declined as off-topic. */
  wronglyDeclined: number;
  /** Questions whose topic is a danger list, and how many got that list as an urgent answer. */
  dangerQuestions: number;
  dangerRight: number;
  offtopicQuestions: number;
  offtopicDeclined: number;
  /** All "none" decisions, and how many of those were on topic questions (wrongly declined). */
  declinedTotal: number;
  byStyle: Record<string, GroupScore>;
  byLang: Record<string, GroupScore>;
  failures: { item: EvalItem; match: FaqMatch }[];
}

/** First-ranked topic of a decision ("none" has none). */
export function topTopic(m: FaqMatch): string | null {
  if (m.kind === "answer") return m.topicId;
  if (m.kind === "choices") return m.topicIds[0] ?? null;
  return null;
}

/** Topics the user gets to see: the answer plus ranked runners-up, or the offered choices. */
export function shownTopics(m: FaqMatch): string[] {
  if (m.kind === "answer") return [m.topicId, ...m.ranked.filter((t) => t !== m.topicId)].slice(0, 3);
  if (m.kind === "choices") return m.topicIds.slice(0, 3);
  return [];
}

export function evaluate(index: FaqIndex, items: readonly EvalItem[]): EvalReport {
  const r: EvalReport = {
    topicQuestions: 0,
    top1: 0,
    top3: 0,
    directCorrect: 0,
    directWrong: 0,
    menus: 0,
    wronglyDeclined: 0,
    dangerQuestions: 0,
    dangerRight: 0,
    offtopicQuestions: 0,
    offtopicDeclined: 0,
    declinedTotal: 0,
    byStyle: {},
    byLang: {},
    failures: [],
  };
  const bump = (groups: Record<string, GroupScore>, key: string, ok: boolean) => {
    const g = (groups[key] ??= { n: 0, correct: 0 });
    g.n++;
    if (ok) g.correct++;
  };
  for (const item of items) {
    const m = matchQuestion(index, item.q);
    if (m.kind === "none") r.declinedTotal++;
    let ok: boolean;
    if (item.expected === null) {
      r.offtopicQuestions++;
      ok = m.kind === "none";
      if (ok) r.offtopicDeclined++;
    } else {
      r.topicQuestions++;
      ok = topTopic(m) === item.expected;
      if (ok) r.top1++;
      if (shownTopics(m).includes(item.expected)) r.top3++;
      if (m.kind === "answer") {
        if (m.topicId === item.expected) r.directCorrect++;
        else r.directWrong++;
      }
      if (m.kind === "choices") r.menus++;
      if (index.topics.get(item.expected)?.danger) {
        r.dangerQuestions++;
        if (m.kind === "answer" && m.danger && m.topicId === item.expected) r.dangerRight++;
      }
      if (m.kind === "none") r.wronglyDeclined++;
    }
    bump(r.byStyle, item.style, ok);
    bump(r.byLang, item.lang, ok);
    if (!ok) r.failures.push({ item, match: m });
  }
  return r;
}

export const pct = (num: number, den: number): number => (den === 0 ? 0 : (100 * num) / den);

/** Plain-text summary for the console. */
export function formatReport(r: EvalReport): string {
  const line = (label: string, num: number, den: number) => `${label.padEnd(34)} ${pct(num, den).toFixed(1).padStart(5)}%  (${num}/${den})`;
  const out = [
    line("top-1 accuracy (topic questions)", r.top1, r.topicQuestions),
    line("top-3 accuracy", r.top3, r.topicQuestions),
    line("answered directly and right", r.directCorrect, r.topicQuestions),
    line("answered directly but wrong", r.directWrong, r.topicQuestions),
    line("menu offered (topic questions)", r.menus, r.topicQuestions),
    line("danger questions: right urgent list", r.dangerRight, r.dangerQuestions),
    line("declined though on topic", r.wronglyDeclined, r.topicQuestions),
    line("off-topic correctly declined", r.offtopicDeclined, r.offtopicQuestions),
    line("off-topic precision (declines)", r.offtopicDeclined, r.declinedTotal),
    "by style (top-1, or declined for off-topic):",
    ...Object.entries(r.byStyle).map(([k, g]) => line(`  ${k}`, g.correct, g.n)),
    "by language:",
    ...Object.entries(r.byLang).map(([k, g]) => line(`  ${k}`, g.correct, g.n)),
  ];
  return out.join("\n");
}
