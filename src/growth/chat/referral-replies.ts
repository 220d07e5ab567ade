// TERIMA R-12 and HASIL R-12 ditangani: puskesmas staff answering a referral in chat.
import { eq } from "drizzle-orm";
import { accountForContact } from "../../admin/chat-link.js";
import { principalOf } from "../../admin/accounts.js";
import type { Turn } from "../../conversation/turn.js";
import { REFERRAL_OUTCOMES, referrals, type ReferralOutcome } from "../growth.sql.js";
import { acknowledgeReferral, recordReferralOutcome } from "../referrals.js";
import { simple } from "./kader.js";
import { type Command } from "./commands.js";

// --- puskesmas staff: TERIMA R-12, HASIL R-12 ditangani ---------------------------------------

const OUTCOME_WORDS: Record<string, ReferralOutcome> = {
  datang: "datang",
  hadir: "datang",
  ditangani: "ditangani",
  dirawat: "ditangani",
  sembuh: "sembuh-membaik",
  membaik: "sembuh-membaik",
  waras: "sembuh-membaik", // Banjar: sembuh
};

export async function handleReferralCommand(turn: Turn, c: Extract<Command, { kind: "referral" }>): Promise<boolean> {
  const account = turn.staffRolesAllowed ? await accountForContact(turn.tx, turn.contact.id) : null;
  if (!account) return false; // not staff: let the FAQ answer
  const principal = principalOf(account);
  const [ref] = await turn.tx.select({ id: referrals.id }).from(referrals).where(eq(referrals.number, c.number));
  if (!ref) {
    turn.say("growth:referral.not_found", { number: c.number });
    return true;
  }
  if (c.action === "ack") {
    const r = await acknowledgeReferral(turn.tx, principal, ref.id, account.id, turn.now);
    turn.say(r.ok ? "growth:referral.acknowledged" : `growth:referral.${r.reason}`, { number: c.number });
    return true;
  }
  const word = simple(c.rest)
    .split(" ")
    .find((w) => OUTCOME_WORDS[w]);
  const outcome = word ? OUTCOME_WORDS[word] : undefined;
  if (!outcome || !REFERRAL_OUTCOMES.includes(outcome)) {
    turn.say("growth:referral.outcome_usage", { number: c.number });
    return true;
  }
  const r = await recordReferralOutcome(turn.tx, principal, ref.id, outcome, account.id, turn.now);
  turn.say(r.ok ? "growth:referral.outcome_saved" : `growth:referral.${r.reason}`, {
    number: c.number,
    outcome: turn.t(`growth:outcome.${outcome}`),
  });
  return true;
}
