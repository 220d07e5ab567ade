// KEGUGURAN / BAYI MENINGGAL: confirmed first, then the plans stop.
import { type Child } from "../../children/index.js";
import { pickChoice, type Choice } from "../../conversation/choices.js";
import { z } from "zod";
import { NO, YES, stepState, yesNo, yesNoAnswer, type Flow } from "../../conversation/flows/flow.js";
import type { Turn } from "../../conversation/turn.js";
import { childrenOf, currentPregnancy, recordChildLoss, recordPregnancyLoss } from "../enrol.js";
import { formatDate } from "../render.js";
import { MESSAGE_KEYS } from "../rules.js";
import { NS } from "./common.js";

// --- loss -----------------------------------------------------------------------------------

function childChoices(list: Child[]): Choice[] {
  return list.map((c) => ({ label: `${c.name} (${formatDate(c.birthDate)})`, payload: `child:${c.id}` }));
}

async function confirmChildLoss(turn: Turn, child: Child): Promise<void> {
  turn.ask(`${NS}loss.confirmChild`, yesNo(turn), { name: child.name });
  await turn.setState("reminders:loss", "confirm", { kind: "child", childId: child.id });
}

const lossState = z.discriminatedUnion("step", [
  stepState("choose", { kind: z.literal("child") }),
  z.object({
    step: z.literal("confirm"),
    data: z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("pregnancy") }),
      z.object({ kind: z.literal("child"), childId: z.string() }),
    ]),
  }),
]);

export const lossFlow: Flow<z.infer<typeof lossState>> = {
  name: "reminders:loss",
  state: lossState,
  // KEGUGURAN and BAYI MENINGGAL enter through startLoss, which knows which loss was told.
  start: (turn) => startLoss(turn, "pregnancy"),
  async step(turn, state) {
    if (state.step === "choose") {
      const list = await childrenOf(turn.tx, turn.contact.id);
      const picked = pickChoice(turn.message, childChoices(list));
      const child = list.find((c) => `child:${c.id}` === picked);
      if (!child) return turn.ask(`${NS}loss.chooseChild`, childChoices(list));
      return confirmChildLoss(turn, child);
    }
    const answer = yesNoAnswer(turn);
    if (answer === NO) {
      await turn.clearState();
      return turn.say(`${NS}loss.kept`);
    }
    const data = state.data;
    if (answer !== YES) {
      // The child's name is looked up again rather than kept in the state.
      const child = data.kind === "child" ? (await childrenOf(turn.tx, turn.contact.id)).find((c) => c.id === data.childId) : undefined;
      return turn.ask(data.kind === "child" ? `${NS}loss.confirmChild` : `${NS}loss.confirmPregnancy`, yesNo(turn), { name: child?.name });
    }
    await turn.clearState();
    if (data.kind === "pregnancy") {
      await recordPregnancyLoss(turn.rt, turn.tx, turn.contact);
      return turn.say(MESSAGE_KEYS.lossPregnancy);
    }
    const child = (await childrenOf(turn.tx, turn.contact.id)).find((c) => c.id === data.childId);
    const result = child ? await recordChildLoss(turn.rt, turn.tx, child) : { postnatalContinues: false };
    turn.say(result.postnatalContinues ? MESSAGE_KEYS.lossChildPostnatal : MESSAGE_KEYS.lossChild);
  },
};

export async function startLoss(turn: Turn, kind: "pregnancy" | "child"): Promise<void> {
  if (kind === "pregnancy") {
    if (!(await currentPregnancy(turn.tx, turn.contact.id))) return turn.say(`${NS}loss.noPregnancy`);
    turn.ask(`${NS}loss.confirmPregnancy`, yesNo(turn));
    await turn.setState("reminders:loss", "confirm", { kind });
    return;
  }
  const list = await childrenOf(turn.tx, turn.contact.id);
  if (list.length === 0) return turn.say(`${NS}loss.noChild`);
  if (list.length === 1) return confirmChildLoss(turn, list[0]!);
  turn.ask(`${NS}loss.chooseChild`, childChoices(list));
  await turn.setState("reminders:loss", "choose", { kind });
}
