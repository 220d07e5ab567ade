// Who gets which reminder programme: enrolment of a pregnancy or a child, HPHT corrections, birth
// and loss. Every function works inside the caller's transaction (a conversation turn's `tx`).
import { and, desc, eq, inArray, isNotNull, sql, type SQL } from "drizzle-orm";
import { children, insertChild, pregnancies, type Child, type Pregnancy } from "../children/index.js";
import type { Contact } from "../contacts/index.js";
import type { DbOrTx } from "../db/client.js";
import { posyandu } from "../health-units/health-units.sql.js";
import type { Runtime } from "../runtime.js";
import { planOne, type Plan } from "./planning.js";
import { jitterFraction, localToday, sendAtFor } from "./send-at.js";
import { reminderFires, reminderPlans } from "./reminders.sql.js";
import type { Sex } from "./schedule.js";

async function posyanduDayOf(tx: DbOrTx, posyanduId: string | null | undefined): Promise<number | null> {
  if (!posyanduId) return null;
  const [row] = await tx.select({ day: posyandu.dayOfMonth }).from(posyandu).where(eq(posyandu.id, posyanduId));
  return row?.day ?? null;
}

interface NewPlan {
  contactId: string;
  programme: Plan["programme"];
  anchor: string;
  pregnancyId?: string | null;
  childId?: string | null;
  posyanduDay?: number | null;
  /** Local hour; left out → the hour the contact chose for their other plans (JAM), if any. */
  sendHour?: number | null;
}

/** Creates a plan and plans what is due today at once (so a late enrolment hears at the next tick). */
export async function createPlan(rt: Runtime, tx: DbOrTx, values: NewPlan): Promise<Plan> {
  const sendHour = values.sendHour !== undefined ? values.sendHour : await chosenHourOf(tx, values.contactId);
  const [plan] = await tx
    .insert(reminderPlans)
    .values({ ...values, sendHour, nextDue: localToday(rt), createdAt: rt.clock.now() })
    .returning();
  if (!plan) throw new Error("creating a reminder plan");
  await planOne(rt, tx, plan, rt.clock.now(), { catchUp: true });
  return plan;
}

/** Stops plans: pending reminders are cancelled, nothing more is planned. */
export async function stopPlans(rt: Runtime, tx: DbOrTx, planIds: string[]): Promise<void> {
  if (planIds.length === 0) return;
  await tx
    .update(reminderPlans)
    .set({ status: "stopped", stoppedAt: rt.clock.now(), nextDue: null })
    .where(inArray(reminderPlans.id, planIds));
  await tx
    .update(reminderFires)
    .set({ status: "cancelled" })
    .where(and(inArray(reminderFires.planId, planIds), eq(reminderFires.status, "pending")));
}

export async function plansOf(tx: DbOrTx, where: { pregnancyId?: string; childId?: string; contactId?: string }): Promise<Plan[]> {
  const conditions = [
    where.pregnancyId ? eq(reminderPlans.pregnancyId, where.pregnancyId) : undefined,
    where.childId ? eq(reminderPlans.childId, where.childId) : undefined,
    where.contactId ? eq(reminderPlans.contactId, where.contactId) : undefined,
  ].filter((c) => c !== undefined);
  return tx
    .select()
    .from(reminderPlans)
    .where(and(...conditions, eq(reminderPlans.status, "active")));
}

/** The active pregnancy of a contact. */
export async function currentPregnancy(tx: DbOrTx, contactId: string): Promise<Pregnancy | undefined> {
  const [row] = await tx
    .select()
    .from(pregnancies)
    .where(and(eq(pregnancies.contactId, contactId), eq(pregnancies.status, "active")))
    .limit(1);
  return row;
}

/** Enrols a pregnancy from HPHT, or corrects the HPHT of the active one. */
export async function enrolPregnancy(
  rt: Runtime,
  tx: DbOrTx,
  contact: Contact,
  hpht: string,
): Promise<{ pregnancy: Pregnancy; corrected: boolean }> {
  const existing = await currentPregnancy(tx, contact.id);
  if (existing) return { pregnancy: await correctHpht(rt, tx, existing, hpht), corrected: true };
  const [pregnancy] = await tx.insert(pregnancies).values({ contactId: contact.id, hpht, createdAt: rt.clock.now() }).returning();
  if (!pregnancy) throw new Error("creating a pregnancy");
  await createPlan(rt, tx, {
    contactId: contact.id,
    programme: "pregnancy",
    pregnancyId: pregnancy.id,
    anchor: hpht,
    posyanduDay: await posyanduDayOf(tx, contact.posyanduId),
  });
  return { pregnancy, corrected: false };
}

/**
 * A new HPHT moves every future reminder: the plan row is locked first (so a planner running now
 * waits or skips it), pending reminders are dropped and the plan is planned again from today.
 * Reminders already sent keep their (plan, rule, occurrence) key, so none is sent a second time.
 */
