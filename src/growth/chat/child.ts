// ANAK BARU and KEMBAR: the guided registration of a child at the posyandu.
import { eq } from "drizzle-orm";
import { insertChild, isValidNik } from "../../children/index.js";
import { contactChannels } from "../../contacts/contacts.sql.js";
import { pickChoice, type Choice } from "../../conversation/choices.js";
import { z } from "zod";
import { stepState, type Flow } from "../../conversation/flows/flow.js";
import type { Turn } from "../../conversation/turn.js";
import { isSkip, readSex } from "../../lib/input/index.js";
import { checkBirthDate, formatDate, normalisePhone } from "../rules.js";
import { CHILD_FLOW, today, type Kader, kaderOf, childInPosyandu } from "./kader.js";
import { confirmAnswer, leavesForCommand } from "./reports.js";

// --- ANAK BARU -------------------------------------------------------------------------------

function sexChoices(turn: Turn): Choice[] {
  return [
    { label: turn.t("growth:child.sex_L"), payload: "sex:L" },
    { label: turn.t("growth:child.sex_P"), payload: "sex:P" },
  ];
}

function sexAnswer(turn: Turn): "L" | "P" | null {
  const picked = pickChoice(turn.message, sexChoices(turn));
  if (picked) return picked === "sex:L" ? "L" : "P";
  return readSex(turn.text);
}

function saveChoices(turn: Turn): Choice[] {
  return [
    { label: turn.t("growth:child.save"), payload: "child:save" },
    { label: turn.t("growth:child.restart"), payload: "child:restart" },
    { label: turn.t("growth:child.cancel"), payload: "child:cancel" },
  ];
}

// What ANAK BARU has gathered at each step; KEMBAR starts with the twin's birth date, mother and phone.
const sexSchema = z.enum(["L", "P"]);
const optional = {
  twinOf: z.string().optional(),
  motherName: z.string().nullable().optional(),
  phone: z.string().nullable().optional(),
  nik: z.string().nullable().optional(),
};
const born = { ...optional, name: z.string(), sex: sexSchema };
const complete = { ...born, birthDate: z.string() };
const childState = z.discriminatedUnion("step", [
  stepState("name", { ...optional, birthDate: z.string().optional() }),
  stepState("sex", { ...optional, birthDate: z.string().optional(), name: z.string() }),
  stepState("birth", born),
  stepState("mother", complete),
  stepState("phone", complete),
  stepState("nik", complete),
  stepState("confirm", complete),
]);
type ChildAnswers = z.infer<z.ZodObject<typeof complete>>;

async function askConfirmChild(turn: Turn, data: ChildAnswers) {
  turn.ask("growth:child.confirm", saveChoices(turn), {
    name: data.name,
    sex: turn.t(`growth:child.sex_${String(data.sex)}`),
    birth: formatDate(data.birthDate),
    mother: data.motherName ?? "-",
    phone: data.phone ? turn.t("growth:child.given") : "-",
    // The NIK is never echoed back, only whether one was given.
    nik: data.nik ? turn.t("growth:child.given") : "-",
  });
  await turn.setState(CHILD_FLOW, "confirm", data);
}

