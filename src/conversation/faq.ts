// Answers questions from the FAQ knowledge base: a confident match gets the answer in the
// person's language with its source; an unsure one gets the best 2–3 topics to choose from;
// greetings and off-topic get a friendly "what I can do", never a random health answer.
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Button } from "../channels/channel.js";
import { isQuestionLike, knowledgeOf, matchQuestion, type FaqTopic, type Knowledge } from "../knowledge/index.js";
import { countTopicAnswer, recordBacklog } from "../knowledge/backlog.js";
import { localDateOf } from "../reminders/dates.js";
import { puskesmas, puskesmasDesa } from "../health-units/health-units.sql.js";
import { pickChoice, type Choice } from "./choices.js";
import { stepState } from "./flows/flow.js";
import { FAQ_MEMORY_MS } from "./state.js";
import type { Turn } from "./turn.js";
import { sayWelcome } from "./welcome.js";

async function nearestPuskesmas(turn: Turn): Promise<string | null> {
  if (!turn.contact.desaCode) return null;
  const [row] = await turn.tx
    .select({ name: puskesmas.name })
    .from(puskesmasDesa)
    .innerJoin(puskesmas, eq(puskesmas.id, puskesmasDesa.puskesmasId))
    .where(eq(puskesmasDesa.desaCode, turn.contact.desaCode));
  if (!row) return null;
  return /^puskesmas/i.test(row.name) ? row.name : `Puskesmas ${row.name}`;
}

/** Answers a danger-sign question without touching the dialogue in progress; false if none. */
export async function answerDangerSign(turn: Turn): Promise<boolean> {
  const match = matchQuestion(knowledgeOf(turn.rt).index, turn.text);
  if (match.kind !== "answer" || !match.danger) return false;
  await sendAnswer(turn, match.topicId, { keepState: true });
  return true;
}

interface RenderedAnswer {
  text: string;
  more?: Button;
}

/**
 * Answers as sent, per topic and language, for one build of the FAQ: its texts change only with
 * a rebuild (refreshKnowledge lays the overrides into i18n, then builds a new Knowledge), so
 * each is rendered once rather than with five lookups per message. At most topics × languages.
 */
const renderedAnswers = new WeakMap<Knowledge, Map<string, RenderedAnswer>>();

function renderAnswer(turn: Turn, knowledge: Knowledge, topic: FaqTopic): RenderedAnswer {
  let byKey = renderedAnswers.get(knowledge);
  if (!byKey) {
    byKey = new Map();
    renderedAnswers.set(knowledge, byKey);
  }
  const key = `${turn.lang}:${topic.id}`;
  let answer = byKey.get(key);
  if (!answer) {
    const hasMore = turn.rt.i18n.exists(turn.lang, `faq:${topic.id}.more`);
    const parts = [`*${turn.t(`faq:${topic.id}.title`)}*`, turn.t(`faq:${topic.id}.answer`)];
    if (hasMore) parts.push(turn.t("knowledge:more.hint"));
    parts.push(turn.t("knowledge:source", { source: topic.source }));
    answer = { text: parts.join("\n\n") };
    if (hasMore) answer.more = { label: turn.t("knowledge:more.button"), payload: `faq:more:${topic.id}` };
    byKey.set(key, answer);
  }
  return answer;
}

/** Sends one topic's answer (danger warning first, source last, "more" as a button). */
export async function sendAnswer(turn: Turn, topicId: string, options: { keepState?: boolean } = {}): Promise<void> {
  const knowledge = knowledgeOf(turn.rt);
  const topic = knowledge.topics.get(topicId);
  if (!topic) return turn.say("conversation:fallback");
  if (topic.danger) {
    const name = await nearestPuskesmas(turn);
    turn.say(name ? "knowledge:danger.prefix_puskesmas" : "knowledge:danger.prefix", { puskesmas: name });
  }
  countTopicAnswer(turn.rt, localDateOf(turn.now), topicId, turn.lang);
  const { text, more } = renderAnswer(turn, knowledge, topic);
  turn.sayText(text, more ? [{ ...more }] : undefined);
  // Remember the topic briefly so a typed "selengkapnya" refers to it.
  if (!options.keepState) await turn.setState("faq", "answered", { topicId }, FAQ_MEMORY_MS);
}

function handoffButton(turn: Turn) {
  return { label: turn.t("handoff:button"), payload: "cmd:handoff" };
}

