// DAFTAR: language → consent (privacy notice, versioned) → role → desa → posyandu. Offered to
// parents, never forced: anyone may ask questions without registering.
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { areas } from "../../areas/areas.sql.js";
import { desaLabel } from "../../areas/index.js";
import { AreaMatcher, type AreaName } from "../../areas/match.js";
import { CONSENT_VERSION, updateContact } from "../../contacts/index.js";
import { readConsent } from "../../privacy/consent.js";
import { posyandu } from "../../health-units/health-units.sql.js";
// Direct (not reminders/index.js, which pulls in the reminder dialogues and so this module again).
import { syncPosyanduDays } from "../../reminders/posyandu-day.js";
import type { Runtime } from "../../runtime.js";
import { pickChoice, type Choice } from "../choices.js";
import type { Turn } from "../turn.js";
import { answerAside } from "../faq.js";
import { applyLanguageAnswer, languageChoices } from "./language.js";
import { NO, YES, choiceSchema, stepState, type Flow } from "./flow.js";

const ROLES = ["parent", "pregnant", "kader"] as const;

// What registration has gathered at each step: consent, then the role (and a kader's name), then
// the desa (picked from a list when the typed name fits several), then the posyandu.
const chosen = { consentAt: z.string(), role: z.enum(ROLES), name: z.string().optional() };
const registrationState = z.discriminatedUnion("step", [
  stepState("lang", {}),
  stepState("consent", {}),
  stepState("role", { consentAt: z.string() }),
  stepState("name", { consentAt: z.string(), role: z.enum(ROLES) }),
  stepState("desa", chosen),
  stepState("desa_pick", { ...chosen, options: z.array(z.object({ code: z.string(), name: z.string() })) }),
  stepState("posyandu", { ...chosen, desaCode: z.string(), choices: z.array(choiceSchema) }),
]);
type RegistrationState = z.infer<typeof registrationState>;
/** The answers up to the desa (the desa's options left out). */
type Chosen = z.infer<z.ZodObject<typeof chosen>>;

const matchers = new WeakMap<Runtime, AreaMatcher>();
/** The geography matcher, built once per runtime (inside the turn's transaction: PGlite has one connection). */
async function areaMatcher(turn: Turn): Promise<AreaMatcher> {
  let matcher = matchers.get(turn.rt);
  if (!matcher) {
    matcher = new AreaMatcher(await turn.tx.select().from(areas));
    matchers.set(turn.rt, matcher);
  }
  return matcher;
}

