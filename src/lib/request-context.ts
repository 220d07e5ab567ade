// The request a piece of work belongs to, so every log line written while handling it (in the
// domain code, the outbox, the channel adapters, which log through the process logger) carries
// the request's id, as Fastify's own request logger does. AsyncLocalStorage follows the awaits.
//
// It is switched on only while such work runs. Once on, Node 20 runs a hook for every promise
// the process creates, whatever it belongs to: on the inbound message path that cost 6–12% of
// the service's throughput (BENCHMARKS.md). So it is counted in and out, and disabled when no
// work holds it; the webhook routes, where messages arrive by the thousand and are handled in
// shared batches anyway, do not take it (their handlers name the request's id on their own lines).
import { AsyncLocalStorage } from "node:async_hooks";
import type { Logger } from "pino";

export const requestContext = new AsyncLocalStorage<{ reqId: string }>();
let holders = 0;

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
 * Runs `start` (and what it goes on to, through its awaits) under `reqId`; returns the function
 * that lets the context go once that work is over. The last holder switches it off.
 */
export function enterRequestContext(reqId: string, start: () => void): () => void {
  holders++;
  let left = false;
  requestContext.run({ reqId }, start);
  return () => {
    if (left) return;
    left = true;
    if (--holders === 0) requestContext.disable();
  };
}

/**
 * Runs work that does not come through HTTP (a polled Telegram update, a WhatsApp message, a job
 * run) under an id of its own, so its log lines can be followed like a request's.
 */
export function withRequestId<T>(work: () => Promise<T>): Promise<T> {
  // Inside work that already holds it (getStore() is undefined while the context is off).
  if (requestContext.getStore()) return work();
  let running!: Promise<T>;
  const leave = enterRequestContext(newRequestId(), () => {
    running = work();
  });
  return running.finally(leave);
}
