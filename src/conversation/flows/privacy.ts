// BERHENTI/MULAI (stop and resume non-essential messages), DATAKU (what we hold) and HAPUS DATA
// (erase it): a person's control over their data under UU PDP No. 27/2022.
import { eq } from "drizzle-orm";
import { stopAfterCampaign } from "../../campaigns/chat.js";
import { channelsOf, updateContact } from "../../contacts/index.js";
import { erasePerson } from "../../privacy/erase.js";
import { myDataLines, splitMessages } from "../../privacy/my-data.js";
import { posyandu } from "../../health-units/health-units.sql.js";
import { pickChoice } from "../choices.js";
import type { Turn } from "../turn.js";
import { sayWelcome } from "../welcome.js";
import { desaLabel } from "../../areas/index.js";
import { NO, YES, stepsOnly, yesNo, yesNoAnswer, type Flow } from "./flow.js";

const STOP_REASONS = ["too_many", "not_relevant", "other"] as const;

function stopReasonChoices(turn: Turn) {
  return STOP_REASONS.map((r) => ({ label: turn.t(`conversation:stop.reasons.${r}`), payload: `reason:${r}` }));
}

export const stopFlow: Flow = {
  name: "stop",
  state: stepsOnly("confirm", "reason"),
  async start(turn) {
    if (turn.contact.optedOutAt) {
      turn.say("conversation:stop.already");
      return;
    }
    // BERHENTI right after a campaign message: stopped at once, no "are you sure?" (issue 17).
    if (await stopAfterCampaign(turn.tx, turn.contact.id, turn.now)) {
      turn.contact = await updateContact(turn.tx, turn.contact.id, { optedOutAt: turn.now });
      turn.ask("campaigns:stopped", stopReasonChoices(turn));
      await turn.setState("stop", "reason");
      return;
    }
    turn.ask("conversation:stop.confirm", yesNo(turn));
    await turn.setState("stop", "confirm");
  },
  async step(turn, state) {
    if (state.step === "confirm") {
      const answer = yesNoAnswer(turn);
      if (answer === YES) {
        turn.contact = await updateContact(turn.tx, turn.contact.id, { optedOutAt: turn.now });
        turn.ask("conversation:stop.done", stopReasonChoices(turn));
        await turn.setState("stop", "reason");
      } else if (answer === NO) {
        await turn.clearState();
        turn.say("conversation:stop.kept");
      } else {
        turn.askAgain("conversation:stop.confirm", yesNo(turn));
      }
      return;
    }
    // The reason is optional: a listed one, or the person's own words (kept short).
    const picked = pickChoice(turn.message, stopReasonChoices(turn));
    const reason = picked ? picked.slice("reason:".length) : `other: ${turn.text.slice(0, 200)}`;
    turn.contact = await updateContact(turn.tx, turn.contact.id, { optOutReason: reason });
    await turn.clearState();
    turn.say("conversation:stop.thanks");
  },
};

/** MULAI (and Telegram's /start): resume messages, or greet. */
export async function resume(turn: Turn): Promise<void> {
  if (turn.contact.optedOutAt) {
    turn.contact = await updateContact(turn.tx, turn.contact.id, { optedOutAt: null, optOutReason: null });
    turn.say("conversation:start.resumed");
  } else if (turn.message.text?.trim().toLowerCase() === "/start") {
    sayWelcome(turn);
  } else {
    turn.say("conversation:start.not_stopped");
  }
}

function formatDate(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("id-ID", { timeZone, day: "numeric", month: "long", year: "numeric" }).format(date);
}

/** Masks an address so DATAKU shows which account without spelling it out in chat logs. */
function mask(address: string): string {
  const bare = address.replace(/@.*/, "");
  return bare.length <= 4 ? "****" : `${"*".repeat(Math.min(6, bare.length - 4))}${bare.slice(-4)}`;
}

/** DATAKU: everything we hold about the person, in their language. */
export async function describeMyData(turn: Turn): Promise<void> {
  const c = turn.contact;
  if (!c.consentAt) {
    turn.say("conversation:data.none");
    return;
  }
  const tz = turn.rt.config.TIMEZONE;
  const notSet = turn.t("conversation:data.not_set");
  const [post] = c.posyanduId ? await turn.tx.select().from(posyandu).where(eq(posyandu.id, c.posyanduId)) : [];
  const channels = await channelsOf(turn.tx, c.id);
  let role = c.role ? turn.t(`conversation:roles.${c.role}`) : notSet;
  if (c.role === "kader" && c.kaderStatus) role += ` (${turn.t(`conversation:data.kader_${c.kaderStatus}`)})`;
  // A kader's name (asked at registration) is part of what is held about them.
  if (c.name) role += `, ${c.name}`;
  const summary = turn.t("conversation:data.summary", {
    lang: c.lang ? turn.t(`conversation:lang.${c.lang}`) : notSet,
    role,
    desa: (await desaLabel(turn.tx, c.desaCode)) ?? notSet,
    posyandu: post?.name ?? notSet,
    consent: turn.t("conversation:data.consent_given", { date: formatDate(c.consentAt, tz), version: c.consentVersion }),
    status: c.optedOutAt
      ? turn.t("conversation:data.status_stopped", { date: formatDate(c.optedOutAt, tz) })
      : turn.t("conversation:data.status_active"),
    channels: channels.map((ch) => `${ch.channel} ${mask(ch.address)}${ch.phone ? ` (HP ${mask(ch.phone)})` : ""}`).join(", "),
  });
  // Everything else held (children, measurements, pregnancy, LiLA/Hb, hour, questions), in as many
  // messages as it takes.
  const more = await myDataLines(turn.tx, (k, v) => turn.t(k, v), c, turn.rt.config.REMINDER_HOUR);
  if (c.optOutReason) more.push(turn.t("privacy:data.stop_reason", { reason: c.optOutReason.replace(/^other: /, "") }));
  more.push(turn.t("privacy:data.footer"));
  for (const text of splitMessages([...summary.split("\n"), ...more])) turn.sayText(text);
}

export const deleteFlow: Flow = {
  name: "delete",
  state: stepsOnly("confirm"),
  async start(turn) {
    turn.ask("conversation:delete.confirm", yesNo(turn));
    await turn.setState("delete", "confirm");
  },
  async step(turn) {
    const answer = yesNoAnswer(turn);
    if (answer === YES) {
      await erasePerson(turn.tx, turn.contact, turn.now);
      turn.erased = true;
      turn.state = null;
      turn.say("conversation:delete.done");
    } else if (answer === NO) {
      await turn.clearState();
      turn.say("conversation:delete.kept");
    } else {
      turn.askAgain("conversation:delete.confirm", yesNo(turn));
    }
  },
};
