// The chat side of "Tanya bidan": a person passes a question on; a linked health worker answers
// with JAWAB <number> <answer>.
import { accountForContact } from "../admin/chat-link.js";
import type { ConversationDomain } from "../conversation/domain.js";
import { faqMemory } from "../conversation/faq.js";
import { stepsOnly, type Flow } from "../conversation/flows/flow.js";
import { FAQ_MEMORY_MS } from "../conversation/state.js";
import type { Turn } from "../conversation/turn.js";
import { answerQuestion, submitQuestion } from "./index.js";

/** The bot keeps the question it could not answer this long, so "Tanya bidan" can forward it. */
export const UNANSWERED_TTL_MS = FAQ_MEMORY_MS;

async function submit(turn: Turn, question: string) {
  const row = await submitQuestion(
    turn.tx,
    turn.rt.i18n,
    {
      contactId: turn.contact.id,
      channel: turn.message.channel,
      address: turn.message.address,
      lang: turn.lang,
      desaCode: turn.contact.desaCode,
      question,
    },
    turn.now,
  );
  await turn.clearState();
  turn.say("handoff:person.sent", { number: row.number });
}

export const handoffFlow: Flow = {
  name: "handoff",
  // The question for the bidan is any text: a danger sign in it is answered first, and it is still passed on.
  freeText: true,
  state: stepsOnly("question"),
  async start(turn) {
    // Pressed right after the bot could not help: forward that question as it was asked.
    const memory = faqMemory(turn);
    const question = memory && memory.step !== "answered" ? memory.data.question : undefined;
    const pending = question !== undefined && question.length >= 3 ? question : null;
    if (pending) return submit(turn, pending);
    turn.say("handoff:person.ask");
    await turn.setState("handoff", "question", {}, UNANSWERED_TTL_MS);
  },
  async step(turn) {
    if (turn.text.length < 3) {
      turn.say("handoff:person.ask");
      return;
    }
    await submit(turn, turn.text);
  },
};

const ANSWER = /^jawab\s+#?(\d{1,9})\s+([\s\S]+)$/i;

/** JAWAB 12 <answer> from a health worker's linked chat. */
async function staffAnswer(turn: Turn): Promise<boolean> {
  const m = ANSWER.exec(turn.text);
  if (!m) return false;
  if (!turn.staffRolesAllowed) {
    turn.say("conversation:staff_not_on_web");
    return true;
  }
  const account = await accountForContact(turn.tx, turn.contact.id);
  if (!account) {
    turn.say("handoff:staff.not_linked");
    return true;
  }
  const result = await answerQuestion(turn.tx, turn.rt.i18n, account, { number: Number(m[1]) }, (m[2] ?? "").trim(), turn.now, "chat");
  if (result.ok) turn.say("handoff:staff.answered", { number: result.question.number });
  else turn.say(`handoff:staff.${result.reason}`, { number: m[1] });
  return true;
}

/** "Tanya bidan" in the conversation (TANYA BIDAN itself is a core command that starts the flow). */
export const handoffConversation: ConversationDomain = {
  name: "handoff",
  flows: [handoffFlow],
  handlers: [staffAnswer],
  keywords: [{ prefixes: ["jawab"] }],
};
