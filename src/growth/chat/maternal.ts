// HAMIL: LiLA and Hb of a registered pregnant woman, by a kader or a bidan with a linked chat.
import { and, eq } from "drizzle-orm";
import { accountForContact } from "../../admin/chat-link.js";
import { principalOf } from "../../admin/accounts.js";
import { pregnancies } from "../../children/index.js";
import { contactChannels, contacts } from "../../contacts/contacts.sql.js";
import { z } from "zod";
import { stepState, type Flow } from "../../conversation/flows/flow.js";
import type { Turn } from "../../conversation/turn.js";
import { decimal } from "../../lib/input/index.js";
import { maternalResultRecorded } from "../../reminders/maternal.js";
import { maternalMeasurements } from "../growth.sql.js";
import { createReferral, reasonsText } from "../referrals.js";
import { formatNumber, maternalFlags, normalisePhone } from "../rules.js";
import { MATERNAL_FLOW, today, type Kader, kaderOf } from "./kader.js";
import { leavesForCommand } from "./reports.js";

// --- HAMIL: LiLA and Hb of a pregnant woman --------------------------------------------------

function maternalValues(text: string): { muacCm?: number; hbGdl?: number } | "bad" {
  const s = text.toLowerCase();
  const out: { muacCm?: number; hbGdl?: number } = {};
  const lila = /\b(?:lila|lla|lingkar lengan)\s*[:=]?\s*(\d+(?:[.,]\d+)?)/.exec(s);
  const hb = /\b(?:hb|hemoglobin)\s*[:=]?\s*(\d+(?:[.,]\d+)?)/.exec(s);
  if (lila) out.muacCm = decimal(lila[1] as string);
  if (hb) out.hbGdl = decimal(hb[1] as string);
  // Anything outside what an adult arm or a blood test can show is a typo, not a finding.
  if (out.muacCm !== undefined && (out.muacCm < 15 || out.muacCm > 50)) return "bad";
  if (out.hbGdl !== undefined && (out.hbGdl < 3 || out.hbGdl > 20)) return "bad";
  return out;
}

export async function handleMaternal(turn: Turn, kader: Kader, rest: string, pregnancyId?: string): Promise<void> {
  let pregnancy: { id: string; contactId: string; desaCode: string | null } | undefined;
  if (pregnancyId) {
    [pregnancy] = await turn.tx
      .select({ id: pregnancies.id, contactId: pregnancies.contactId, desaCode: contacts.desaCode })
      .from(pregnancies)
      .innerJoin(contacts, eq(contacts.id, pregnancies.contactId))
      .where(eq(pregnancies.id, pregnancyId));
  } else {
    const phoneText = /^[+\d][\d\s-]{7,}\d/.exec(rest)?.[0];
    const phone = phoneText ? normalisePhone(phoneText) : null;
    if (!phone) return turn.say("growth:maternal.usage");
    // Pregnant women registered in the kader's own desa only.
    [pregnancy] = await turn.tx
      .select({ id: pregnancies.id, contactId: pregnancies.contactId, desaCode: contacts.desaCode })
      .from(contactChannels)
      .innerJoin(contacts, eq(contacts.id, contactChannels.contactId))
      .innerJoin(pregnancies, and(eq(pregnancies.contactId, contacts.id), eq(pregnancies.status, "active")))
      .where(and(eq(contactChannels.phone, phone), eq(contacts.desaCode, kader.desaCode ?? "-")))
      .limit(1);
    if (!pregnancy) return turn.say("growth:maternal.not_found");
    rest = rest.slice((phoneText as string).length);
  }
  if (!pregnancy) return turn.say("growth:maternal.not_found");
  const values = maternalValues(rest);
  if (values === "bad") return turn.say("growth:maternal.bad_value");
  if (values.muacCm === undefined && values.hbGdl === undefined) {
    turn.say("growth:maternal.ask_values");
    return turn.setState(MATERNAL_FLOW, "values", { pregnancyId: pregnancy.id });
  }
  const flags = maternalFlags(values);
  await turn.tx.insert(maternalMeasurements).values({
    pregnancyId: pregnancy.id,
    measuredOn: today(turn),
    muacCm: values.muacCm ?? null,
    hbGdl: values.hbGdl ?? null,
    kek: flags.kek,
    anaemia: flags.anaemia,
    sentByContactId: turn.contact.id,
    createdAt: turn.now,
  });
  // The latest Hb sets the pregnancy's flag (reminders switch to the anaemia texts), and the mother hears her result.
  await maternalResultRecorded(turn.rt, turn.tx, { pregnancyId: pregnancy.id, measuredOn: today(turn), ...values, ...flags }, turn.now);
  const lines = [turn.t("growth:maternal.saved")];
  if (values.muacCm !== undefined)
    lines.push(turn.t(flags.kek ? "growth:maternal.kek" : "growth:maternal.muac_ok", { cm: formatNumber(values.muacCm, 1) }));
  if (values.hbGdl !== undefined)
    lines.push(turn.t(flags.anaemia ? "growth:maternal.anaemia" : "growth:maternal.hb_ok", { hb: formatNumber(values.hbGdl, 1) }));
  const reasons = [...(flags.kek ? (["kek"] as const) : []), ...(flags.anaemia ? (["anaemia"] as const) : [])];
  if (reasons.length > 0) {
    const r = await createReferral(
      turn.tx,
      turn.rt.i18n,
      { pregnancyId: pregnancy.id, desaCode: pregnancy.desaCode, posyanduId: null, reasons, createdByContactId: turn.contact.id },
      turn.now,
    );
    lines.push(
      turn.t("growth:reply.refer", {
        puskesmas: r.puskesmasName ?? turn.t("growth:reply.puskesmas_unknown"),
        reasons: reasonsText(turn.rt.i18n, turn.lang, reasons),
      }),
    );
    if (r.created) lines.push(turn.t("growth:reply.referral_created", { number: r.referral.number }));
    else if (r.added.length > 0)
      lines.push(
        turn.t("growth:reply.referral_updated", {
          number: r.referral.number,
          added: reasonsText(turn.rt.i18n, turn.lang, r.added),
          reasons: reasonsText(turn.rt.i18n, turn.lang, r.referral.reasons),
        }),
      );
    else lines.push(turn.t("growth:reply.referral_open", { number: r.referral.number }));
  }
  turn.sayText(lines.join("\n"));
}

/** A bidan desa whose chat is linked to her staff account records LiLA/Hb in her desa too. */
export async function bidanOf(turn: Turn): Promise<Kader | null> {
  if (!turn.staffRolesAllowed) return null;
  const account = await accountForContact(turn.tx, turn.contact.id);
  if (account?.role !== "bidan" || !account.desaCode) return null;
  return { principal: principalOf(account), posyanduId: "", desaCode: account.desaCode };
}

// LILA/HB with the mother found but no values: the next message gives them.
const maternalState = stepState("values", { pregnancyId: z.string() });

export const maternalFlow: Flow<z.infer<typeof maternalState>> = {
  name: MATERNAL_FLOW,
  state: maternalState,
  leavesFor: leavesForCommand,
  start(turn) {
    turn.say("growth:maternal.usage");
    return Promise.resolve();
  },
  async step(turn, state) {
    const { pregnancyId } = state.data;
    await turn.clearState();
    const kader = turn.contact.role === "kader" ? kaderOf(turn, { kind: "maternal", rest: "" }) : await bidanOf(turn);
    if (!kader) return;
    return handleMaternal(turn, kader, turn.text, pregnancyId);
  },
};
