// The one HTTP error handler and error shape: { error, message, fields? }. Every route (admin API,
// webhooks, web chat) answers failures this way; 5xx details stay in the log, never in the response.
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { InboundUnavailableError } from "../../channels/channel.js";
import { isDatabaseUnavailable } from "../../db/errors.js";
import { DomainError, VALIDATION_FAILED, type DomainErrorKind, type FieldProblem } from "../errors.js";
import { validationFields } from "./validation.js";

/** An error that only exists at the HTTP edge: sign-in required (401), too many attempts (429) … */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldProblem[],
    /** Sent as Retry-After (seconds) with 429s. */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

const STATUS: Record<DomainErrorKind, number> = { invalid: 400, forbidden: 403, not_found: 404, conflict: 409 };

type AnyError = FastifyError & { validation?: unknown };

/** Register with app.setErrorHandler(httpErrorHandler); encapsulated plugins inherit it. */
export function httpErrorHandler(error: AnyError, request: FastifyRequest, reply: FastifyReply) {
  // The database away (or the inbound queue full) is not our fault and passes: 503, try again.
  if (error instanceof InboundUnavailableError || (!error.statusCode && isDatabaseUnavailable(error))) {
    request.log.warn({ err: error }, "request refused: database unavailable or busy");
    return reply.status(503).header("retry-after", "5").send({ error: "unavailable", message: "Busy or unavailable; try again shortly." });
  }
  if (error.validation) {
    const fields = validationFields(error.validationContext ?? "request", error.validation as never);
    const first = fields[0];
    return reply
      .status(400)
      .send({ error: VALIDATION_FAILED, message: first ? `${first.field} ${first.reason}` : "The request is not valid", fields });
  }
  if (error instanceof DomainError) {
    return reply
      .status(STATUS[error.kind])
      .send({ error: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) });
  }
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  if (status >= 500) {
    request.log.error({ err: error }, "request failed");
    return reply.status(status).send({ error: "internal_error", message: "Something went wrong on our side." });
  }
  if (error instanceof HttpError) {
    if (error.retryAfterS !== undefined) void reply.header("retry-after", String(error.retryAfterS));
    return reply.status(status).send({ error: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) });
  }
  // Fastify's own 4xx (bad JSON, wrong content type, body too large).
  return reply.status(status).send({ error: (error.code ?? "bad_request").toLowerCase(), message: error.message });
}
