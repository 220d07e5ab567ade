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