function topicChoices(turn: Turn, ids: string[]): Choice[] {
  return ids.map((id) => ({ label: turn.t(`faq:${id}.title`), payload: `faq:topic:${id}` }));
}

const MORE_WORDS = /^(selengkapnya|salangkapnya|lengkapnya|lanjut|lagi|more|detail)$/i;

/**
 * A message in the middle of a dialogue that fits none of its answers may be a question: a
 * confident FAQ answer is sent and the dialogue stays where it was (README: anyone may ask at any
 * time). False when it is not a clear question.
 */
export async function answerAside(turn: Turn): Promise<boolean> {
  if (!turn.text || turn.message.payload || !isQuestionLike(turn.text)) return false;
  const match = matchQuestion(knowledgeOf(turn.rt).index, turn.text);
  if (match.kind !== "answer") return false;
  await sendAnswer(turn, match.topicId, { keepState: true });
  return true;
}

/**
 * What the bot remembers of its last FAQ reply (FAQ_MEMORY_MS): the topic answered, the topics
 * offered, or the question it could not answer ("Tanya bidan" forwards it).
 */
const faqMemorySchema = z.discriminatedUnion("step", [
  stepState("answered", { topicId: z.string() }),
  stepState("choose", { topicIds: z.array(z.string()), question: z.string() }),
  stepState("unanswered", { question: z.string() }),
]);
export type FaqMemory = z.infer<typeof faqMemorySchema>;

/** The FAQ memory, or null; one that does not fit (saved by an older version) is forgotten, as it would be in minutes. */
export function faqMemory(turn: Turn): FaqMemory | null {
  if (turn.state?.flow !== "faq") return null;
  const parsed = faqMemorySchema.safeParse({ step: turn.state.step, data: turn.state.data });
  return parsed.success ? parsed.data : null;
}

/** Handles button presses and follow-ups of earlier FAQ replies ("selengkapnya", "2"). */
export async function handleFaqFollowUp(turn: Turn, options: { keepState?: boolean } = {}): Promise<boolean> {
  const payload = turn.message.payload ?? "";
  if (payload.startsWith("faq:topic:")) {
    await sendAnswer(turn, payload.slice("faq:topic:".length), options);
    return true;
  }
  const state = faqMemory(turn);
  const moreId = payload.startsWith("faq:more:")
    ? payload.slice("faq:more:".length)
    : state?.step === "answered" && MORE_WORDS.test(turn.text)
      ? state.data.topicId
      : null;
  if (moreId) {
    const key = `faq:${moreId}.more`;
    if (turn.rt.i18n.exists(turn.lang, key)) turn.say(key);
    else turn.say("conversation:faq_no_more");
    return true;
  }
  if (state?.step === "choose") {
    const picked = pickChoice(turn.message, topicChoices(turn, state.data.topicIds));
    if (picked) {
      await sendAnswer(turn, picked.slice("faq:topic:".length));
      return true;
    }
  }
  return false;
}

/** Answers the message as a question; always replies. */
export async function answerQuestion(turn: Turn): Promise<void> {
  const match = matchQuestion(knowledgeOf(turn.rt).index, turn.text);
  // Unanswered and unsure questions go to the Pokja's content backlog (without who asked).
  await recordBacklog(turn.tx, turn.rt.clock.now(), turn.text, match);
  if (match.kind === "answer") return sendAnswer(turn, match.topicId);
  if (match.kind === "choices") {
    turn.ask("knowledge:choices.intro", topicChoices(turn, match.topicIds));
    turn.say("knowledge:choices.none_of_these", undefined, [handoffButton(turn)]);
    await turn.setState("faq", "choose", { topicIds: match.topicIds, question: turn.text.slice(0, 1000) }, FAQ_MEMORY_MS);
    return;
  }
  await turn.clearState();
  if (match.reason === "greeting" && !turn.contact.registeredAt) {
    sayWelcome(turn);
  } else if (match.reason === "offtopic") {
    // Perhaps a real question the FAQ does not cover: keep it briefly so "Tanya bidan" can
    // pass it on as asked.
    turn.say("knowledge:none.offtopic", undefined, [handoffButton(turn)]);
    await turn.setState("faq", "unanswered", { question: turn.text.slice(0, 1000) }, FAQ_MEMORY_MS);
  } else {
    turn.say(`knowledge:none.${match.reason}`);
  }
}
