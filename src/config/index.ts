// Every setting comes from environment variables, validated once at start. Each variable is
// documented in .env.example and README's configuration table; keep the three in step.
import { z } from "zod";
import { DEFAULT_REFERRAL_RULES, REFERRAL_RULES } from "../growth/referral-rules.js";

const onOff = z
  .enum(["on", "off", "1", "0", "true", "false", "yes", "no"], { message: "use on or off" })
  .transform((v) => ["on", "1", "true", "yes"].includes(v));

// TRUST_PROXY: off, a number of proxy hops, or proxy addresses/CIDRs (and proxy-addr's names
// loopback, linklocal, uniquelocal), comma-separated. Only then are X-Forwarded-* believed.
const trustProxy = z.string().transform((raw, ctx): boolean | number | string => {
  const v = raw.trim().toLowerCase();
  if (["off", "false", "no", "0"].includes(v)) return false;
  if (/^\d+$/.test(v)) return Number(v);
  const parts = v.split(",").map((p) => p.trim());
  if (parts.every((p) => /^(loopback|linklocal|uniquelocal|[0-9a-f:.]+(\/\d{1,3})?)$/.test(p))) return parts.join(",");
  ctx.addIssue({ code: "custom", message: "use off, a number of proxy hops, or proxy addresses/CIDRs such as 127.0.0.1,10.0.0.0/8" });
  return z.NEVER;
});

const hour = z.coerce.number().int().min(0).max(23);
const rate = z.coerce.number().gt(0, "must be above 0 (messages per second)");

// WHATSAPP_CLOUD_TEMPLATES: message kind → language → approved template name. Meta names
// templates with lowercase letters, digits and underscores only.
const templateName = z.string().regex(/^[a-z0-9_]{1,512}$/, "template names use only a-z, 0-9 and _");
const cloudTemplates = z
  .string()
  .transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: 'must be JSON such as {"reminder":{"id":"balanting_pengingat"}}' });
      return z.NEVER;
    }
  })
  .pipe(
    z.record(
      z.string().regex(/^[a-z][a-z_]*$/),
      z.strictObject(
        { id: templateName.optional(), bjn: templateName.optional() },
        { error: (i) => (i.code === "unrecognized_keys" ? "languages are id and bjn" : 'use {"id":"<template>","bjn":"<template>"}') },
      ),
      {
        error: (i) =>
          i.code === "invalid_key"
            ? "message kinds are lowercase words (reminder, broadcast…)"
            : 'must be an object such as {"reminder":{"id":"balanting_pengingat"}}',
      },
    ),
  );

