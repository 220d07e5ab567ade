// Sending a campaign: a run freezes its recipient list in one statement, then queues it into the
// outbox's bulk lane in batches (each batch one statement: rendered texts in, recipients marked
// queued). The outbound engine paces and sends; right before each send the guard below checks the
// run is still going, the person has not opted out and it is not quiet hours, and marks the row as
// about to be sent (a crash after that counts an unknown outcome); at the moment of sending, the
// clock is read again for quiet hours and a pause or cancel since the check sends it back to the
// check. Pause, resume and cancel move rows between the outbox and the frozen list; a crash
// anywhere leaves each person either pending (queued again later) or queued once (dedupe key),
// never both.
import { sql, type SQL } from "drizzle-orm";
import type { Config } from "../config/index.js";
import { queryRows, type DbOrTx } from "../db/client.js";
import { invalidateSendGuard, registerSendGuard } from "../channels/engine.js";
import { laneOf, laneRank } from "../channels/pacing.js";
import { SERVICE_WINDOW_MS, type CloudTemplates } from "../channels/whatsapp-cloud/outbound.js";
import { loadTemplates } from "../channels/whatsapp-cloud/templates.js";
import type { Lang } from "../i18n/index.js";
import type { Runtime } from "../runtime.js";
import { buttonsFor, VARIABLES, type CampaignButton, type Variable } from "./compose.js";
import { audienceSql, type AreaPrincipal, type Segment } from "./segment.js";
import { inQuietHours, quietEnd, type QuietHours } from "./schedule.js";

/** Outbox rows of campaigns have this kind (bulk lane; WhatsApp Cloud template kind "campaign"). */
export const CAMPAIGN_KIND = "campaign" as const;
const CAMPAIGN_LANE = laneRank(laneOf(CAMPAIGN_KIND));

export type ApprovalRule = "regency" | "all" | "off";

export interface CampaignSettings {
  approval: ApprovalRule;
  /** Recipients queued per statement. */
  batch: number;
  /**
   * Messages of a run kept waiting in the outbox (the rest stay in the frozen list until the minute
   * job tops them up): the engine sends 30–80 a second at most, and a short queue makes pause,
   * cancel and quiet hours cheap.
   */
  ahead: number;
  quiet: QuietHours;
}

export function campaignSettings(config: Config): CampaignSettings {
  return {
    approval: config.CAMPAIGN_APPROVAL,
    batch: config.CAMPAIGN_QUEUE_BATCH,
    ahead: config.CAMPAIGN_QUEUE_AHEAD,
    quiet: { start: config.QUIET_HOURS_START, end: config.QUIET_HOURS_END, zone: config.TIMEZONE },
  };
}

/** Whether WhatsApp Cloud has an approved `campaign` template for a language (Banjar falls back to Indonesian, as the adapter does). */
export function hasCloudTemplate(templates: CloudTemplates, lang: Lang): boolean {
  const t = templates[CAMPAIGN_KIND];
  return Boolean(t?.[lang] ?? t?.id);
}

/** The texts and buttons as sent by a run. */
export interface SentTexts {
  textId: string;
  textBjn: string;
  buttons: CampaignButton[];
}

export interface FrozenRun {
  runId: string;
  recipients: number;
  /** Left out at freezing: WhatsApp Cloud outside the 24-hour window without a `campaign` template. */
  noTemplate: number;
}

/**
 * Creates the run of an occurrence and freezes its recipients, in the caller's transaction. Null
 * when the occurrence was started already (another instance, or before a restart).
 */