export const childFlow: Flow<z.infer<typeof childState>> = {
  name: CHILD_FLOW,
  state: childState,
  leavesFor: leavesForCommand,
  async start(turn) {
    turn.say("growth:child.name");
    await turn.setState(CHILD_FLOW, "name");
  },
  async step(turn, state) {
    const text = turn.text.trim();
    switch (state.step) {
      case "name": {
        const data = state.data;
        if (!/^[\p{L}][\p{L} .'’-]{1,59}$/u.test(text)) return turn.say("growth:child.name_again");
        turn.ask("growth:child.sex", sexChoices(turn), { name: text });
        return turn.setState(CHILD_FLOW, "sex", { ...data, name: text.replace(/\s+/g, " ") });
      }
      case "sex": {
        const data = state.data;
        const sex = sexAnswer(turn);
        if (!sex) return turn.ask("growth:child.sex", sexChoices(turn), { name: data.name });
        // KEMBAR: birth date, mother and phone come from the twin already registered.
        const { birthDate } = data;
        if (data.twinOf && birthDate !== undefined) return askConfirmChild(turn, { ...data, sex, birthDate });
        turn.say("growth:child.birth");
        return turn.setState(CHILD_FLOW, "birth", { ...data, sex });
      }
      case "birth": {
        const data = state.data;
        const r = checkBirthDate(text, today(turn));
        if ("problem" in r) return turn.say(`growth:child.birth_${r.problem}`);
        turn.say("growth:child.mother");
        return turn.setState(CHILD_FLOW, "mother", { ...data, birthDate: r.date });
      }
      case "mother": {
        const data = state.data;
        if (!isSkip(text) && !/^[\p{L}][\p{L} .'’-]{1,59}$/u.test(text)) return turn.say("growth:child.mother_again");
        turn.say("growth:child.phone");
        return turn.setState(CHILD_FLOW, "phone", { ...data, motherName: isSkip(text) ? null : text.replace(/\s+/g, " ") });
      }
      case "phone": {
        const data = state.data;
        const phone = isSkip(text) ? null : normalisePhone(text);
        if (!isSkip(text) && !phone) return turn.say("growth:child.phone_again");
        turn.say("growth:child.nik");
        return turn.setState(CHILD_FLOW, "nik", { ...data, phone });
      }
      case "nik": {
        const data = state.data;
        const digits = text.replace(/[\s.-]/g, "");
        if (!isSkip(text) && !isValidNik(digits)) return turn.say("growth:child.nik_again");
        return askConfirmChild(turn, { ...data, nik: isSkip(text) ? null : digits });
      }
      case "confirm": {
        const data = state.data;
        const answer =
          pickChoice(turn.message, saveChoices(turn)) ??
          confirmAnswer(text)?.replace("growth:save", "child:save").replace("growth:drop", "child:cancel") ??
          null;
        if (answer === "child:restart") return childFlow.start(turn);
        if (answer === "child:cancel") {
          await turn.clearState();
          return turn.say("growth:child.cancelled");
        }
        if (answer !== "child:save") return askConfirmChild(turn, data);
        await turn.clearState();
        const kader = kaderOf(turn, { kind: "new-child" });
        if (!kader) return;
        return saveChild(turn, kader, data);
      }
    }
  },
};

async function saveChild(turn: Turn, kader: Kader, data: ChildAnswers): Promise<void> {
  const phone = data.phone ?? null;
  // A parent already chatting from that number is linked now (their chat then gets growth news).
  const [parent] = phone
    ? await turn.tx.select({ contactId: contactChannels.contactId }).from(contactChannels).where(eq(contactChannels.phone, phone)).limit(1)
    : [];
  const child = await insertChild(turn.tx, {
    name: data.name,
    sex: data.sex,
    birthDate: data.birthDate,
    motherName: data.motherName ?? null,
    ...turn.rt.nik.seal(data.nik ?? null),
    parentPhone: phone,
    parentContactId: parent?.contactId ?? null,
    desaCode: kader.desaCode,
    posyanduId: kader.posyanduId,
    registeredByContactId: turn.contact.id,
    createdAt: turn.now,
  });
  turn.say("growth:child.saved", { name: child.name, code: child.code });
  turn.rt.log.info({ child: child.id, linkedParent: Boolean(parent) }, "child registered by kader");
}

export async function startTwin(turn: Turn, kader: Kader, code: string): Promise<void> {
  const sibling = await childInPosyandu(turn.tx, kader, code);
  if (!sibling) return turn.say("growth:chat.child_not_found", { code });
  turn.say("growth:child.twin", { name: sibling.name });
  await turn.setState(CHILD_FLOW, "name", {
    twinOf: sibling.id,
    birthDate: sibling.birthDate,
    motherName: sibling.motherName,
    phone: sibling.parentPhone,
    nik: null,
  });
}
