// A campaign's delivery report, live: the frozen list joined with the outbox for rows still on
// their way. Counters per campaign (or one run) and per kecamatan and desa; failures by reason; the
// per-recipient CSV limited to the people the viewer may see.
import { sql, type SQL } from "drizzle-orm";
import { whereInScope, type ScopePrincipal } from "../platform/scope.js";
import { queryRows, type DbOrTx } from "../db/client.js";
import { kecamatanOf } from "../reports/stats.js";

/** A reply within this many days of the message counts as a reply to it. */
export const REPLY_WINDOW_DAYS = 3;

export interface Counters {
  recipients: number;
  /** Not yet handed to the outbox (quiet hours, paused, a batch to come). */
  pending: number;
  /** In the outbox, not sent yet. */
  queued: number;
  sent: number;
  /** WhatsApp reports delivery and reading; Telegram and the web chat report sent only. */
  delivered: number;
  read: number;
  failed: number;
  /** Never sent: opted out before their turn, or WhatsApp Cloud outside the window without a template. */
  skippedOptedOut: number;
  noTemplate: number;
  cancelled: number;
  /** Stopped (BERHENTI) after receiving it. */
  optedOutAfter: number;
  /** Wrote back (a reply button or any message) within REPLY_WINDOW_DAYS. */
  replies: number;
  /**
   * Sent again after a sender died with its send's outcome unknown (kill -9 mid-send): Telegram and
   * WhatsApp by Baileys take no idempotency key, so these people may have received it twice.
   */
  resentUnknownOutcome: number;
}

const zero = (): Counters => ({
  recipients: 0,
  pending: 0,
  queued: 0,
  sent: 0,
  delivered: 0,
  read: 0,
  failed: 0,
  skippedOptedOut: 0,
  noTemplate: 0,
  cancelled: 0,
  optedOutAfter: 0,
  replies: 0,
  resentUnknownOutcome: 0,
});

/** The adapter's words for "outside the window and no template" (whatsapp-cloud/adapter.ts). */
const NO_TEMPLATE_ERROR = "%no template%";

/** Each recipient's live state: `st`, `sent_at`, `reason`, plus the row's own columns. */
function liveRows(where: SQL): SQL {
  return sql`select cr.id, cr.contact_id, cr.channel, cr.lang, cr.desa_code, cr.delivered_at, cr.read_at, cr.stopped_at, cr.replied_at, cr.reply_choice,
      case when cr.status = 'queued' and o.status in ('sent', 'failed') then o.status
           when cr.status = 'queued' and o.id is null then 'pending' else cr.status end as st,
      coalesce(cr.sent_at, case when o.status = 'sent' then o.sent_at end) as sent_at,
      coalesce(cr.reason, case when o.status = 'failed' then o.last_error end) as reason,
      c.opted_out_at, greatest(cr.unknown_outcomes, coalesce(o.unknown_outcomes, 0)) as unknown_outcomes
    from campaign_recipients cr
      left join outbox o on o.id = cr.outbox_id
      join contacts c on c.id = cr.contact_id
    where ${where}`;
}

const COUNT_COLUMNS = sql`count(*)::int as recipients,
  count(*) filter (where st = 'pending')::int as pending,
  count(*) filter (where st = 'queued')::int as queued,
  count(*) filter (where st = 'sent')::int as sent,
  count(*) filter (where st = 'sent' and (delivered_at is not null or read_at is not null))::int as delivered,
  count(*) filter (where st = 'sent' and read_at is not null)::int as read,
  count(*) filter (where st = 'failed' and reason not like ${NO_TEMPLATE_ERROR})::int as failed,
  count(*) filter (where st = 'skipped' and reason = 'opted_out')::int as skipped_opted_out,
  count(*) filter (where (st = 'skipped' and reason = 'no_template') or (st = 'failed' and reason like ${NO_TEMPLATE_ERROR}))::int as no_template,
  count(*) filter (where st = 'cancelled')::int as cancelled,
  count(*) filter (where st = 'sent' and (stopped_at is not null or opted_out_at > sent_at))::int as opted_out_after,
  count(*) filter (where st = 'sent' and (replied_at is not null or exists (
    select 1 from inbound_messages im where im.contact_id = r.contact_id and im.received_at > r.sent_at
      and im.received_at < r.sent_at + ${`${REPLY_WINDOW_DAYS} days`}::interval)))::int as replies,
  count(*) filter (where unknown_outcomes > 0)::int as resent_unknown_outcome`;

type CountRow = { [K in keyof Counters as string]: number } & { desa_code?: string | null; reason?: string };

