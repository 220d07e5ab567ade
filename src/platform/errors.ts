// Errors of the domain: what went wrong in the domain's words (not found, not allowed, a
// conflict, an invalid field). Domain code throws these and knows nothing of HTTP; the one HTTP
// error handler (platform/http/errors.ts) gives each kind its status.
export type DomainErrorKind = "not_found" | "forbidden" | "conflict" | "invalid";

/** A field of a request that is wrong, named as the API names it ("body.desaCode"). */
export interface FieldProblem {
  field: string;
  reason: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    /** A stable code clients can branch on: "not_found", "username_taken", "validation_failed" … */
    readonly code: string,
    message: string,
    readonly fields?: FieldProblem[],
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/** The code of every failed validation, by a schema or by a rule (one scheme for the whole API). */
export const VALIDATION_FAILED = "validation_failed";

export const notFound = (what: string) => new DomainError("not_found", "not_found", `${what} not found`);
export const forbidden = (message = "Your role may not do this") => new DomainError("forbidden", "forbidden", message);
export const conflict = (code: string, message: string) => new DomainError("conflict", code, message);
export const badField = (field: string, reason: string) => invalidFields(`${field} ${reason}`, [{ field, reason }]);
export const invalidFields = (message: string, fields: FieldProblem[]) => new DomainError("invalid", VALIDATION_FAILED, message, fields);

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
