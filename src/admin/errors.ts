// One error type for the admin API; the plugin's error handler turns it into
// { error, message, fields? } with its status.
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly fields?: { field: string; reason: string }[],
    /** Sent as Retry-After (seconds) with 429s. */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export const notFound = (what: string) => new HttpError(404, "not_found", `${what} not found`);
export const forbidden = (message = "Your role may not do this") => new HttpError(403, "forbidden", message);
export const conflict = (code: string, message: string) => new HttpError(409, code, message);
export const badField = (field: string, reason: string) =>
  new HttpError(400, "validation_failed", `${field} ${reason}`, [{ field, reason }]);

/** Postgres error codes the API maps to 409 rather than 500. */
export function pgErrorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
export const UNIQUE_VIOLATION = "23505";
export const FOREIGN_KEY_VIOLATION = "23503";
