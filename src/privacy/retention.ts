// Texts are kept no longer than RETENTION_DAYS (the privacy notice says so; UU PDP No. 27/2022,
// Art. 16(2): personal data kept only as long as its purpose needs): sent or failed outbox rows
// (bodies and chat addresses), the inbound ledger (provider ids carry chat ids) and the texts of
// answered questions to the bidan, and FAQ backlog questions not asked again since. Queued
// messages and open questions are left alone.
import { and, eq, inArray, lt } from "drizzle-orm";
import { inboundMessages, outbox } from "../channels/channels.sql.js";
import type { DbOrTx } from "../db/client.js";
import { handoffQuestions } from "../handoff/handoff.sql.js";
import { faqBacklog } from "../knowledge/backlog.sql.js";
import type { Job } from "../jobs/index.js";
import { ERASED } from "./erase.js";

const DAY_MS = 86_400_000;

export function retentionCutoff(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

export async function purgeOldTexts(db: DbOrTx, now: Date, days: number): Promise<Record<string, number>> {
  const cutoff = retentionCutoff(now, days);
  const out = await db
    .delete(outbox)
    .where(and(inArray(outbox.status, ["sent", "failed"]), lt(outbox.createdAt, cutoff)))
    .returning({ id: outbox.id });
  const ledger = await db.delete(inboundMessages).where(lt(inboundMessages.receivedAt, cutoff)).returning({ id: inboundMessages.id });
  const questions = await db
    .update(handoffQuestions)
    .set({ question: ERASED, answer: ERASED })
    .where(and(eq(handoffQuestions.status, "answered"), lt(handoffQuestions.answeredAt, cutoff)))
    .returning({ id: handoffQuestions.id });
  // The FAQ backlog keeps no one's identity, but a question may still name a person.
  const backlog = await db.delete(faqBacklog).where(lt(faqBacklog.lastAt, cutoff)).returning({ id: faqBacklog.id });
  return { outbox: out.length, inbound: ledger.length, questions: questions.length, faqBacklog: backlog.length };
}

/** Nightly at 02:30 (the service's time zone). */
export const retentionJob: Job = {
  name: "retention",
  schedule: "30 2 * * *",
  run: (rt) => purgeOldTexts(rt.db, rt.clock.now(), rt.config.RETENTION_DAYS),
};
