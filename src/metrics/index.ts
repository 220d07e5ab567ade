// What the service counts for Prometheus (prom-client): messages in and out by channel and
// outcome, reply latency, provider rate limits (429), job results (reminders sent …) and errors,
// plus figures read from the database when scraped (queue depth and age per outbox lane,
// reminders due, connections). Counts and labels only: never a chat id, a name or a text.
// One registry per process: the counters are module state, like the process they describe; a test
// reads the difference before and after what it does.
import { sql } from "drizzle-orm";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { queryRows, type DbOrTx } from "../db/client.js";
import { LANES } from "../channels/pacing.js";

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: "balanting_" });

/** Inbound messages by outcome: handled, duplicate (redelivery), unavailable (database away: 503 / tried again), busy, failed (apologised). */
export const inboundMessages = new Counter({
  name: "balanting_inbound_messages_total",
  help: "Inbound messages by channel and outcome",
  labelNames: ["channel", "outcome"] as const,
  registers: [registry],
});

export const inboundSeconds = new Histogram({
  name: "balanting_inbound_handling_seconds",
  help: "Time to store and answer one inbound message (the webhook waits for it)",
  labelNames: ["channel"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

/** Outbound sends by result: sent, retrying (transient failure), failed (given up), rate_limited, held (back to the queue while WhatsApp restricts the number). */
export const outboundMessages = new Counter({
  name: "balanting_outbound_messages_total",
  help: "Outbound send attempts by channel, lane and result",
  labelNames: ["channel", "lane", "result"] as const,
  registers: [registry],
});

export const rateLimited = new Counter({
  name: "balanting_provider_rate_limited_total",
  help: "Rate-limit answers (HTTP 429 and the like) from the providers",
  labelNames: ["channel"] as const,
  registers: [registry],
});

/** WhatsApp's restrictions on the service's number (whatsapp/safety.ts) in force now, by cause: 1 or 0. */
export const whatsappRestricted = new Gauge({
  name: "balanting_whatsapp_restricted",
  help: "Whether WhatsApp restricts the linked number now (bulk and first-contact sends paused), by cause",
  labelNames: ["cause"] as const,
  registers: [registry],
});

/** WhatsApp's warnings heard and restrictions lifted, by cause and event (paused, lifted, ack_error). */
export const whatsappSafetyEvents = new Counter({
  name: "balanting_whatsapp_safety_events_total",
  help: "WhatsApp restrictions set and lifted, and ack errors, by cause",
  labelNames: ["cause", "event"] as const,
  registers: [registry],
});

/** Reply lane: from being queued (the person's message handled) to the provider accepting it. */
export const replyLatency = new Histogram({
  name: "balanting_reply_latency_seconds",
  help: "Conversation replies, queued to accepted by the provider",
  labelNames: ["channel"] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
  registers: [registry],
});

/** Each job's reported figures added up (reminders: sent, skipped, messages; retention: deleted …). */
export const jobItems = new Counter({
  name: "balanting_job_items_total",
  help: "Figures reported by the periodic jobs, summed (e.g. job=reminders,item=sent)",
  labelNames: ["job", "item"] as const,
  registers: [registry],
});

/** Errors that are logged at error level, by where they happened. */
export const errors = new Counter({
  name: "balanting_errors_total",
  help: "Errors by place: inbound (answered with an apology), job, http (5xx)",
  labelNames: ["place"] as const,
  registers: [registry],
});

export const httpResponses = new Counter({
  name: "balanting_http_responses_total",
  help: "HTTP responses by route pattern and status class",
  labelNames: ["route", "status"] as const,
  registers: [registry],
});

/** Inbound messages being handled right now (INBOUND_MAX_CONCURRENCY bounds it). */
export const inboundInProgress = new Gauge({
  name: "balanting_inbound_in_progress",
  help: "Inbound messages being handled now",
  registers: [registry],
});

/** Figures read from the database at scrape time (of every instance on it, not this one only). */
export function registerDatabaseGauges(db: DbOrTx, poolMax: number | null): () => void {
  const queued = new Gauge({
    name: "balanting_outbox_queued",
    help: "Outbox messages waiting (queued or being sent), by lane",
    labelNames: ["lane"] as const,
    registers: [],
  });
  const oldest = new Gauge({
    name: "balanting_outbox_oldest_due_seconds",
    help: "Age of the oldest outbox message that is due and not sent, by lane",
    labelNames: ["lane"] as const,
    registers: [],
  });
  const remindersDue = new Gauge({ name: "balanting_reminders_due", help: "Reminder fires due and not yet sent", registers: [] });
  const up = new Gauge({ name: "balanting_db_up", help: "1 when the database answered this scrape", registers: [] });
  const campaignRecipients = new Gauge({
    name: "balanting_campaign_recipients",
    help: "Recipients of campaign runs still sending (running or paused), by status: the send's progress",
    labelNames: ["status"] as const,
    registers: [],
  });
  const connections = new Gauge({
    name: "balanting_db_connections",
    help: "PostgreSQL connections of the service (all instances) by state",
    labelNames: ["state"] as const,
    registers: [],
  });
  const poolSize = new Gauge({
    name: "balanting_db_pool_max",
    help: "Connections this process opens at most (DB_POOL_MAX)",
    registers: [],
  });

  const collect = async () => {
    up.set(0); // stays 0 if the database does not answer within the scrape's wait
    try {
      const lanes = await queryRows<{ lane: number; n: number; oldest: number | null }>(
        db,
        sql`select lane, count(*)::int as n,
                   extract(epoch from now() - min(next_attempt_at) filter (where next_attempt_at <= now()))::float8 as oldest
            from outbox where status in ('queued', 'sending') group by lane`,
      );
      queued.reset();
      oldest.reset();
      for (const [rank, lane] of LANES.entries()) {
        const row = lanes.find((r) => Number(r.lane) === rank);
        queued.set({ lane }, row?.n ?? 0);
        oldest.set({ lane }, row?.oldest === null || row?.oldest === undefined ? 0 : Math.max(0, Number(row.oldest)));
      }
      const [due] = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from reminder_fires where status = 'pending' and send_at <= now()`,
      );
      remindersDue.set(due?.n ?? 0);
      const progress = await queryRows<{ status: string; n: number }>(
        db,
        sql`select r.status, count(*)::int as n from campaign_recipients r join campaign_runs u on u.id = r.run_id
            where u.status in ('running', 'paused') group by r.status`,
      );
      campaignRecipients.reset();
      for (const status of ["pending", "queued", "sent", "failed", "skipped", "cancelled"]) {
        campaignRecipients.set({ status }, progress.find((p) => p.status === status)?.n ?? 0);
      }
      if (poolMax !== null) {
        poolSize.set(poolMax);
        const states = await queryRows<{ state: string | null; n: number }>(
          db,
          sql`select coalesce(state, 'unknown') as state, count(*)::int as n from pg_stat_activity
              where application_name = 'balanting' and datname = current_database() group by 1`,
        );
        connections.reset();
        for (const s of states) connections.set({ state: s.state ?? "unknown" }, s.n);
      }
      up.set(1);
    } catch {
      up.set(0);
    }
  };
  const gauges: Gauge<string>[] = [
    queued,
    oldest,
    remindersDue,
    campaignRecipients,
    up,
    ...(poolMax !== null ? [connections, poolSize] : []),
  ];
  // One app per process in production; in tests the latest app still open is the one scraped.
  const me = { gauges, collect };
  registrations.push(me);
  activate(me);
  return () => {
    const wasCurrent = registrations.at(-1) === me;
    registrations.splice(registrations.indexOf(me), 1);
    if (!wasCurrent) return;
    const previous = registrations.at(-1);
    if (previous) activate(previous);
    else {
      for (const name of DATABASE_GAUGES) registry.removeSingleMetric(name);
      collectBeforeScrape = async () => {};
    }
  };
}

interface Registration {
  gauges: Gauge<string>[];
  collect: () => Promise<void>;
}
const registrations: Registration[] = [];
function activate(r: Registration): void {
  for (const name of DATABASE_GAUGES) registry.removeSingleMetric(name);
  for (const g of r.gauges) registry.registerMetric(g);
  collectBeforeScrape = r.collect;
}

let collectBeforeScrape: () => Promise<void> = async () => {};
const DATABASE_GAUGES = [
  "balanting_outbox_queued",
  "balanting_outbox_oldest_due_seconds",
  "balanting_reminders_due",
  "balanting_campaign_recipients",
  "balanting_db_up",
  "balanting_db_connections",
  "balanting_db_pool_max",
];

/** The exposition text, with the database figures read now. */
export async function scrape(): Promise<{ contentType: string; body: string }> {
  // A database that does not answer must not hang the scrape (Prometheus gives up after 10 s).
  await Promise.race([collectBeforeScrape(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  return { contentType: registry.contentType, body: await registry.metrics() };
}