export async function correctHpht(rt: Runtime, tx: DbOrTx, pregnancy: Pregnancy, hpht: string): Promise<Pregnancy> {
  const [updated] = await tx.update(pregnancies).set({ hpht }).where(eq(pregnancies.id, pregnancy.id)).returning();
  await moveAnchor(rt, tx, hpht, and(eq(reminderPlans.pregnancyId, pregnancy.id), eq(reminderPlans.programme, "pregnancy")));
  return updated ?? pregnancy;
}

/**
 * The active plans matching `where` take a new anchor (HPHT or birth date): the plan rows are
 * locked first (a planner running now waits or skips them), pending reminders are dropped and the
 * plans are planned again from today. Sent ones keep their (plan, rule, occurrence) key.
 */
export async function moveAnchor(rt: Runtime, tx: DbOrTx, anchor: string, where: SQL | undefined): Promise<void> {
  const plans = await tx
    .update(reminderPlans)
    .set({ anchor, plannedThrough: null, nextDue: localToday(rt) })
    .where(and(where, eq(reminderPlans.status, "active")))
    .returning();
  for (const plan of plans) {
    await tx.delete(reminderFires).where(and(eq(reminderFires.planId, plan.id), eq(reminderFires.status, "pending")));
    await planOne(rt, tx, plan, rt.clock.now(), { catchUp: true });
  }
}

/**
 * A corrected birth date moves the child's reminders as a new HPHT moves a pregnancy's (correctHpht):
 * the child's own plan and the mother's postnatal (KF) plan of that birth take the new anchor, their
 * pending reminders are dropped and they are planned again from today; sent ones keep their keys,
 * so nothing goes out twice. The delivered pregnancy, if any, ends on the new date.
 */
export async function correctBirthDate(rt: Runtime, tx: DbOrTx, child: Child, birthDate: string): Promise<Child> {
  const [updated] = await tx.update(children).set({ birthDate }).where(eq(children.id, child.id)).returning();
  await tx
    .update(pregnancies)
    .set({ endedOn: birthDate })
    .where(and(eq(pregnancies.childId, child.id), eq(pregnancies.status, "delivered")));
  await moveAnchor(rt, tx, birthDate, and(eq(reminderPlans.childId, child.id), inArray(reminderPlans.programme, ["child", "postnatal"])));
  return updated ?? child;
}

export interface NewChild {
  birthDate: string;
  sex: Sex;
  name: string;
}

/** A child a parent tells us about: registered, and its programme started. */
export async function enrolChild(rt: Runtime, tx: DbOrTx, contact: Contact, child: NewChild): Promise<Child> {
  const row = await insertChild(tx, {
    name: child.name,
    sex: child.sex,
    birthDate: child.birthDate,
    parentContactId: contact.id,
    desaCode: contact.desaCode,
    posyanduId: contact.posyanduId,
    registeredByContactId: contact.id,
    createdAt: rt.clock.now(),
  });
  await startChildPlan(rt, tx, contact.id, row);
  return row;
}

export async function startChildPlan(rt: Runtime, tx: DbOrTx, contactId: string, child: Child): Promise<Plan> {
  const [existing] = await plansOf(tx, { childId: child.id, contactId }).then((plans) => plans.filter((p) => p.programme === "child"));
  if (existing) return existing;
  return createPlan(rt, tx, {
    contactId,
    programme: "child",
    childId: child.id,
    anchor: child.birthDate,
    posyanduDay: await posyanduDayOf(tx, child.posyanduId),
  });
}

export type LinkResult = "linked" | "already" | "taken" | "stopped";

/** Links a parent to a child a kader registered (by its code) and starts the child's programme. */
export async function linkChild(rt: Runtime, tx: DbOrTx, contact: Contact, child: Child): Promise<LinkResult> {
  if (child.remindersStoppedAt) return "stopped";
  if (child.parentContactId && child.parentContactId !== contact.id) return "taken";
  const already = child.parentContactId === contact.id;
  if (!already) await tx.update(children).set({ parentContactId: contact.id }).where(eq(children.id, child.id));
  await startChildPlan(rt, tx, contact.id, { ...child, parentContactId: contact.id });
  return already ? "already" : "linked";
}

/**
 * SUDAH LAHIR: the pregnancy ends, its reminders stop; the baby is registered with KN,
 * immunisation and the other child reminders, and the mother gets KF1–KF4.
 */
export async function recordBirth(rt: Runtime, tx: DbOrTx, contact: Contact, baby: NewChild): Promise<Child> {
  const pregnancy = await currentPregnancy(tx, contact.id);
  const child = await insertChild(tx, {
    name: baby.name,
    sex: baby.sex,
    birthDate: baby.birthDate,
    parentContactId: contact.id,
    desaCode: contact.desaCode,
    posyanduId: contact.posyanduId,
    registeredByContactId: contact.id,
    createdAt: rt.clock.now(),
  });
  if (pregnancy) {
    await tx
      .update(pregnancies)
      .set({ status: "delivered", endedOn: baby.birthDate, childId: child.id })
      .where(eq(pregnancies.id, pregnancy.id));
    await stopPlans(
      rt,
      tx,
      (await plansOf(tx, { pregnancyId: pregnancy.id })).map((p) => p.id),
    );
  }
  await startChildPlan(rt, tx, contact.id, child);
  await createPlan(rt, tx, {
    contactId: contact.id,
    programme: "postnatal",
    pregnancyId: pregnancy?.id ?? null,
    childId: child.id,
    anchor: baby.birthDate,
  });
  return child;
}

