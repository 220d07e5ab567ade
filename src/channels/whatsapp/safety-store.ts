// The WhatsApp safety state kept in the database (whatsapp_safety: one row per number and cause, so
// a restart keeps a pause until it lifts), the Pokja admins told on chat, and held messages brought
// forward when WhatsApp lifts a restriction early.
import { and, eq, gt, like, sql } from "drizzle-orm";
import { staffChatsForDesa } from "../../admin/notify.js";
import type { DbOrTx } from "../../db/client.js";
import type { Runtime } from "../../runtime.js";
import { outbox, whatsappSafety } from "../channels.sql.js";
import { OUTBOX_NOTIFY_CHANNEL } from "../engine.js";
import { enqueue } from "../outbox.js";
import type { SafetyCause, SafetyRestriction } from "./safety.js";

/** Prefix of outbox.last_error on a message held back by a restriction (brought forward on an early lift). */
export const HELD_REASON = "whatsapp-safety:";

/** The digits of the linked number (its user part) from Baileys' `sock.user.id`, e.g. "62812…:5@s.whatsapp.net". */
export function accountOf(userId: string | undefined): string {
  const digits = /^(\d+)/.exec(userId ?? "")?.[1];
  return digits ?? "unlinked";
}

export async function loadRestrictions(db: DbOrTx, account: string): Promise<SafetyRestriction[]> {
  const rows = await db.select().from(whatsappSafety).where(eq(whatsappSafety.account, account));
  return rows.map((r) => ({ cause: r.cause, since: r.since, liftsAt: r.liftsAt, detail: r.detail }));
}

export async function saveRestriction(db: DbOrTx, account: string, r: SafetyRestriction): Promise<void> {
  await db
    .insert(whatsappSafety)
    .values({ account, cause: r.cause, since: r.since, liftsAt: r.liftsAt, detail: r.detail })
    .onConflictDoUpdate({
      target: [whatsappSafety.account, whatsappSafety.cause],
      set: { since: r.since, liftsAt: r.liftsAt, detail: r.detail },
    });
}

export async function deleteRestriction(db: DbOrTx, account: string, cause: SafetyCause): Promise<void> {
  await db.delete(whatsappSafety).where(and(eq(whatsappSafety.account, account), eq(whatsappSafety.cause, cause)));
}

/** Messages held back until a later lift time: due now (WhatsApp lifted the restriction early). */
export async function releaseHeld(db: DbOrTx, now: Date): Promise<number> {
  const rows = await db
    .update(outbox)
    .set({ nextAttemptAt: now, lastError: null })
    .where(
      and(
        eq(outbox.channel, "whatsapp"),
        eq(outbox.status, "queued"),
        like(outbox.lastError, `${HELD_REASON}%`),
        gt(outbox.nextAttemptAt, now),
      ),
    )
    .returning({ id: outbox.id });
  if (rows.length > 0) await db.execute(sql`select pg_notify(${OUTBOX_NOTIFY_CHANNEL}, '')`);
  return rows.length;
}

const WHEN = new Intl.DateTimeFormat("id-ID", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Makassar" });

/** "4 Des 2026, 14.30 WITA". */
export const formatLiftTime = (at: Date): string => `${WHEN.format(at)} WITA`;

/**
 * Tells the Pokja admins (regency-wide, with a linked chat) in their language, as the staff alerts
 * of the service are sent: queued in the outbox as "alert". Returns how many were told.
 */
export async function tellPokjaAdmins(rt: Runtime, key: "paused" | "resumed", r: SafetyRestriction): Promise<number> {
  const admins = (await staffChatsForDesa(rt.db, null)).filter((s) => s.role === "pokja_admin");
  const now = rt.clock.now();
  await enqueue(
    rt.db,
    admins.map((s) => {
      const vars = {
        cause: rt.i18n.t(s.lang, `channels:whatsappSafety.cause.${r.cause}`),
        until: formatLiftTime(r.liftsAt),
      };
      return {
        contactId: s.contactId,
        channel: s.channel,
        address: s.address,
        kind: "alert" as const,
        message: { text: rt.i18n.t(s.lang, `channels:whatsappSafety.${key}`, vars) },
      };
    }),
    now,
  );
  return admins.length;
}
