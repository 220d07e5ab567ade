// Programme reach for a date range: reminders sent and confirmed per kind, families who opted out
// (BERHENTI) and why, and the people registered by role, channel and language. Counts only (no
// person is listed), for the caller's area (the person's desa or posyandu).
import { and, count, eq, gte, isNotNull, lte, sql } from "drizzle-orm";
import { reportScope, type Viewer } from "./scope.js";
import { contactChannels, contacts } from "../contacts/contacts.sql.js";
import type { DbOrTx } from "../db/client.js";
import { reminderFires } from "../reminders/reminders.sql.js";
import { faqBacklog, faqTopicDays } from "../knowledge/backlog.sql.js";
import { percent } from "./stats.js";

export interface ReachReport {
  from: string;
  to: string;
  reminders: { kind: string; sent: number; confirmable: number; confirmed: number; confirmedPercent: number | null }[];
  optOuts: { inRange: number; reasons: { reason: string; count: number }[]; optedOutNow: number };
  /**
   * What families ask (regency-wide: questions are kept without who asked, so without area):
   * answers per topic, and the questions the FAQ declined, offered a menu for or was unsure of.
   */
  questions: {
    answeredByTopic: { topic: string; count: number }[];
    unanswered: { reason: string; questions: number; times: number }[];
  };
  people: {
    registered: number;
    byRole: Record<string, number>;
    byLanguage: Record<string, number>;
    byChannel: Record<string, number>;
  };
}

const tally = (rows: readonly { key: string | null; n: number | string }[]): Record<string, number> =>
  Object.fromEntries(rows.map((r): [string, number] => [r.key ?? "unknown", Number(r.n)]).sort(([a], [b]) => a.localeCompare(b)));

/** Reach of the programme in the caller's area, `from`..`to` inclusive (WITA calendar days). */
export async function reachReport(db: DbOrTx, principal: Viewer, from: string, to: string): Promise<ReachReport> {
  const start = new Date(`${from}T00:00:00+08:00`);
  const end = new Date(`${to}T23:59:59.999+08:00`);
  const inScope = reportScope(principal, { desaCode: contacts.desaCode, posyanduId: contacts.posyanduId });

  // Reminders that went out in the range; of those, the ones the family confirmed (SUDAH) since.
  const reminders = await db
    .select({
      kind: reminderFires.kind,
      sent: sql<number>`count(*) filter (where ${reminderFires.sentAt} >= ${start.toISOString()}::timestamptz and ${reminderFires.sentAt} <= ${end.toISOString()}::timestamptz)`,
      confirmable: sql<number>`count(*) filter (where ${reminderFires.confirmable} and ${reminderFires.sentAt} >= ${start.toISOString()}::timestamptz and ${reminderFires.sentAt} <= ${end.toISOString()}::timestamptz)`,
      confirmed: sql<number>`count(*) filter (where ${reminderFires.status} = 'done' and ${reminderFires.sentAt} >= ${start.toISOString()}::timestamptz and ${reminderFires.sentAt} <= ${end.toISOString()}::timestamptz)`,
    })
    .from(reminderFires)
    .innerJoin(contacts, eq(contacts.id, reminderFires.contactId))
    .where(and(inScope, gte(reminderFires.sentAt, start), lte(reminderFires.sentAt, end)))
    .groupBy(reminderFires.kind)
    .orderBy(reminderFires.kind);

  const reasons = await db
    .select({ key: contacts.optOutReason, n: count() })
    .from(contacts)
    .where(and(inScope, gte(contacts.optedOutAt, start), lte(contacts.optedOutAt, end)))
    .groupBy(contacts.optOutReason);
  const [now] = await db
    .select({ n: count() })
    .from(contacts)
    .where(and(inScope, isNotNull(contacts.optedOutAt)));

  const registered = and(inScope, isNotNull(contacts.registeredAt), lte(contacts.registeredAt, end));
  const [byRole, byLanguage, byChannel, [all]] = await Promise.all([
    db.select({ key: contacts.role, n: count() }).from(contacts).where(registered).groupBy(contacts.role),
    db.select({ key: contacts.lang, n: count() }).from(contacts).where(registered).groupBy(contacts.lang),
    db
      .select({ key: contactChannels.channel, n: sql<number>`count(distinct ${contacts.id})` })
      .from(contacts)
      .innerJoin(contactChannels, eq(contactChannels.contactId, contacts.id))
      .where(registered)
      .groupBy(contactChannels.channel),
    db.select({ n: count() }).from(contacts).where(registered),
  ]);

  const [byTopic, unanswered] = await Promise.all([
    db
      .select({ topic: faqTopicDays.topic, n: sql<number>`sum(${faqTopicDays.count})` })
      .from(faqTopicDays)
      .where(and(gte(faqTopicDays.day, from), lte(faqTopicDays.day, to)))
      .groupBy(faqTopicDays.topic),
    db
      .select({ reason: faqBacklog.reason, questions: count(), times: sql<number>`sum(${faqBacklog.count})` })
      .from(faqBacklog)
      .where(and(gte(faqBacklog.lastAt, start), lte(faqBacklog.lastAt, end)))
      .groupBy(faqBacklog.reason),
  ]);

  return {
    from,
    to,
    questions: {
      answeredByTopic: byTopic
        .map((r) => ({ topic: r.topic, count: Number(r.n) }))
        .sort((a, b) => b.count - a.count || a.topic.localeCompare(b.topic)),
      unanswered: unanswered
        .map((r) => ({ reason: r.reason, questions: Number(r.questions), times: Number(r.times) }))
        .sort((a, b) => a.reason.localeCompare(b.reason)),
    },
    reminders: reminders
      .map((r) => ({
        kind: r.kind,
        sent: Number(r.sent),
        confirmable: Number(r.confirmable),
        confirmed: Number(r.confirmed),
        confirmedPercent: percent(Number(r.confirmed), Number(r.confirmable)),
      }))
      .filter((r) => r.sent > 0),
    optOuts: {
      inRange: reasons.reduce((n, r) => n + Number(r.n), 0),
      reasons: reasons
        .map((r) => ({ reason: r.key ?? "unstated", count: Number(r.n) }))
        .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
      optedOutNow: Number(now?.n ?? 0),
    },
    people: { registered: Number(all?.n ?? 0), byRole: tally(byRole), byLanguage: tally(byLanguage), byChannel: tally(byChannel) },
  };
}