export async function freezeRun(
  rt: Runtime,
  tx: DbOrTx,
  c: { id: string; area: AreaPrincipal; segment: Segment },
  occurrence: string,
  sent: SentTexts,
): Promise<FrozenRun | null> {
  const now = rt.clock.now();
  const [run] = await queryRows<{ id: string }>(
    tx,
    sql`insert into campaign_runs (campaign_id, occurrence, status, sent, started_at)
        values (${c.id}, ${occurrence}, 'running', ${JSON.stringify(sent)}::jsonb, ${now.toISOString()}::timestamptz)
        on conflict (campaign_id, occurrence) do nothing returning id`,
  );
  if (!run) return null;
  const windowStart = new Date(now.getTime() - SERVICE_WINDOW_MS).toISOString();
  // The templates in force (configured, and the Pokja's list kept in the console).
  const templates = await loadTemplates(tx, rt.config.WHATSAPP_CLOUD_TEMPLATES);
  const noTemplate = sql`(a.channel = 'whatsapp-cloud' and (a.last_inbound_at is null or a.last_inbound_at < ${windowStart}::timestamptz)
    and not (case when a.lang = 'bjn' then ${hasCloudTemplate(templates, "bjn")}::boolean else ${hasCloudTemplate(templates, "id")}::boolean end))`;
  // On PGlite the database's memory is the service's and stays at its high-water mark: the freeze's
  // hash and sort are kept small there (they spill to temporary files) rather than raise it for good.
  if (rt.engine === "pglite") {
    await tx.execute(sql`set local work_mem = '1MB'`);
    await tx.execute(sql`set local hash_mem_multiplier = 1`);
  }
  // The whole list in one statement; the unique (run, contact) makes a repeat of it add nothing.
  const counts = await queryRows<{ n: number; no_template: number }>(
    tx,
    sql`with frozen as (
          insert into campaign_recipients (run_id, campaign_id, contact_id, channel, address, lang, desa_code, status, reason)
          select ${run.id}::uuid, ${c.id}::uuid, a.contact_id, a.channel, a.address, a.lang, a.desa_code,
                 case when ${noTemplate} then 'skipped' else 'pending' end,
                 case when ${noTemplate} then 'no_template' end
          from (${audienceSql(c.area, c.segment, { now, zone: rt.config.TIMEZONE }, "set")}) a
          on conflict (run_id, contact_id) do nothing
          returning status)
        select count(*)::int as n, count(*) filter (where status = 'skipped')::int as no_template from frozen`,
  );
  const recipients = Number(counts[0]?.n ?? 0);
  await tx.execute(sql`update campaign_runs set recipients = ${recipients} where id = ${run.id}`);
  return { runId: run.id, recipients, noTemplate: Number(counts[0]?.no_template ?? 0) };
}

/** What each variable is made of for recipient `p` (joins in queueBatch). */
const VALUE_SQL: Record<Variable, (dayText: SQL) => SQL> = {
  nama_desa: () => sql`d.name`,
  nama_kecamatan: () => sql`kc.name`,
  nama_posyandu: () => sql`py.name`,
  posyandu_hari: (dayText) => sql`case when py.day_of_month is not null then replace(${dayText}, '{{day}}', py.day_of_month::text) end`,
  nama_anak: () =>
    sql`(select k.name from children k where k.parent_contact_id = p.contact_id and k.reminders_stopped_at is null order by k.birth_date desc, k.id limit 1)`,
};

/** Per language: a value of `p.lang`. */
const byLang = (id: string, bjn: string) => sql`(case when p.lang = 'bjn' then ${bjn}::text else ${id}::text end)`;

/** The fallback texts of the variables and the footer, per language (locales campaigns:*). */
export function campaignTexts(rt: Runtime, lang: Lang): { fallbacks: Record<Variable, string>; dayText: string; footer: string } {
  const fallbacks = Object.fromEntries(VARIABLES.map((v) => [v, rt.i18n.t(lang, `campaigns:vars.${v}`)])) as Record<Variable, string>;
  return {
    fallbacks,
    dayText: rt.i18n.t(lang, "campaigns:vars.posyandu_hari_known", { day: "{{day}}" }),
    footer: rt.i18n.t(lang, "campaigns:footer"),
  };
}

/** The variables the texts use: only those are looked up per recipient (an unused {nama_anak} costs a subquery a row). */
export function usedVariables(sent: SentTexts): Variable[] {
  return VARIABLES.filter((v) => sent.textId.includes(`{${v}}`) || sent.textBjn.includes(`{${v}}`));
}