function countersOf(row: CountRow | undefined): Counters {
  if (!row) return zero();
  return {
    recipients: Number(row.recipients),
    pending: Number(row.pending),
    queued: Number(row.queued),
    sent: Number(row.sent),
    delivered: Number(row.delivered),
    read: Number(row.read),
    failed: Number(row.failed),
    skippedOptedOut: Number(row.skipped_opted_out),
    noTemplate: Number(row.no_template),
    cancelled: Number(row.cancelled),
    optedOutAfter: Number(row.opted_out_after),
    replies: Number(row.replies),
    resentUnknownOutcome: Number(row.resent_unknown_outcome),
  };
}

const COUNTER_KEYS = Object.keys(zero()) as (keyof Counters)[];

function add(into: Counters, c: Counters): void {
  for (const k of COUNTER_KEYS) into[k] += c[k];
}

export interface AreaCounters extends Counters {
  code: string;
  name: string | null;
}

export interface CampaignReport {
  totals: Counters;
  failures: { reason: string; count: number }[];
  kecamatan: AreaCounters[];
  desa: AreaCounters[];
  runs: { id: string; occurrence: string; status: string; recipients: number; startedAt: string; finishedAt: string | null }[];
}

/** The report of a campaign, or of one of its runs. */
export async function campaignReport(db: DbOrTx, campaignId: string, runId?: string): Promise<CampaignReport> {
  const where = runId
    ? sql`cr.run_id = ${runId} and cr.campaign_id = ${campaignId}`
    : sql`cr.run_id in (select id from campaign_runs where campaign_id = ${campaignId})`;
  const perDesa = await queryRows<CountRow>(db, sql`select desa_code, ${COUNT_COLUMNS} from (${liveRows(where)}) r group by desa_code`);
  const failures = await queryRows<{ reason: string; n: number }>(
    db,
    sql`select coalesce(reason, 'unknown') as reason, count(*)::int as n from (${liveRows(where)}) r where st = 'failed' group by 1 order by 2 desc, 1`,
  );
  const names = new Map(
    (await queryRows<{ code: string; name: string }>(db, sql`select code, name from areas where level in ('kecamatan', 'desa')`)).map(
      (a) => [a.code, a.name],
    ),
  );
  const totals = zero();
  const kecamatan = new Map<string, AreaCounters>();
  const desa: AreaCounters[] = [];
  for (const row of perDesa) {
    const c = countersOf(row);
    add(totals, c);
    const code = row.desa_code ?? "unknown";
    desa.push({ code, name: names.get(code) ?? null, ...c });
    const k = kecamatanOf(row.desa_code ?? null);
    const into = kecamatan.get(k) ?? { code: k, name: names.get(k) ?? null, ...zero() };
    add(into, c);
    kecamatan.set(k, into);
  }
  const runs = await queryRows<{
    id: string;
    occurrence: string;
    status: string;
    recipients: number;
    started_at: Date | string;
    finished_at: Date | string | null;
  }>(
    db,
    sql`select id, occurrence, status, recipients, started_at, finished_at from campaign_runs where campaign_id = ${campaignId} order by started_at, id`,
  );
  const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
  return {
    totals,
    failures: failures.map((f) => ({ reason: f.reason, count: Number(f.n) })),
    kecamatan: [...kecamatan.values()].sort((a, b) => a.code.localeCompare(b.code)),
    desa: desa.sort((a, b) => a.code.localeCompare(b.code)),
    runs: runs.map((r) => ({
      id: r.id,
      occurrence: r.occurrence,
      status: r.status,
      recipients: Number(r.recipients),
      startedAt: iso(r.started_at) as string,
      finishedAt: iso(r.finished_at),
    })),
  };
}

export type RecipientLine = {
  contact_id: string;
  channel: string;
  lang: string;
  desa_code: string | null;
  st: string;
  reason: string | null;
  sent_at: Date | string | null;
  delivered_at: Date | string | null;
  read_at: Date | string | null;
  replied_at: Date | string | null;
  stopped_at: Date | string | null;
  unknown_outcomes: number;
};

/** Per-recipient status for the CSV: only people in the viewer's area (a row outside it does not exist for them). */
export async function recipientLines(db: DbOrTx, viewer: ScopePrincipal, campaignId: string, limit: number): Promise<RecipientLine[]> {
  const inArea = whereInScope(viewer, { desaCode: sql`c.desa_code`, posyanduId: sql`c.posyandu_id` });
  return queryRows<RecipientLine>(
    db,
    sql`select contact_id, channel, lang, desa_code, st, reason, sent_at, delivered_at, read_at, replied_at, stopped_at, unknown_outcomes
        from (${liveRows(sql`cr.run_id in (select id from campaign_runs where campaign_id = ${campaignId}) and ${inArea}`)}) r order by id limit ${limit}`,
  );
}
