// SUDAH LAHIR: the pregnancy ends and the child's programme starts.
import { z } from "zod";
import { stepState, type Flow } from "../../conversation/flows/flow.js";
import { readSex } from "../../lib/input/index.js";
import { localToday } from "../send-at.js";
import { recordBirth } from "../enrol.js";
import { NS, sexChoices } from "./common.js";
import { readBirthDate } from "./children.js";

// --- birth ----------------------------------------------------------------------------------

const birthState = z.discriminatedUnion("step", [
  stepState("date", {}),
  stepState("sex", { birthDate: z.string() }),
  stepState("name", { birthDate: z.string(), sex: z.enum(["L", "P"]) }),
]);

export const birthFlow: Flow<z.infer<typeof birthState>> = {
  name: "reminders:birth",
  state: birthState,
  async start(turn) {
    turn.say(`${NS}birth.askDate`);
    await turn.setState("reminders:birth", "date");
  },
  async step(turn, state) {
    const today = localToday(turn.rt, turn.now);
    switch (state.step) {
      case "date": {
        const read = readBirthDate(turn.text, today);
        if ("error" in read) return turn.say(`${NS}birth.retry`);
        turn.ask(`${NS}birth.askSex`, sexChoices(turn));
        await turn.setState("reminders:birth", "sex", { birthDate: read.birthDate });
        return;
      }
      case "sex": {
        const sex = readSex(turn.text, turn.message.payload);
        if (!sex) return turn.ask(`${NS}birth.askSex`, sexChoices(turn));
        turn.say(`${NS}birth.askName`);
        await turn.setState("reminders:birth", "name", { ...state.data, sex });
        return;
      }
      case "name": {
        const typed = turn.text.slice(0, 60).trim();
        if (!typed) return turn.say(`${NS}birth.askName`);
        const name = /^(bayi|baby|bayi ny\.?|belum ada|balum ada|blm ada)$/i.test(typed) ? turn.t(`${NS}birth.defaultName`) : typed;
        await turn.clearState();
        const child = await recordBirth(turn.rt, turn.tx, turn.contact, { birthDate: state.data.birthDate, sex: state.data.sex, name });
        return turn.say(`${NS}birth.done`, { name: child.name, code: child.code });
      }
    }
  },
};