/** The SQL rendering one recipient's message (text with variables, footer, buttons) as outbox JSON. */
function messageSql(rt: Runtime, runId: string, sent: SentTexts): SQL {
  const id = campaignTexts(rt, "id");
  const bjn = campaignTexts(rt, "bjn");
  let text = byLang(sent.textId, sent.textBjn);
  for (const v of usedVariables(sent)) {
    const value = VALUE_SQL[v](byLang(id.dayText, bjn.dayText));
    text = sql`replace(${text}, ${`{${v}}`}::text, coalesce(${value}, ${byLang(id.fallbacks[v], bjn.fallbacks[v])}))`;
  }
  text = sql`${text} || ${byLang(`\n\n${id.footer}`, `\n\n${bjn.footer}`)}`;
  if (sent.buttons.length === 0) return sql`jsonb_build_object('text', ${text})`;
  const buttons = byLang(JSON.stringify(buttonsFor(sent.buttons, "id", runId)), JSON.stringify(buttonsFor(sent.buttons, "bjn", runId)));
  return sql`jsonb_build_object('text', ${text}, 'buttons', ${buttons}::jsonb)`;
}

/**
 * Queues up to `limit` pending recipients of a run into the outbox (one statement): people who
 * opted out since freezing are skipped; during quiet hours the rows are due when they end.
 * Returns how many rows it handled (0: nothing pending).
 */
export async function queueBatch(rt: Runtime, runId: string, sent: SentTexts, limit: number): Promise<number> {
  const now = rt.clock.now();
  const due = quietEnd(now, campaignSettings(rt.config).quiet);
  // One statement: the batch picked; those of them who opted out since the list was frozen
  // skipped; the others' rendered messages into the outbox (a repeated dedupe key links the row
  // already there) and marked queued with their outbox row, joined on the recipient id.
  const [row] = await queryRows<{ skipped: number; queued: number }>(
    rt.db,
    sql`with picked as (
          select cr.id, cr.contact_id, cr.channel, cr.address, cr.lang, cr.desa_code, c.posyandu_id, c.opted_out_at is not null as opted_out
          from campaign_recipients cr join contacts c on c.id = cr.contact_id
          where cr.run_id = ${runId} and cr.status = 'pending'
          order by cr.id limit ${limit}
          for update of cr skip locked),
        skipped as (
          update campaign_recipients cr set status = 'skipped', reason = 'opted_out'
          from picked p where cr.id = p.id and p.opted_out
          returning 1),
        ins as (
          insert into outbox (contact_id, channel, address, message, kind, lane, dedupe_key, created_at, next_attempt_at)
          select p.contact_id, p.channel, p.address, ${messageSql(rt, runId, sent)}, ${CAMPAIGN_KIND}, ${CAMPAIGN_LANE},
                 'campaign:' || p.id, ${now.toISOString()}::timestamptz, ${due.toISOString()}::timestamptz
          from picked p
            left join areas d on d.code = p.desa_code
            left join areas kc on kc.code = substr(p.desa_code, 1, 8)
            left join posyandu py on py.id = p.posyandu_id
          where not p.opted_out
          on conflict (dedupe_key) do update set dedupe_key = excluded.dedupe_key
          returning id, substr(dedupe_key, 10)::bigint as recipient_id),
        upd as (
          update campaign_recipients cr set status = 'queued', outbox_id = ins.id, queued_at = ${now.toISOString()}::timestamptz
          from ins where cr.id = ins.recipient_id
          returning 1)
        select (select count(*) from skipped)::int as skipped, (select count(*) from upd)::int as queued`,
  );
  const n = Number(row?.skipped ?? 0) + Number(row?.queued ?? 0);
  if (n > 0) await rt.db.execute(sql`select pg_notify('balanting_outbox', '')`);
  return n;
}

/** Queues pending recipients of a run, batch by batch, until CAMPAIGN_QUEUE_AHEAD wait in the outbox. */
export async function queueRun(rt: Runtime, runId: string, sent: SentTexts): Promise<number> {
  const { batch, ahead } = campaignSettings(rt.config);
  const [waiting] = await queryRows<{ n: number }>(
    rt.db,
    sql`select count(*)::int as n from campaign_recipients where run_id = ${runId} and status = 'queued'`,
  );
  let room = ahead - Number(waiting?.n ?? 0);
  let total = 0;
  while (room > 0) {
    const size = Math.min(batch, room);
    const n = await queueBatch(rt, runId, sent, size);
    total += n;
    room -= n;
    if (n < size) break;
  }
  return total;
}

