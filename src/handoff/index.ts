// "Tanya bidan": questions the bot cannot answer go to the health workers of the person's desa,
// who answer in chat (JAWAB 12 …) or through the admin API; the answer reaches the person on the
// channel they asked on.
import { and, asc, count, desc, eq, type SQL } from "drizzle-orm";
import { principalOf } from "../admin/accounts.js";
import type { StaffAccount } from "../admin/auth.js";
import { staffChatsForDesa } from "../admin/notify.js";
import { whereInScope, type ScopePrincipal } from "../platform/scope.js";
import { recordAudit, auditSnapshot } from "../platform/audit.js";
import { enqueue } from "../channels/outbox.js";
import type { DbOrTx } from "../db/client.js";
import type { I18n, Lang } from "../i18n/index.js";
import { handoffQuestions } from "./handoff.sql.js";

export { handoffQuestions } from "./handoff.sql.js";
export type HandoffQuestion = typeof handoffQuestions.$inferSelect;

/** A question longer than this is cut: a chat message, not a letter. */
export const QUESTION_MAX = 1000;

export interface NewQuestion {
  contactId: string;
  channel: string;
  address: string;
  lang: Lang;
  desaCode: string | null;
  question: string;
}

/** Stores the question and tells the responsible staff on chat. Returns the stored row. */
export async function submitQuestion(db: DbOrTx, i18n: I18n, input: NewQuestion, now: Date): Promise<HandoffQuestion> {
  const [row] = await db
    .insert(handoffQuestions)
    .values({ ...input, question: input.question.slice(0, QUESTION_MAX), createdAt: now })
    .returning();
  if (!row) throw new Error("storing a handoff question");
  const staff = await staffChatsForDesa(db, input.desaCode);
  await enqueue(
    db,
    staff.map((s) => ({
      contactId: s.contactId,
      channel: s.channel,
      address: s.address,
      kind: "handoff",
      message: { text: i18n.t(s.lang, "handoff:staff.new", { number: row.number, question: row.question }) },
      dedupeKey: `handoff:new:${row.id}:${s.contactId}`,
    })),
    now,
  );
  return row;
}

function scoped(principal: ScopePrincipal): SQL {
  return whereInScope(principal, { desaCode: handoffQuestions.desaCode });
}

/** Questions in the principal's area, newest open first. */
export async function listQuestions(
  db: DbOrTx,
  principal: ScopePrincipal,
  filter: { status?: HandoffQuestion["status"]; limit: number; offset: number },
): Promise<{ items: HandoffQuestion[]; total: number }> {
  const where = and(scoped(principal), filter.status ? eq(handoffQuestions.status, filter.status) : undefined);
  const items = await db
    .select()
    .from(handoffQuestions)
    .where(where)
    .orderBy(asc(handoffQuestions.status), desc(handoffQuestions.createdAt))
    .limit(filter.limit)
    .offset(filter.offset);
  const [total] = await db.select({ n: count() }).from(handoffQuestions).where(where);
  return { items, total: Number(total?.n ?? 0) };
}

/** One question, if it is in the principal's area. */
export async function findQuestion(db: DbOrTx, principal: ScopePrincipal, by: { id: string } | { number: number }) {
  const key = "id" in by ? eq(handoffQuestions.id, by.id) : eq(handoffQuestions.number, by.number);
  const [row] = await db
    .select()
    .from(handoffQuestions)
    .where(and(key, scoped(principal)));
  return row;
}

/** Claims an open question so colleagues see someone is on it. */
export async function claimQuestion(db: DbOrTx, account: StaffAccount, id: string, now: Date): Promise<HandoffQuestion | null> {
  const before = await findQuestion(db, principalOf(account), { id });
  if (!before) return null;
  if (before.status !== "open") return before;
  const [after] = await db
    .update(handoffQuestions)
    .set({ status: "claimed", claimedBy: account.id, claimedAt: now })
    .where(eq(handoffQuestions.id, id))
    .returning();
  await recordAudit(db, {
    actor: { kind: "account", accountId: account.id },
    action: "handoff.claim",
    entity: "handoff_question",
    entityId: id,
    before: auditSnapshot(before),
    after: auditSnapshot(after),
    at: now,
  });
  return after ?? null;
}

export type AnswerResult = { ok: true; question: HandoffQuestion } | { ok: false; reason: "not_found" | "already_answered" };

/** Records a health worker's answer and sends it to the person who asked. */
export async function answerQuestion(
  db: DbOrTx,
  i18n: I18n,
  account: StaffAccount,
  by: { id: string } | { number: number },
  answer: string,
  now: Date,
  via: "account" | "chat" = "account",
): Promise<AnswerResult> {
  const before = await findQuestion(db, principalOf(account), by);
  if (!before) return { ok: false, reason: "not_found" };
  if (before.status === "answered") return { ok: false, reason: "already_answered" };
  const [after] = await db
    .update(handoffQuestions)
    .set({ status: "answered", answer: answer.slice(0, 2000), answeredBy: account.id, answeredAt: now })
    .where(eq(handoffQuestions.id, before.id))
    .returning();
  if (!after) return { ok: false, reason: "not_found" };
  await enqueue(
    db,
    [
      {
        contactId: after.contactId,
        channel: after.channel,
        address: after.address,
        kind: "handoff",
        message: { text: i18n.t(after.lang, "handoff:person.answer", { question: after.question, answer: after.answer }) },
        dedupeKey: `handoff:answer:${after.id}`,
      },
    ],
    now,
  );
  await recordAudit(db, {
    actor: { kind: via, accountId: account.id },
    action: "handoff.answer",
    entity: "handoff_question",
    entityId: after.id,
    before: auditSnapshot(before),
    after: auditSnapshot(after),
    at: now,
  });
  return { ok: true, question: after };
}
