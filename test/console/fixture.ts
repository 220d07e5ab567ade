// A small regency for the console tests: the admin fixture's service world (web chat, staff of every
// role in Paringin and Lampihong) plus children measured in August 2026, two referrals (an urgent
// one in Paringin, a routine one in Lampihong), a "tanya bidan" question from a web chat person,
// and Siti's reminders (one confirmed, one sent, one planned).
import { and, eq } from "drizzle-orm";
import { children } from "../../src/children/children.sql.js";
import { contactChannels } from "../../src/contacts/contacts.sql.js";
import { measurements, referrals } from "../../src/growth/growth.sql.js";
import { submitQuestion } from "../../src/handoff/index.js";
import { faqBacklog } from "../../src/knowledge/backlog.sql.js";
import { reminderFires, reminderPlans } from "../../src/reminders/reminders.sql.js";
import { startServiceWorld, type ServiceWorld, type World } from "../admin/fixture.js";

export const MONTH = "2026-08";
export const ASKER = "ibu-tanya";
export const QUESTION = "Bu bidan, anak saya 8 bulan belum mau makan bubur, bagaimana?";
/** A question the FAQ could not answer, asked three times (the content backlog). */
export const UNANSWERED = "apakah anak boleh minum kopi susu?";

export interface ConsoleWorld extends ServiceWorld {
  /** Child ids by name. */
  kids: Record<string, string>;
  /** Referral ids: urgent in Paringin (p0), routine in Lampihong (l0). */
  referral: { paringin: string; lampihong: string };
  questionId: string;
  backlogId: string;
}

interface Kid {
  name: string;
  desa: keyof World["desa"];
  posyandu: keyof World["posyandu"];
  birth: string;
  /** [measuredOn, ageDays, weightKg, lengthCm, zlen, zwei, zwfl] */
  m: [string, number, number, number, number, number, number][];
}

function kids(): Kid[] {
  const out: Kid[] = [
    // Siti has a history, for the growth chart.
    {
      name: "Siti",
      desa: "p0",
      posyandu: "p0",
      birth: "2025-06-01",
      m: [
        ["2026-02-10", 254, 7.1, 65.0, -1.6, -1.4, -0.8],
        ["2026-04-10", 313, 7.4, 67.0, -2.1, -1.8, -1.0],
        ["2026-06-10", 374, 7.6, 68.5, -2.5, -2.2, -1.3],
        ["2026-08-10", 435, 7.7, 69.5, -2.9, -2.6, -1.7],
      ],
    },
  ];
  // Paringin p0: 12 more children; Paringin p1: 3 (a small number); Lampihong l0: 6.
  const zs = [-2.4, -1.0, 0.2, -3.1, -0.5, -2.2, 0.8, -1.7, -2.05, 0.1, -0.9, 1.2];
  zs.forEach((z, i) =>
    out.push({
      name: `Anak P${i}`,
      desa: "p0",
      posyandu: "p0",
      birth: "2024-03-15",
      m: [["2026-08-10", 878, 10.5, 84, z, z + 0.3, z / 2]],
    }),
  );
  [-2.5, 0.3, -0.4].forEach((z, i) =>
    out.push({ name: `Anak Q${i}`, desa: "p1", posyandu: "p1", birth: "2024-05-01", m: [["2026-08-12", 833, 10.8, 85, z, z, 0]] }),
  );
  [-2.6, -2.1, 0.4, -0.7, -1.5, 0.9].forEach((z, i) =>
    out.push({ name: `Anak L${i}`, desa: "l0", posyandu: "l0", birth: "2024-01-20", m: [["2026-08-05", 928, 11, 86, z, z, z / 2]] }),
  );
  return out;
}

/**
 * `now` is the service clock; the browser test passes the real time, since a browser drops a
 * session cookie whose expiry (clock + 12 h) already lies in its own past.
 */
