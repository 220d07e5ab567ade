// DATAKU: everything the service holds about a person, in their language (UU PDP No. 27/2022,
// Art. 7: the right to access one's data). Long answers are split into several messages, each
// within every channel's limit (Telegram's 4,096 characters is the smallest).
import { and, asc, desc, eq, inArray, isNull, or } from "drizzle-orm";
import { children, pregnancies } from "../children/children.sql.js";
import type { Contact } from "../contacts/index.js";
import type { DbOrTx } from "../db/client.js";
import { maternalMeasurements, measurements } from "../growth/growth.sql.js";
import { handoffQuestions } from "../handoff/handoff.sql.js";
import { chosenHourOf } from "../reminders/enrol.js";
import { formatDate } from "../reminders/render.js";
import { hplFromHpht } from "../reminders/schedule.js";

/** One message at most this long; lines are never cut. */
export const MY_DATA_MESSAGE_MAX = 3500;

/** Joins sections into messages of at most `max` characters, breaking between lines only. */
export function splitMessages(lines: readonly string[], max = MY_DATA_MESSAGE_MAX): string[] {
  const out: string[] = [];
  let current = "";
  for (const raw of lines) {
    const line = raw.length > max ? `${raw.slice(0, max - 1)}…` : raw;
    if (current && current.length + 1 + line.length > max) {
      out.push(current);
      current = line;
    } else current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push(current);
  return out;
}

type T = (key: string, vars?: Record<string, unknown>) => string;

const num = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? null : v.toFixed(digits).replace(".", ","));

/** The lines after the contact summary: children, pregnancies, LiLA/Hb, reminder hour, questions, consent. */
export async function myDataLines(db: DbOrTx, t: T, contact: Contact, defaultHour: number): Promise<string[]> {
  const id = contact.id;
  const lines: string[] = [];
  const kids = await db
    .select()
    .from(children)
    .where(or(eq(children.parentContactId, id), contact.role === "kader" ? undefined : eq(children.registeredByContactId, id)))
    .orderBy(asc(children.birthDate));
  lines.push(t("privacy:data.children_head", { count: kids.length }));
  const rows = kids.length
    ? await db
        .select()
        .from(measurements)
        .where(
          and(
            inArray(
              measurements.childId,
              kids.map((k) => k.id),
            ),
            isNull(measurements.cancelledAt),
          ),
        )
        .orderBy(asc(measurements.measuredOn))
    : [];
  for (const kid of kids) {
    lines.push(
      t("privacy:data.child", { name: kid.name, birth: formatDate(kid.birthDate), code: kid.code, sex: t(`privacy:data.sex_${kid.sex}`) }),
    );
    for (const m of rows.filter((r) => r.childId === kid.id)) {
      const parts = [
        num(m.weightKg) && t("privacy:data.bb", { v: num(m.weightKg) }),
        num(m.lengthCm) && t("privacy:data.tb", { v: num(m.lengthCm) }),
        num(m.muacCm) && t("privacy:data.lila", { v: num(m.muacCm) }),
        num(m.headCm) && t("privacy:data.lk", { v: num(m.headCm) }),
      ].filter(Boolean);
      lines.push(t("privacy:data.measurement", { date: formatDate(m.measuredOn), values: parts.join(", ") }));
    }
  }
  const preg = await db.select().from(pregnancies).where(eq(pregnancies.contactId, id)).orderBy(desc(pregnancies.createdAt));
  if (preg.length === 0) lines.push(t("privacy:data.pregnancy_none"));
  const maternal = preg.length
    ? await db
        .select()
        .from(maternalMeasurements)
        .where(
          inArray(
            maternalMeasurements.pregnancyId,
            preg.map((p) => p.id),
          ),
        )
        .orderBy(asc(maternalMeasurements.measuredOn))
    : [];
  for (const p of preg) {
    lines.push(
      t("privacy:data.pregnancy", {
        hpht: formatDate(p.hpht),
        hpl: formatDate(hplFromHpht(p.hpht)),
        status: t(`privacy:data.pregnancy_${p.status}`),
      }),
    );
    for (const m of maternal.filter((x) => x.pregnancyId === p.id)) {
      const parts = [
        num(m.muacCm) && t("privacy:data.lila", { v: num(m.muacCm) }),
        num(m.hbGdl) && t("privacy:data.hb", { v: num(m.hbGdl) }),
      ].filter(Boolean);
      lines.push(t("privacy:data.measurement", { date: formatDate(m.measuredOn), values: parts.join(", ") }));
    }
  }
  const hour = (await chosenHourOf(db, id)) ?? defaultHour;
  lines.push(t("privacy:data.reminder_hour", { hour: String(hour).padStart(2, "0") }));
  const open = await db.select().from(handoffQuestions).where(eq(handoffQuestions.contactId, id)).orderBy(asc(handoffQuestions.createdAt));
  lines.push(t("privacy:data.questions_head", { count: open.length }));
  for (const q of open)
    lines.push(
      t("privacy:data.question", { number: q.number, status: t(`privacy:data.question_${q.status}`), text: q.question.slice(0, 200) }),
    );
  return lines;
}
