// Campaigns in the conversation: a pressed reply button is counted with the campaign and thanked
// for; BERHENTI right after a campaign stops the person at once (no "are you sure?"), and their
// campaign messages still waiting are withdrawn; WhatsApp's delivered/read statuses are recorded.
import { sql } from "drizzle-orm";
import { registerHandler, type Turn } from "../conversation/index.js";
import { queryRows, type DbOrTx } from "../db/client.js";
import type { Runtime } from "../runtime.js";
import { REPLY_WINDOW_DAYS } from "./report.js";

const REPLY_PAYLOAD = /^cmp:([0-9a-f-]{36}):(\d{1,2})$/;

/** A reply button of a campaign: recorded once per person and run (the first answer counts). */
async function replyButton(turn: Turn): Promise<boolean> {
  const m = REPLY_PAYLOAD.exec(turn.message.payload ?? "");
  if (!m) return false;
  await turn.tx.execute(
    sql`update campaign_recipients set reply_choice = coalesce(reply_choice, ${Number(m[2])}), replied_at = coalesce(replied_at, ${turn.now.toISOString()}::timestamptz)
        where run_id = ${m[1]} and contact_id = ${turn.contact.id}`,
  );
  turn.say("campaigns:reply_thanks");
  return true;
}

let registered = false;
export function registerCampaignConversations(): void {
  if (registered) return;
  registered = true;
  registerHandler(replyButton);
}

/**
 * BERHENTI from someone who got a campaign message in the last REPLY_WINDOW_DAYS days: true when
 * it was, after marking that message as the one they stopped at and withdrawing their campaign
 * messages not yet sent. The caller stops the person (opted out) in the same transaction.
 */
export async function stopAfterCampaign(tx: DbOrTx, contactId: string, now: Date): Promise<boolean> {
  const since = new Date(now.getTime() - REPLY_WINDOW_DAYS * 86_400_000).toISOString();
  const recent = await queryRows<{ id: number }>(
    tx,
    sql`update campaign_recipients cr set stopped_at = ${now.toISOString()}::timestamptz
        where cr.id = (select r.id from campaign_recipients r left join outbox o on o.id = r.outbox_id
                       where r.contact_id = ${contactId} and r.stopped_at is null
                         and coalesce(r.sent_at, case when o.status = 'sent' then o.sent_at end) > ${since}::timestamptz
                       order by coalesce(r.sent_at, o.sent_at) desc limit 1)
        returning cr.id`,
  );
  if (recent.length === 0) return false;
  await tx.execute(
    sql`with del as (delete from outbox o using campaign_recipients cr
                     where cr.contact_id = ${contactId} and cr.status = 'queued' and o.id = cr.outbox_id and o.status = 'queued'
                     returning substr(o.dedupe_key, 10)::bigint as recipient_id)
        update campaign_recipients set status = 'skipped', reason = 'opted_out', outbox_id = null where id in (select recipient_id from del)`,
  );
  return true;
}

/** WhatsApp Cloud statuses of campaign messages: delivered and read times (the first of each). */
export async function recordCampaignStatuses(rt: Runtime, statuses: { externalId: string; status: string; at: Date }[]): Promise<void> {
  for (const s of statuses) {
    if (s.status !== "delivered" && s.status !== "read") continue;
    const at = s.at.toISOString();
    await rt.db.execute(
      sql`update campaign_recipients cr
          set delivered_at = coalesce(cr.delivered_at, ${at}::timestamptz),
              read_at = case when ${s.status} = 'read' then coalesce(cr.read_at, ${at}::timestamptz) else cr.read_at end
          where cr.id in (select substr(o.dedupe_key, 10)::bigint from outbox o
                          where o.channel = 'whatsapp-cloud' and o.external_id = ${s.externalId} and o.kind = 'campaign')`,
    );
  }
}