/** Keguguran: the pregnancy ends and nothing more is sent about it. */
export async function recordPregnancyLoss(rt: Runtime, tx: DbOrTx, contact: Contact): Promise<boolean> {
  const pregnancy = await currentPregnancy(tx, contact.id);
  if (!pregnancy) return false;
  await tx
    .update(pregnancies)
    .set({ status: "lost", endedOn: localToday(rt) })
    .where(eq(pregnancies.id, pregnancy.id));
  await stopPlans(
    rt,
    tx,
    (await plansOf(tx, { pregnancyId: pregnancy.id })).map((p) => p.id),
  );
  return true;
}

/**
 * Bayi meninggal: every reminder about the child stops. The mother's postnatal (KF) reminders go
 * on: her own nifas check matters as much after a loss. Returns whether she
 * still has them (the loss message then points her to the bidan).
 */
export async function recordChildLoss(rt: Runtime, tx: DbOrTx, child: Child): Promise<{ postnatalContinues: boolean }> {
  await tx.update(children).set({ remindersStoppedAt: rt.clock.now() }).where(eq(children.id, child.id));
  const plans = await tx
    .select({ id: reminderPlans.id, programme: reminderPlans.programme })
    .from(reminderPlans)
    .where(and(eq(reminderPlans.status, "active"), eq(reminderPlans.childId, child.id)));
  await stopPlans(
    rt,
    tx,
    plans.filter((p) => p.programme !== "postnatal").map((p) => p.id),
  );
  return { postnatalContinues: plans.some((p) => p.programme === "postnatal") };
}

/** The children a parent gets reminders for (several per parent, twins included). */
export async function childrenOf(tx: DbOrTx, contactId: string): Promise<Child[]> {
  const rows = await tx.select().from(children).where(eq(children.parentContactId, contactId));
  return rows.filter((c) => !c.remindersStoppedAt).sort((a, b) => a.birthDate.localeCompare(b.birthDate));
}

/**
 * The hour the contact chose with JAM, or null (→ REMINDER_HOUR). It lives on their plans (no
 * column on contacts): an active plan's first, else the newest ended one's, so a new pregnancy
 * after a loss or a child added later keeps the family's hour.
 */
export async function chosenHourOf(tx: DbOrTx, contactId: string): Promise<number | null> {
  const [row] = await tx
    .select({ hour: reminderPlans.sendHour })
    .from(reminderPlans)
    .where(and(eq(reminderPlans.contactId, contactId), isNotNull(reminderPlans.sendHour)))
    .orderBy(sql`${reminderPlans.status} = 'active' desc`, desc(reminderPlans.createdAt))
    .limit(1);
  return row?.hour ?? null;
}

/**
 * JAM: the contact's active plans send at `hour` from now on, and reminders already planned but not
 * sent move to it (same day, same spread as before; one whose new time has passed today goes at the
 * next allowed moment). The plans are updated first: their row locks make a planner working on
 * them finish (its fires are then moved here) or skip them until the next tick.
 * Returns how many active plans there were (0: nothing to change).
 */
export async function changeSendHour(rt: Runtime, tx: DbOrTx, contactId: string, hour: number): Promise<{ plans: number; moved: number }> {
  const plans = await tx
    .update(reminderPlans)
    .set({ sendHour: hour })
    .where(and(eq(reminderPlans.contactId, contactId), eq(reminderPlans.status, "active")))
    .returning({ id: reminderPlans.id });
  if (plans.length === 0) return { plans: 0, moved: 0 };
  const now = rt.clock.now();
  const fraction = jitterFraction(contactId);
  const pending = await tx
    .select({ id: reminderFires.id, due: reminderFires.dueDate, until: reminderFires.untilDate, sendAt: reminderFires.sendAt })
    .from(reminderFires)
    .where(
      and(
        eq(reminderFires.contactId, contactId),
        eq(reminderFires.status, "pending"),
        inArray(
          reminderFires.planId,
          plans.map((p) => p.id),
        ),
      ),
    );
  let moved = 0;
  for (const fire of pending) {
    const sendAt = sendAtFor(rt, { due: fire.due, until: fire.until }, hour, fraction, now);
    // null: its window is over; the dispatcher skips it as before.
    if (!sendAt || sendAt.getTime() === fire.sendAt.getTime()) continue;
    await tx.update(reminderFires).set({ sendAt }).where(eq(reminderFires.id, fire.id));
    moved++;
  }
  return { plans: plans.length, moved };
}