/**
 * Takes a run's rows that wait in the outbox back out (pause: to pending; cancel: cancelled). Rows
 * the engine already holds are caught by the guard right before they would be sent.
 */
export async function withdrawQueued(db: DbOrTx, runIds: string[], to: "pending" | "cancelled"): Promise<number> {
  if (runIds.length === 0) return 0;
  const runs = sql`array[${sql.join(
    runIds.map((id) => sql`${id}`),
    sql`, `,
  )}]::uuid[]`;
  const rows = await queryRows<{ n: number }>(
    db,
    sql`with del as (
          delete from outbox o using campaign_recipients cr
          where cr.run_id = any(${runs}) and cr.status = 'queued' and o.id = cr.outbox_id and o.status = 'queued'
          returning substr(o.dedupe_key, 10)::bigint as recipient_id),
        upd as (
          update campaign_recipients set status = ${to}, outbox_id = null, queued_at = null
          where id in (select recipient_id from del) returning 1)
        select count(*)::int as n from upd`,
  );
  if (to === "cancelled") {
    await db.execute(sql`update campaign_recipients set status = 'cancelled' where run_id = any(${runs}) and status = 'pending'`);
  }
  return Number(rows[0]?.n ?? 0);
}

/** Copies what the outbox knows (sent, failed and why, unknown outcomes) into the frozen list, so reports outlive the outbox's retention. */
export async function syncOutcomes(db: DbOrTx, runId?: string): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql`with upd as (
          update campaign_recipients cr
          set status = o.status, sent_at = o.sent_at, external_id = o.external_id,
              reason = case when o.status = 'failed' then o.last_error end, unknown_outcomes = o.unknown_outcomes
          from outbox o
          where o.id = cr.outbox_id and cr.status = 'queued' and o.status in ('sent', 'failed')
            ${runId ? sql`and cr.run_id = ${runId}` : sql``}
          returning 1)
        select count(*)::int as n from upd`,
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Brings outcomes in (syncOutcomes); then runs with nobody pending or queued are done, and a
 * one-off campaign whose run is done is done.
 */
export async function finishRuns(rt: Runtime): Promise<number> {
  await syncOutcomes(rt.db);
  const now = rt.clock.now().toISOString();
  const done = await queryRows<{ campaign_id: string }>(
    rt.db,
    sql`update campaign_runs r set status = 'done', finished_at = ${now}::timestamptz
        where r.status = 'running'
          and not exists (select 1 from campaign_recipients cr where cr.run_id = r.id and cr.status in ('pending', 'queued'))
        returning r.campaign_id`,
  );
  if (done.length > 0) {
    const ids = sql`array[${sql.join(
      done.map((d) => sql`${d.campaign_id}`),
      sql`, `,
    )}]::uuid[]`;
    await rt.db.execute(
      sql`update campaigns set status = 'done', updated_at = ${now}::timestamptz where id = any(${ids}) and status = 'running' and repeat is null`,
    );
  }
  return done.length;
}

/**
 * Quiet hours: campaign rows waiting in the outbox move to when they end (one statement; the guard
 * catches rows the engine already holds).
 */
export async function holdForQuietHours(rt: Runtime): Promise<number> {
  const now = rt.clock.now();
  const { quiet } = campaignSettings(rt.config);
  if (!inQuietHours(now, quiet)) return 0;
  const end = quietEnd(now, quiet).toISOString();
  const rows = await queryRows<{ id: number }>(
    rt.db,
    sql`update outbox set next_attempt_at = ${end}::timestamptz
        where status = 'queued' and kind = ${CAMPAIGN_KIND} and next_attempt_at < ${end}::timestamptz returning id`,
  );
  return rows.length;
}

/** NOTIFY channel of pauses and cancels: every instance checks its cleared rows again. */
export const CAMPAIGN_STOP_CHANNEL = "balanting_campaigns";

/**
 * A pause or cancel committed: rows the guard cleared in this process are checked again before
 * they go (at once), and other instances are told (NOTIFY, sent in the caller's transaction).
 */
