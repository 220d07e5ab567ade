// Which failures come from the database (unreachable, restarting, a conflict, a failed query)
// rather than from our own code. An inbound message that failed on the database is not
// acknowledged, so the channel delivers it again once the database is back.
import { DrizzleQueryError } from "drizzle-orm";

/** postgres.js connection failures and Node's socket errors. */
const CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
/** SQLSTATE: five characters (PostgreSQL Appendix A); PGlite reports the same codes. */
const SQLSTATE = /^[0-9A-Z]{5}$/;

/** True when err, or anything in its cause chain, is a database or database-connection error. */
export function isDatabaseError(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; current instanceof Error && depth < 6; depth++) {
    if (current instanceof DrizzleQueryError || current.name === "PostgresError") return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && (CONNECTION_CODES.has(code) || SQLSTATE.test(code))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * True when err (or its cause chain) says the database cannot be reached or is not taking work
 * now: a connection failure, SQLSTATE class 08, 57P01–57P03 (shutting down, starting) or 53300
 * (too many connections). Requests failing so answer 503, not 500. A failed query is not this.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; current instanceof Error && depth < 6; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && (CONNECTION_CODES.has(code) || code.startsWith("08") || /^57P0[123]$/.test(code) || code === "53300"))
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
