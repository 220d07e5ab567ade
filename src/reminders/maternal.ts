// A pregnant woman's LiLA/Hb recorded by a kader or bidan (HAMIL … LILA 22,5 HB 10,5): the
// pregnancy's Hb flag — the one source of truth the planner reads — and her own message with her
// result and what to do (parents hear their child's results the same way, growth/reports.ts).
import { and, eq } from "drizzle-orm";
import { enqueue } from "../channels/outbox.js";
import { pregnancies } from "../children/children.sql.js";
import { contacts } from "../contacts/contacts.sql.js";
import type { DbOrTx } from "../db/client.js";
import { isLang, type Lang } from "../i18n/index.js";
import type { Runtime } from "../runtime.js";
import { moveAnchor } from "./enrol.js";
import { formatDate } from "./render.js";
import { reminderPlans } from "./reminders.sql.js";
import { preferredChannel } from "../contacts/preferred-channel.js";

export interface MaternalResult {
  pregnancyId: string;
  measuredOn: string;
  muacCm?: number | undefined;
  hbGdl?: number | undefined;
  kek: boolean;
  anaemia: boolean;
}

const NS = "reminders:maternal.";
const oneDecimal = (n: number): string => n.toFixed(1).replace(".", ",");

/**
 * Records what the result means for the reminders and tells the mother. A new Hb sets the
 * pregnancy's flag; when it changes, the reminders not yet sent are planned again (the TTD
 * message becomes the anaemia one, or back). Returns whether a message to her was queued.
 */
export async function maternalResultRecorded(rt: Runtime, tx: DbOrTx, r: MaternalResult, now: Date): Promise<boolean> {
  const [pregnancy] = await tx.select().from(pregnancies).where(eq(pregnancies.id, r.pregnancyId));
  if (!pregnancy) return false;
  if (r.hbGdl !== undefined && pregnancy.hbLow !== r.anaemia) {
    await tx.update(pregnancies).set({ hbLow: r.anaemia }).where(eq(pregnancies.id, pregnancy.id));
    await moveAnchor(rt, tx, pregnancy.hpht, and(eq(reminderPlans.pregnancyId, pregnancy.id), eq(reminderPlans.programme, "pregnancy")));
  }
  return tellMother(rt, tx, pregnancy.contactId, r, now);
}

/** Only with consent (she registered) and not opted out, on the channel she wrote from last. */
async function tellMother(rt: Runtime, tx: DbOrTx, contactId: string, r: MaternalResult, now: Date): Promise<boolean> {
  const [mother] = await tx.select().from(contacts).where(eq(contacts.id, contactId));
  if (!mother?.consentAt || mother.optedOutAt) return false;
  const channel = await preferredChannel(tx, mother.id);
  if (!channel) return false;
  const lang: Lang = isLang(mother.lang) ? mother.lang : "id";
  const t = (key: string, vars?: Record<string, unknown>) => rt.i18n.t(lang, `${NS}${key}`, vars);
  const lines = [t("intro", { date: formatDate(r.measuredOn) })];
  if (r.muacCm !== undefined) lines.push(t(r.kek ? "kek" : "muacOk", { cm: oneDecimal(r.muacCm) }));
  if (r.hbGdl !== undefined) lines.push(t(r.anaemia ? "anaemia" : "hbOk", { hb: oneDecimal(r.hbGdl) }));
  lines.push(t("source"));
  const ids = await enqueue(
    tx,
    [
      {
        contactId: mother.id,
        channel: channel.channel,
        address: channel.address,
        kind: "growth",
        message: { text: lines.join("\n") },
        dedupeKey: `maternal:${r.pregnancyId}:${now.getTime()}`,
      },
    ],
    now,
  );
  return ids.length > 0;
}
