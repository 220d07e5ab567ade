// Which Graph API failures are worth retrying. Codes from Meta's "WhatsApp error codes" page
// (developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes);
// Meta advises deciding on `code`, not on titles or message text. Only the code and the HTTP
// status go into the SendError message: Meta's details can quote the recipient.
import { SendError } from "../channel.js";

/**
 * Rate limits, with how long to wait when Meta sends no Retry-After:
 * - 4 (application request limit) and 80007 (WhatsApp Business Account rate limit) are counted
 *   per hour: wait a minute before trying again;
 * - 130429 (Cloud API throughput, 80 messages/s per number by default): a couple of seconds;
 * - 131056 (pair rate limit: too many messages to the same person, about one per 6 s): 6 s.
 */
export const RATE_LIMIT_BACKOFF_MS: Readonly<Record<number, number>> = {
  4: 60_000,
  80007: 60_000,
  130429: 2_000,
  131056: 6_000,
};

/** A 429 without a code or Retry-After. */
const DEFAULT_429_BACKOFF_MS = 30_000;

/**
 * Transient failures on Meta's side: 1 (unknown API error), 2 (API service temporarily down),
 * 131000 (something went wrong), 131016 (service unavailable), 133004 (server temporarily unavailable).
 */
const TRANSIENT = new Set([1, 2, 131000, 131016, 133004]);

/**
 * Never retried (listed for the reader; any other 4xx is final too): 100 invalid parameter, 190
 * expired token, 131026 undeliverable (not on WhatsApp, old app, or not accepted terms), 131047
 * re-engagement (more than 24 hours since the person's last message), 131048 spam rate limit.
 */
export const FINAL = new Set([100, 190, 131026, 131047, 131048]);

export interface GraphErrorBody {
  error?: { code?: unknown; error_subcode?: unknown };
}

/** Graph error code of a response body, when it has one. */
export function graphErrorCode(body: unknown): number | undefined {
  const code = (body as GraphErrorBody | null)?.error?.code;
  if (typeof code === "number") return code;
  // Some relays send the code as a string.
  if (typeof code === "string" && /^\d+$/.test(code)) return Number(code);
  return undefined;
}

/** Retry-After in ms: seconds or an HTTP date. */
export function parseRetryAfter(header: string | null | undefined, now: Date): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** The SendError for a failed Graph API response. */
export function classifyGraphError(status: number, body: unknown, retryAfter?: number): SendError {
  const code = graphErrorCode(body);
  const what = `whatsapp-cloud: HTTP ${status}${code !== undefined ? `, Graph error ${code}` : ""}`;
  if (code !== undefined && code in RATE_LIMIT_BACKOFF_MS) {
    // 131056 is the pair limit (one recipient); the others hold the whole number.
    const scope = code === 131056 ? "recipient" : "channel";
    return new SendError(`${what} (rate limit)`, true, retryAfter ?? RATE_LIMIT_BACKOFF_MS[code], { rateLimited: true, scope });
  }
  if (status === 429) return new SendError(`${what} (rate limit)`, true, retryAfter ?? DEFAULT_429_BACKOFF_MS, { rateLimited: true });
  if (code !== undefined && FINAL.has(code)) {
    const why = code === 131047 ? " (outside the 24-hour window)" : code === 131026 ? " (undeliverable)" : "";
    return new SendError(`${what}${why}`, false);
  }
  if (status === 401 || status === 403) return new SendError(`${what} (access token or permission)`, false);
  if (status >= 500 || (code !== undefined && TRANSIENT.has(code))) return new SendError(what, true, retryAfter);
  return new SendError(what, false);
}

/** The SendError for a request that got no response (DNS, refused, reset, timeout): retry. */
export function networkError(err: unknown): SendError {
  const name = err instanceof Error ? (err.name === "TimeoutError" ? "timeout" : err.name) : "error";
  return new SendError(`whatsapp-cloud: network ${name}`, true);
}