// GROWTH_REFERRAL_RULES: which weighing results refer a child (growth/referral-rules.ts), e.g. "T,BGM,obese".
const referralRules = z
  .string()
  .transform((raw) => [...new Set(raw.split(/[\s,]+/).filter(Boolean))])
  .pipe(z.array(z.enum(REFERRAL_RULES, { message: `use some of ${REFERRAL_RULES.join(", ")}, separated by commas` })));

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  /** PostgreSQL connections this process opens at most (postgres.js pool). */
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /**
   * Inbound messages handled at once in this process; one more is refused with 503 (the provider
   * delivers it again) instead of waiting in memory without bound. At the ~1,300 messages/s one
   * PostgreSQL instance takes here, 64 was 50 ms of arrivals: a pause of the event loop or the
   * database that long (a GC, a checkpoint) refused messages; 128 rides out 100 ms.
   */
  INBOUND_MAX_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(128),
  TIMEZONE: z.string().min(1).default("Asia/Makassar"),
  PUBLIC_URL: z.url({ message: "must be a full URL such as https://bot.example.org" }).optional(),
  WEB_CHAT: onOff.optional(),
  WEB_CHAT_STAFF_ROLES: onOff.default(false),
  TRUST_PROXY: trustProxy.default(false),
  REMINDER_HOUR: hour.default(8),
  QUIET_HOURS_START: hour.default(21),
  QUIET_HOURS_END: hour.default(6),
  GROWTH_REFERRAL_RULES: referralRules.default([...DEFAULT_REFERRAL_RULES]),
  PRIVACY_CONTROLLER: z.string().trim().min(3).max(200).default("Dinas Kesehatan Kabupaten Balangan / Pokja Balanting"),
  PRIVACY_CONTACT: z.string().trim().min(3).max(300).default("bidan desa, puskesmas, atau Dinas Kesehatan Kabupaten Balangan"),
  RETENTION_DAYS: z.coerce.number().int().min(7).max(3650).default(180),
  NIK_KEY: z.string().min(32, "must be 32 bytes as 64 hex characters or base64").optional(),
  NIK_KEY_FILE: z.string().min(1).default("./secrets/nik.key"),
  ADMIN_BOOTSTRAP_TOKEN: z.string().min(24, "must be at least 24 characters").optional(),
  METRICS_TOKEN: z.string().min(24, "must be at least 24 characters").optional(),
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[\w-]+$/, "does not look like a bot token (123456:ABC…)")
    .optional(),
  TELEGRAM_MODE: z.enum(["polling", "webhook"]).default("polling"),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, "may contain only A-Z, a-z, 0-9, _ and - (Telegram's rule)")
    .optional(),
  TELEGRAM_API_ROOT: z.url().default("https://api.telegram.org"),
  WHATSAPP_BAILEYS: onOff.default(false),
  WHATSAPP_PHONE: z
    .string()
    .regex(/^\d{8,15}$/, "digits only, with country code, e.g. 6281234567890")
    .optional(),
  WHATSAPP_SEND_INTERVAL_MS: z.coerce.number().int().min(0).default(2000),
  /** How long bulk and first-contact WhatsApp sends pause after a warning that gives no end time (error 463). */
  WHATSAPP_SAFETY_PAUSE_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
  WHATSAPP_CLOUD_TOKEN: z.string().min(1).optional(),
  WHATSAPP_CLOUD_PHONE_ID: z.string().regex(/^\d+$/, "digits only").optional(),
  WHATSAPP_CLOUD_APP_SECRET: z.string().min(1).optional(),
  WHATSAPP_CLOUD_VERIFY_TOKEN: z.string().min(1).optional(),
  WHATSAPP_CLOUD_API_ROOT: z.url().default("https://graph.facebook.com/v21.0"),
  WHATSAPP_CLOUD_TEMPLATES: cloudTemplates.default({}),
  // Outbound pacing (README "Pacing"): per channel and per recipient, so providers never answer 429.
  OUTBOUND_TELEGRAM_PER_SECOND: rate.default(30),
  OUTBOUND_TELEGRAM_PER_CHAT_PER_SECOND: rate.default(1),
  OUTBOUND_WA_CLOUD_PER_SECOND: rate.default(80),
  /** Share of each per-second limit left unused, so network jitter cannot push a burst over it. */
  OUTBOUND_HEADROOM: z.coerce.number().min(0).max(0.5).default(0.03),
  OUTBOUND_WA_CLOUD_TIER: z.coerce.number().int().min(0).default(1000),
  OUTBOUND_WA_CLOUD_BULK_SHARE: z.coerce.number().gt(0).max(1).default(0.8),
  OUTBOUND_BAILEYS_PER_MINUTE: z.coerce.number().int().min(1).default(8),
  OUTBOUND_BAILEYS_PER_HOUR: z.coerce.number().int().min(1).default(200),
  OUTBOUND_BAILEYS_PER_DAY: z.coerce.number().int().min(1).default(1500),
  OUTBOUND_BAILEYS_JITTER_MS: z.coerce.number().int().min(0).default(3000),
  /** How often an instance looks for rows queued by another instance (ms). */
  OUTBOUND_POLL_MS: z.coerce.number().int().min(20).default(1000),
  /** Leases of sender instances and channel senders (ms); a crashed instance's rows return after it. */
  OUTBOUND_LEASE_MS: z.coerce.number().int().min(300).max(30_000).default(15_000),
  /** First wait after a transient failure (ms), doubling with jitter up to OUTBOUND_RETRY_MAX_MS. */
  OUTBOUND_RETRY_BASE_MS: z.coerce.number().int().min(0).default(5_000),
  OUTBOUND_RETRY_MAX_MS: z.coerce.number().int().min(0).default(600_000),
  /** Transient failures of one message before it is given up as failed. */
  OUTBOUND_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(12),
  /** Campaigns approved by a second pokja_admin: regency-wide ones (default), all, or none (README "Campaigns"). */
  CAMPAIGN_APPROVAL: z.enum(["regency", "all", "off"], { message: "use regency, all or off" }).default("regency"),
  /** Campaign recipients queued into the outbox per statement. */
  CAMPAIGN_QUEUE_BATCH: z.coerce.number().int().min(100).max(50_000).default(5_000),
  /** Messages of a running campaign kept waiting in the outbox; the minute job tops them up. */
  CAMPAIGN_QUEUE_AHEAD: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
});

type Env = z.infer<typeof EnvSchema>;

export interface Config extends Omit<Env, "WEB_CHAT"> {
  /** Web chat is on by default with the embedded database (a local try-out) and off on PostgreSQL. */
  WEB_CHAT: boolean;
  /** "pglite" when no DATABASE_URL is given. */
  database: "pglite" | "postgres";
}

/** Thrown with one readable line per bad or missing variable; main() prints it without a stack. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads and validates the configuration from an environment (process.env by default). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (FOO=) means "not set", as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.TELEGRAM_MODE === "webhook" && e.TELEGRAM_BOT_TOKEN && !e.TELEGRAM_WEBHOOK_SECRET) {
    problems.push("TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_MODE=webhook");
  }
  const cloud = [e.WHATSAPP_CLOUD_TOKEN, e.WHATSAPP_CLOUD_PHONE_ID, e.WHATSAPP_CLOUD_APP_SECRET, e.WHATSAPP_CLOUD_VERIFY_TOKEN];
  if (cloud.some(Boolean) && !cloud.every(Boolean)) {
    problems.push(
      "WHATSAPP_CLOUD_*: set all of WHATSAPP_CLOUD_TOKEN, WHATSAPP_CLOUD_PHONE_ID, WHATSAPP_CLOUD_APP_SECRET and WHATSAPP_CLOUD_VERIFY_TOKEN, or none",
    );
  }
  if (e.QUIET_HOURS_START === e.QUIET_HOURS_END) {
    problems.push("QUIET_HOURS_END: must differ from QUIET_HOURS_START");
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const database = e.DATABASE_URL ? "postgres" : "pglite";
  return { ...e, database, WEB_CHAT: e.WEB_CHAT ?? database === "pglite" };
}