export async function startConsoleWorld(now = "2026-08-28T02:00:00Z"): Promise<ConsoleWorld> {
  const world = await startServiceWorld({ now });
  const { rt, w } = world;
  const list = kids();
  const rows = await rt.db
    .insert(children)
    .values(
      list.map((k, i) => ({
        code: `KS${String(i).padStart(4, "0")}`,
        name: k.name,
        sex: i % 2 ? ("L" as const) : ("P" as const),
        birthDate: k.birth,
        desaCode: w.desa[k.desa],
        posyanduId: w.posyandu[k.posyandu],
        motherName: `Ibu ${k.name}`,
        createdAt: new Date("2025-06-02T00:00:00Z"),
      })),
    )
    .returning({ id: children.id, name: children.name });
  const ids = Object.fromEntries(rows.map((r) => [r.name, r.id]));
  await rt.db.insert(measurements).values(
    list.flatMap((k) =>
      k.m.map(([on, ageDays, weightKg, lengthCm, zlen, zwei, zwfl]) => ({
        childId: ids[k.name]!,
        measuredOn: on,
        ageDays,
        weightKg,
        lengthCm,
        zlen,
        zwei,
        zwfl,
        flags: {},
      })),
    ),
  );
  const [urgent] = await rt.db
    .insert(referrals)
    .values({
      childId: ids["Anak P3"]!,
      desaCode: w.desa.p0,
      posyanduId: w.posyandu.p0,
      puskesmasId: w.puskesmas.P,
      reasons: ["severely-stunted", "severely-wasted"],
      priority: "urgent",
      createdAt: new Date("2026-08-10T03:00:00Z"),
    })
    .returning();
  const [routine] = await rt.db
    .insert(referrals)
    .values({
      childId: ids["Anak L0"]!,
      desaCode: w.desa.l0,
      posyanduId: w.posyandu.l0,
      puskesmasId: w.puskesmas.L,
      reasons: ["stunted"],
      createdAt: new Date("2026-08-05T03:00:00Z"),
    })
    .returning();

  // A mother on the web chat asks the bidan of her desa (Paringin p0).
  await world.chat(ASKER, "halo");
  const [channel] = await rt.db
    .select({ contactId: contactChannels.contactId })
    .from(contactChannels)
    .where(and(eq(contactChannels.channel, "web"), eq(contactChannels.address, world.addressOf(ASKER))));
  const q = await submitQuestion(
    rt.db,
    rt.i18n,
    { contactId: channel!.contactId, channel: "web", address: world.addressOf(ASKER), lang: "id", desaCode: w.desa.p0, question: QUESTION },
    rt.clock.now(),
  );
  const [backlog] = await rt.db
    .insert(faqBacklog)
    .values({
      normalized: "anak boleh minum kopi susu",
      question: UNANSWERED,
      lang: "id",
      reason: "offtopic",
      topics: [],
      confidence: 0.1,
      count: 3,
      firstAt: new Date("2026-08-01T01:00:00Z"),
      lastAt: new Date("2026-08-20T01:00:00Z"),
    })
    .returning();

  // Siti's mother (cP0) gets the child programme: the DPT-HB-Hib 1 dose confirmed, vitamin A sent,
  // and the posyandu day planned (as the reminder planner would have made them).
  const [plan] = await rt.db
    .insert(reminderPlans)
    .values({
      contactId: w.people.cP0,
      programme: "child",
      childId: ids.Siti!,
      anchor: "2025-06-01",
      status: "active",
      plannedThrough: "2026-08-10",
      nextDue: "2026-09-10",
    })
    .returning();
  const fire = (
    ruleKey: string,
    kind: string,
    due: string,
    status: "pending" | "sent" | "done",
    vars: Record<string, string | number> = {},
  ) => ({
    planId: plan!.id,
    contactId: w.people.cP0,
    ruleKey,
    occurrence: "1",
    kind,
    messageKey: `reminders:${kind}.due`,
    vars,
    dueDate: due,
    untilDate: due,
    sendAt: new Date(`${due}T00:00:00Z`),
    status,
    sentAt: status === "pending" ? null : new Date(`${due}T00:00:00Z`),
    doneAt: status === "done" ? new Date(`${due}T05:00:00Z`) : null,
  });
  await rt.db
    .insert(reminderFires)
    .values([
      fire("imm-dpt-hb-hib-1", "immunization", "2025-08-01", "done", { vaccine: "DPT-HB-Hib 1", ageMonths: 2 }),
      fire("vitamin-a-blue", "vitamin-a", "2026-02-01", "sent"),
      fire("posyandu-child", "posyandu", "2026-09-10", "pending"),
    ]);
  return { ...world, backlogId: backlog!.id, kids: ids, referral: { paringin: urgent!.id, lampihong: routine!.id }, questionId: q.id };
}