/** A typed name, tidied ("  siti   aminah " → "siti aminah"), or null when it cannot be one. */
export function personName(text: string): string | null {
  const name = text.replace(/\s+/g, " ").trim();
  if (name.length < 2 || name.length > 80) return null;
  // Letters, with the spaces, dots, apostrophes and hyphens names carry ("H. Rusdi", "Nor'aini").
  if (!/^\p{L}[\p{L}\p{M} .'’-]*$/u.test(name)) return null;
  return name;
}

function roleChoices(turn: Turn): Choice[] {
  // The try-out web chat offers no kader role (unless WEB_CHAT_STAFF_ROLES is on for a demo).
  return ROLES.filter((r) => r !== "kader" || turn.staffRolesAllowed).map((r) => ({
    label: turn.t(`conversation:roles.${r}`),
    payload: `role:${r}`,
  }));
}

function consentChoices(turn: Turn): Choice[] {
  return [
    { label: turn.t("conversation:buttons.agree"), payload: YES },
    { label: turn.t("conversation:buttons.disagree"), payload: NO },
  ];
}

/** The privacy notice names the controller, how long message texts are kept and where to complain (settings). */
function consentVars(turn: Turn): Record<string, unknown> {
  const c = turn.rt.config;
  return { controller: c.PRIVACY_CONTROLLER, retention: c.RETENTION_DAYS, contact: c.PRIVACY_CONTACT };
}

async function askConsent(turn: Turn) {
  turn.ask("conversation:reg.consent", consentChoices(turn), consentVars(turn));
  await turn.setState("registration", "consent");
}

async function askDesa(turn: Turn, data: Chosen) {
  turn.say("conversation:reg.desa_prompt");
  await turn.setState("registration", "desa", data);
}

async function offerDesa(turn: Turn, data: Chosen, list: AreaName[], promptKey: string, vars = {}) {
  const options = list.slice(0, 25).map((d) => ({ code: d.code, name: d.name }));
  turn.ask(
    promptKey,
    options.map((o) => ({ label: o.name, payload: `desa:${o.code}` })),
    vars,
  );
  await turn.setState("registration", "desa_pick", { ...data, options });
}

async function chooseDesa(turn: Turn, data: Chosen, desaCode: string) {
  const list = await turn.tx
    .select({ id: posyandu.id, name: posyandu.name })
    .from(posyandu)
    .where(eq(posyandu.desaCode, desaCode))
    .orderBy(asc(posyandu.name));
  const next = { ...data, desaCode };
  if (list.length === 0) return finish(turn, next);
  const choices = [
    ...list.slice(0, 20).map((p) => ({ label: p.name, payload: `posyandu:${p.id}` })),
    { label: turn.t("conversation:reg.posyandu_unknown"), payload: "posyandu:none" },
  ];
  turn.ask("conversation:reg.posyandu_prompt", choices);
  await turn.setState("registration", "posyandu", { ...next, choices });
}

async function finish(turn: Turn, data: Chosen & { desaCode: string; posyanduId?: string }) {
  const role = data.role;
  turn.contact = await updateContact(turn.tx, turn.contact.id, {
    role,
    desaCode: data.desaCode,
    posyanduId: data.posyanduId ?? null,
    kaderStatus: role === "kader" ? "pending" : null,
    name: role === "kader" ? (data.name ?? null) : null,
    consentVersion: CONSENT_VERSION,
    consentAt: new Date(data.consentAt),
    registeredAt: turn.now,
  });
  // Any plan the person already has follows the posyandu chosen now (one cheap query when none).
  await syncPosyanduDays(turn.rt, turn.tx, { contactId: turn.contact.id });
  await turn.clearState();
  const desa = (await desaLabel(turn.tx, turn.contact.desaCode)) ?? "";
  turn.say(
    role === "kader"
      ? "conversation:reg.done_kader"
      : role === "pregnant"
        ? "conversation:reg.done_pregnant"
        : "conversation:reg.done_parent",
    {
      desa,
    },
  );
  // Domains continue from here when they have a dialogue for the role (e.g. asking for HPHT).
  await turn.rt.conversation.startFlow(turn, `enrol:${role}`);
}

/** Asks the current step's question again, without "please choose a number" (for resuming). */
function reprompt(turn: Turn, state: RegistrationState): void {
  switch (state.step) {
    case "lang":
      return turn.ask("conversation:lang.prompt", languageChoices(turn));
    case "consent":
      return turn.ask("conversation:reg.consent", consentChoices(turn), consentVars(turn));
    case "role":
      return turn.ask("conversation:reg.role_prompt", roleChoices(turn));
    case "desa_pick":
      return turn.ask(
        "conversation:reg.desa_choose",
        state.data.options.map((o) => ({ label: o.name, payload: `desa:${o.code}` })),
      );
    case "posyandu":
      return turn.ask("conversation:reg.posyandu_prompt", state.data.choices);
    default:
      return turn.say("conversation:reg.desa_prompt");
  }
}

/**
 * The answer fits no option: a question is answered and registration resumes (anyone may ask at
 * any time); anything else is asked again as before.
 */
async function notAnAnswer(turn: Turn, state: RegistrationState, askAgain: () => void | Promise<void>): Promise<void> {
  if (await answerAside(turn)) {
    turn.say("conversation:resume");
    return reprompt(turn, state);
  }
  await askAgain();
}

export const registrationFlow: Flow<RegistrationState> = {
  name: "registration",
  state: registrationState,
  reprompt,
  async start(turn) {
    if (turn.contact.registeredAt) {
      turn.say("conversation:reg.already", {
        role: turn.t(`conversation:roles.${turn.contact.role ?? "parent"}`),
        desa: (await desaLabel(turn.tx, turn.contact.desaCode)) ?? "-",
      });
      return;
    }
    if (!turn.contact.lang) {
      turn.ask("conversation:lang.prompt", languageChoices(turn));
      await turn.setState("registration", "lang");
      return;
    }
    await askConsent(turn);
  },

  async step(turn, state) {
    switch (state.step) {
      case "lang":
        if (await applyLanguageAnswer(turn)) return askConsent(turn);
        return notAnAnswer(turn, state, () => turn.askAgain("conversation:lang.prompt", languageChoices(turn)));

      case "consent": {
        const answer =
          pickChoice(turn.message, consentChoices(turn)) ??
          pickChoice(turn.message, [
            { label: turn.t("conversation:buttons.yes"), payload: YES },
            { label: turn.t("conversation:buttons.no"), payload: NO },
          ]) ??
          readConsent(turn.text);
        if (answer === YES) {
          turn.ask("conversation:reg.role_prompt", roleChoices(turn));
          await turn.setState("registration", "role", { consentAt: turn.now.toISOString() });
        } else if (answer === NO) {
          await turn.clearState();
          turn.say("conversation:reg.consent_declined");
        } else {
          await notAnAnswer(turn, state, () => turn.askAgain("conversation:reg.consent", consentChoices(turn), consentVars(turn)));
        }
        return;
      }

      case "role": {
        const data = state.data;
        const picked = pickChoice(turn.message, roleChoices(turn))?.slice("role:".length);
        const role = ROLES.find((r) => r === picked);
        if (!role) return notAnAnswer(turn, state, () => turn.askAgain("conversation:reg.role_prompt", roleChoices(turn)));
        // Staff approving a kader need to know who it is: a kader gives their name.
        if (role === "kader") {
          turn.say("conversation:reg.name_prompt");
          await turn.setState("registration", "name", { ...data, role });
          return;
        }
        return askDesa(turn, { ...data, role });
      }

      case "name": {
        const data = state.data;
        const name = personName(turn.text);
        if (!name) {
          turn.say("conversation:reg.name_again");
          return;
        }
        return askDesa(turn, { ...data, name });
      }

      case "desa":
      case "desa_pick": {
        // The desa's options are asked afresh when the person types instead of picking.
        const { options: _options, ...data } = state.step === "desa_pick" ? state.data : { ...state.data, options: [] };
        if (state.step === "desa_pick") {
          const picked = pickChoice(
            turn.message,
            state.data.options.map((o) => ({ label: o.name, payload: `desa:${o.code}` })),
          );
          if (picked) return chooseDesa(turn, data, picked.slice("desa:".length));
        }
        if (!turn.text) return askDesa(turn, data);
        const match = (await areaMatcher(turn)).match(turn.text);
        if (match.kind === "desa" && match.desa.length === 1 && match.desa[0]) {
          return chooseDesa(turn, data, match.desa[0].code);
        }
        if (match.kind === "desa") return offerDesa(turn, data, match.desa, "conversation:reg.desa_choose");
        if (match.kind === "kecamatan") {
          return offerDesa(turn, data, match.desa, "conversation:reg.kecamatan_choose", { kecamatan: match.kecamatan.name });
        }
        return notAnAnswer(turn, state, async () => {
          turn.say("conversation:reg.desa_not_found", { text: turn.text.slice(0, 40) });
          await turn.setState("registration", "desa", data);
        });
      }

      case "posyandu": {
        const { choices, ...data } = state.data;
        const picked = pickChoice(turn.message, choices);
        if (!picked) return notAnAnswer(turn, state, () => turn.askAgain("conversation:reg.posyandu_prompt", choices));
        const id = picked.slice("posyandu:".length);
        return finish(turn, { ...data, posyanduId: id === "none" ? undefined : id });
      }
    }
  },
};
