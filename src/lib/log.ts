// Structured logs with pino. Children's health data must not reach the logs (UU PDP 27/2022):
// code logs ids and counts, never names, numbers or message text, and these paths are redacted
// as a second line of defence in case an object carrying them is logged whole.
//
// Errors are logged one way only: `log.error({ err }, "what failed")` (or `log.error(err, …)`).
// pino passes every `err` (and `error`, `trace`, which libraries such as Baileys use) through
// safeError below, so no call site can write a driver's message with the query's parameters
// (names, phone numbers, WhatsApp keys) or a library's request payload to the log.
import { pino, type Logger } from "pino";
import { requestIdMixin } from "./request-context.js";

export type { Logger };

export const REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-telegram-bot-api-secret-token"]',
  'req.headers["x-hub-signature-256"]',
  "res.headers['set-cookie']",
  ...["phone", "address", "text", "name", "nik", "motherName", "body", "password", "token"].flatMap((k) => [k, `*.${k}`]),
];

/**
 * A request as logged: method and path, never the query string, which can carry what staff
 * searched for (a child's name in GET /api/v1/children?q=…), nor the caller's address.
 */
export function requestForLog(req: { method?: string; url?: string }): { method?: string; url?: string } {
  return { method: req.method, url: req.url?.split("?")[0] };
}

/** The serializers every logger of the service uses (children inherit them). */
export const LOG_SERIALIZERS = {
  req: requestForLog,
  err: safeError,
  error: (value: unknown): unknown => (value instanceof Error ? safeError(value) : typeof value === "string" ? safeText(value) : value),
  trace: (value: unknown): unknown => (typeof value === "string" ? safeText(value) : undefined),
};

/** Creates the process logger; Fastify and every adapter use the same instance or its children. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: "[redacted]" }, serializers: LOG_SERIALIZERS, mixin: requestIdMixin },
    destination,
  );
}

/**
 * A message with what could be personal or secret taken out: a driver's "Failed query …" (it
 * quotes the parameters), anything in quotes (PostgreSQL quotes the offending value), runs of six
 * or more digits (phone numbers, NIK, chat ids) and long tokens (keys, bot tokens, base64).
 */
export function safeText(text: string): string {
  if (/^\s*(Failed query|insert|update|select|delete|with)\b/i.test(text)) return "(query)";
  return text
    .replace(/(Failed query|params):[\s\S]*/gi, "(query)")
    .replace(/"[^"]*"|'[^']*'|`[^`]*`/g, '"…"')
    .replace(/[A-Za-z0-9+/=_:-]{24,}/g, "…")
    .replace(/\+?\d[\d\s.-]{4,}\d/g, "#")
    .slice(0, 200);
}

/**
 * An error reduced to what is safe to log: the names and (cleaned) messages of the error and its
 * causes, and codes (SQLSTATE, HTTP status, Bot API error code). Never the rest of a library
 * error's fields: a database error carries the query's parameters and detail ("Failing row
 * contains …"), a grammY error the request payload with the chat id and the text.
 */
export function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const chain: string[] = [];
  let code: unknown;
  let current: unknown = err;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    chain.push(`${current.name}: ${safeText(current.message)}`);
    const fields = current as { code?: unknown; error_code?: unknown; statusCode?: unknown; cause?: unknown; error?: unknown };
    for (const c of [fields.code, fields.error_code, fields.statusCode]) {
      if (code === undefined && (typeof c === "string" || typeof c === "number")) code = typeof c === "string" ? safeText(c) : c;
    }
    // grammY's BotError keeps what the middleware threw in `error`, not `cause`.
    current = fields.cause ?? fields.error;
  }
  return { type: err.name, message: chain.join(" <- "), ...(code !== undefined ? { code } : {}) };
}