export async function announceStop(tx: DbOrTx): Promise<void> {
  await tx.execute(sql`select pg_notify(${CAMPAIGN_STOP_CHANNEL}, '')`);
}
export function stopCommitted(): void {
  invalidateSendGuard(CAMPAIGN_KIND);
}

/**
 * The check right before a campaign message is sent (engine.ts SendGuard): the person has not
 * opted out (BERHENTI after the list was frozen), the run is not paused or cancelled, and it is not
 * quiet hours. Anything else puts the row back or removes it, in one transaction with the list.
 * A row cleared to go is marked attempted (outbox.attempted_at) in the same round trip, so a
 * sender dying from here on leaves a counted unknown outcome; a row no longer held by `holder`
 * (taken over after a stall) is not sent.
 */
async function campaignGuard(rt: Runtime, row: { id: number; dedupeKey: string | null }, holder: string): Promise<"send" | "handled"> {
  const recipientId = Number(row.dedupeKey?.slice("campaign:".length));
  const now = rt.clock.now();
  const quiet = campaignSettings(rt.config).quiet;
  if (!Number.isSafeInteger(recipientId)) {
    // Not a frozen recipient's row: only the clock applies, as it does at the moment of sending
    // (the two must agree, or the engine would ask again and again).
    if (!inQuietHours(now, quiet)) return "send";
    await rt.db.execute(
      sql`update outbox set status = 'queued', claimed_by = null, attempted_at = null, next_attempt_at = ${quietEnd(now, quiet).toISOString()}::timestamptz
          where id = ${row.id} and claimed_by = ${holder}`,
    );
    return "handled";
  }
  const verdictSql = (lock: boolean) =>
    sql`select cr.id, r.status as run_status, c.opted_out_at is not null as opted_out
        from campaign_recipients cr join campaign_runs r on r.id = cr.run_id join contacts c on c.id = cr.contact_id
        where cr.id = ${recipientId} ${lock ? sql`for update of cr` : sql``}`;
  const sendable = (r: { run_status: string; opted_out: boolean } | undefined) => !r || (!r.opted_out && r.run_status === "running");
  // The common case in one round trip, without a transaction; anything else is decided again under a lock.
  const [seen] = await queryRows<{ id: number; run_status: string; opted_out: boolean; ours: number }>(
    rt.db,
    sql`with mark as (update outbox set attempted_at = now() where id = ${row.id} and claimed_by = ${holder} and status = 'sending' returning 1)
        select v.*, (select count(*) from mark)::int as ours from (${verdictSql(false)}) v
        right join (select 1) one on true`,
  );
  if (!seen || Number(seen.ours) === 0) return "handled";
  if (sendable(seen.id === null ? undefined : seen) && !inQuietHours(now, quiet)) return "send";
  return rt.db.transaction(async (tx) => {
    const [r] = await queryRows<{ id: number; run_status: string; opted_out: boolean }>(tx, verdictSql(true));
    if (!r) return "send";
    const drop = async (status: string, reason: string | null) => {
      await tx.execute(sql`delete from outbox where id = ${row.id} and claimed_by = ${holder}`);
      await tx.execute(
        sql`update campaign_recipients set status = ${status}, reason = ${reason}, outbox_id = null, queued_at = null where id = ${r.id}`,
      );
      return "handled" as const;
    };
    if (r.opted_out) return drop("skipped", "opted_out");
    if (r.run_status === "cancelled") return drop("cancelled", null);
    if (r.run_status !== "running") return drop("pending", null);
    if (inQuietHours(now, quiet)) {
      await tx.execute(
        sql`update outbox set status = 'queued', claimed_by = null, attempted_at = null, next_attempt_at = ${quietEnd(now, quiet).toISOString()}::timestamptz
            where id = ${row.id} and claimed_by = ${holder}`,
      );
      return "handled";
    }
    return "send";
  });
}

registerSendGuard(CAMPAIGN_KIND, campaignGuard, {
  // The clock again at the moment of sending: the check ran a few rows ahead of the slot.
  atSend: (rt) => !inQuietHours(rt.clock.now(), campaignSettings(rt.config).quiet),
  notifyChannel: CAMPAIGN_STOP_CHANNEL,
});
