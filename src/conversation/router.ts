// Decides what one message is: a command (any time), an answer to the dialogue in progress, a
// domain message (kader report, reminder reply…), or a question for the FAQ. The dialogues,
// handlers and command words of the domains come from rt.conversation (compose.ts).
import { parseCommand, type Command } from "./commands.js";
import { hasDangerWords } from "../knowledge/index.js";
import { answerDangerSign, answerQuestion, handleFaqFollowUp } from "./faq.js";
import { parseIntent } from "./intents.js";
import type { DialogueStep, Flow } from "./flows/flow.js";
import { languageFlow } from "./flows/language.js";
import { deleteFlow, describeMyData, resume, stopFlow } from "./flows/privacy.js";
import { registrationFlow } from "./flows/registration.js";
import type { Handler, Turn } from "./turn.js";

/**
 * The open dialogue's state as its flow defines it. A state that does not fit (saved before a
 * deploy changed the flow) ends the dialogue with an apology, so the person starts again.
 */
async function dialogueState<S extends DialogueStep>(turn: Turn, flow: Flow<S>): Promise<S | null> {
  const parsed = flow.state.safeParse({ step: turn.state?.step, data: turn.state?.data ?? {} });
  if (parsed.success) return parsed.data;
  // The flow, the step and which fields failed; never the values (they are what people typed).
  const fields = parsed.error.issues.map((i) => i.path.join("."));
  turn.rt.log.warn({ flow: flow.name, step: turn.state?.step, fields }, "saved dialogue state does not fit its flow; the dialogue ends");
  await turn.clearState();
  turn.say("conversation:dialogue_lost");
  return null;
}

/** Hands the answer to the open dialogue's current step. */
async function continueDialogue(turn: Turn, flow: Flow): Promise<void> {
  const state = await dialogueState(turn, flow);
  if (state) await flow.step(turn, state);
}

/** After answering something else in the middle of a dialogue, asks its question again. */
export async function resumeDialogue(turn: Turn, flow: Flow): Promise<void> {
  if (turn.state?.flow !== flow.name) return;
  if (flow.reprompt) {
    const state = await dialogueState(turn, flow);
    if (!state) return;
    turn.say("conversation:resume");
    await flow.reprompt(turn, state);
  } else {
    turn.say("conversation:resume_generic");
  }
}

/** The domain handlers for this message: the claiming domain's only, when it is a claimed word. */
function handlersFor(turn: Turn): Handler[] {
  const conversation = turn.rt.conversation;
  const owner = conversation.ownerOf(turn.text, turn.contact);
  return owner ? conversation.handlers(owner) : conversation.handlers();
}

async function runCommand(turn: Turn, command: Command): Promise<void> {
  switch (command) {
    case "menu":
      await turn.clearState();
      // An active kader also gets their own commands (ANAK BARU, UKUR …) in the menu.
      if (turn.contact.role === "kader" && turn.contact.kaderStatus === "active") {
        return turn.sayText(`${turn.t("conversation:menu")}\n\n${turn.t("conversation:kader_commands")}`);
      }
      return turn.say("conversation:menu");
    case "help":
      return turn.say("conversation:help");
    case "language":
      await turn.clearState();
      return languageFlow.start(turn);
    case "stop":
      await turn.clearState();
      return stopFlow.start(turn);
    case "start":
      await turn.clearState();
      return resume(turn);
    case "mydata":
      return describeMyData(turn);
    case "delete":
      await turn.clearState();
      return deleteFlow.start(turn);
    case "register":
      await turn.clearState();
      return registrationFlow.start(turn);
    case "cancel":
      await turn.clearState();
      return turn.say("conversation:cancelled");
    case "handoff":
      // The state may hold the question the bot just failed to answer: the flow forwards it.
      if (!(await turn.rt.conversation.startFlow(turn, "handoff"))) turn.say("conversation:fallback");
      return;
  }
}

const COMMANDS: readonly Command[] = ["menu", "help", "language", "stop", "start", "mydata", "delete", "register", "cancel", "handoff"];
function payloadCommand(name: string): Command | null {
  return (COMMANDS as readonly string[]).includes(name) ? (name as Command) : null;
}

/** Handles one turn; always leaves at least one reply. */
export async function route(turn: Turn): Promise<void> {
  const payload = turn.message.payload;
  // Commands: a button, the command word, or a short sentence asking for it ("saya mau daftar").
  // A "cmd:" payload the bot never sent (an old keyboard, a forged callback) is no command: it
  // goes on like any unknown payload and gets the bot's usual help rather than silence.
  const command = payload?.startsWith("cmd:")
    ? payloadCommand(payload.slice(4))
    : (parseCommand(turn.message.text) ?? parseIntent(turn.message.text));
  // BATAL with no dialogue open may mean a domain's own undo (a kader's last report).
  const conversation = turn.rt.conversation;
  const dialogueOpen = turn.state !== null && conversation.flow(turn.state.flow) !== undefined;
  if (command === "cancel" && !dialogueOpen) {
    const owner = conversation.ownerOf(turn.text, turn.contact);
    if (owner) for (const handler of conversation.handlers(owner)) if (await handler(turn)) return;
  }
  if (command) return runCommand(turn, command);

  // A shared own phone number (Telegram's contact button) is stored on the channel by the inbound
  // pipeline, as the provider vouches for it: thank the person; any open dialogue stays where it was.
  if (!turn.text && !payload && turn.message.phone) return turn.say("conversation:phone_saved");
  if (!turn.text && !payload) return turn.say("conversation:unsupported");

  let flow = conversation.flow(turn.state?.flow);
  if (flow?.leavesFor?.(turn)) {
    await turn.clearState();
    flow = undefined;
  }
  if (flow) {
    // A danger sign is answered even in the middle of a dialogue (which stays where it was):
    // "go to the puskesmas now" must never wait for a date to be typed correctly.
    if (turn.text && hasDangerWords(turn.text) && (await answerDangerSign(turn))) {
      if (flow.freeText) return continueDialogue(turn, flow);
      return resumeDialogue(turn, flow);
    }
    // An FAQ button ("selengkapnya", a topic) pressed while a dialogue is open.
    if (payload?.startsWith("faq:") && (await handleFaqFollowUp(turn, { keepState: true }))) return resumeDialogue(turn, flow);
    for (const handler of conversation.globalHandlers()) if (await handler(turn)) return resumeDialogue(turn, flow);
    return continueDialogue(turn, flow);
  }

  for (const handler of [...conversation.globalHandlers(), ...handlersFor(turn)]) if (await handler(turn)) return;

  if (await handleFaqFollowUp(turn)) return;
  return answerQuestion(turn);
}
