// The request a piece of work belongs to, so every log line written while handling it (in the
// conversation, the outbox, the channel adapters, which log through the process logger) carries
// the request's id, as Fastify's own request logger does. AsyncLocalStorage follows the awaits.
import { AsyncLocalStorage } from "node:async_hooks";
import type { Logger } from "pino";

export const requestContext = new AsyncLocalStorage<{ reqId: string }>();

/** pino mixin: the current request's id, unless the logger already binds one (Fastify's request.log). */
export function requestIdMixin(_merge: object, _level: number, logger: Logger): Record<string, unknown> {
  const store = requestContext.getStore();
  if (!store) return {};
  if ("reqId" in logger.bindings()) return {};
  return { reqId: store.reqId };
}

/** A short id, like Fastify's request ids (src/app.ts genReqId). */
export const newRequestId = (): string => Math.random().toString(36).slice(2, 10);

/**
 * Runs work that does not come through HTTP (a polled Telegram update, a WhatsApp message, a job
 * run) under an id of its own, so its log lines can be followed like a request's.
 */
export function withRequestId<T>(work: () => Promise<T>): Promise<T> {
  return requestContext.getStore() ? work() : requestContext.run({ reqId: newRequestId() }, work);
}
