// Structured logs with pino. Children's health data must not reach the logs (UU PDP 27/2022):
// code logs ids and counts, never names, numbers or message text, and these paths are redacted
// as a second line of defence in case an object carrying them is logged whole.
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

/** Creates the process logger; Fastify uses the same instance (and its `req` serializer). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: "[redacted]" }, serializers: { req: requestForLog }, mixin: requestIdMixin },
    destination,
  );
}

/**
 * An error reduced to what is safe to log: names, our own wrapping messages and database error
 * codes, but not a driver's message, which can quote the SQL parameters (names, phone numbers).
 */
export function safeError(err: unknown): Record<string, unknown> {
  const chain: string[] = [];
  let code: unknown;
  let current: unknown = err;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    const message = /^(Failed query|insert|update|select|delete)/i.test(current.message) ? "(query)" : current.message;
    chain.push(`${current.name}: ${message.slice(0, 200)}`);
    code ??= (current as { code?: unknown }).code;
    current = (current as { cause?: unknown }).cause;
  }
  return { error: chain.join(" <- "), code };
}
