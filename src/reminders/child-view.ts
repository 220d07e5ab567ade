// A child's reminders as staff read them on the child's page: each programme the child is enrolled
// in (with the next day something is due) and every reminder made from it so far — planned (not
// yet sent), sent, confirmed (the family answered SUDAH), skipped or cancelled. Read only.
import { asc, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { reminderFires, reminderPlans } from "./reminders.sql.js";

/** How the console names a fire's status: pending is planned, done is confirmed. */
const STATUS = { pending: "planned", sent: "sent", done: "confirmed", skipped: "skipped", cancelled: "cancelled" } as const;

export interface ChildReminder {
  id: number;
  ruleKey: string;
  kind: string;
  /** 0 the reminder itself; 1 the "sudah?" follow-up; 2–3 the reminder again after BELUM/TUNDA. */
  followUp: number;
  dueDate: string;
  untilDate: string;
  sendAt: string;
  status: (typeof STATUS)[keyof typeof STATUS];
  sentAt: string | null;
  confirmedAt: string | null;
  vars: Record<string, string | number>;
}

export interface ChildReminders {
  plans: { id: string; programme: string; status: string; nextDue: string | null }[];
  items: ChildReminder[];
}

// A child's programme runs about five years; weekly tips included, a few hundred rows at most.
const MAX_ITEMS = 500;

export async function remindersOfChild(db: DbOrTx, childId: string): Promise<ChildReminders> {
  const plans = await db
    .select({ id: reminderPlans.id, programme: reminderPlans.programme, status: reminderPlans.status, nextDue: reminderPlans.nextDue })
    .from(reminderPlans)
    .where(eq(reminderPlans.childId, childId))
    .orderBy(asc(reminderPlans.createdAt));
  if (!plans.length) return { plans, items: [] };
  const fires = await db
    .select()
    .from(reminderFires)
    .where(
      inArray(
        reminderFires.planId,
        plans.map((p) => p.id),
      ),
    )
    .orderBy(asc(reminderFires.sendAt), asc(reminderFires.id))
    .limit(MAX_ITEMS);
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    plans,
    items: fires.map((f) => ({
      id: f.id,
      ruleKey: f.ruleKey,
      kind: f.kind,
      followUp: f.followUp,
      dueDate: f.dueDate,
      untilDate: f.untilDate,
      sendAt: f.sendAt.toISOString(),
      status: STATUS[f.status],
      sentAt: iso(f.sentAt),
      confirmedAt: iso(f.doneAt),
      vars: f.vars,
    })),
  };
}
