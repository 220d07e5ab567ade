// GET /metrics (Prometheus text format) and the HTTP figures behind it. The endpoint is off unless
// METRICS_TOKEN is set, and then answers only `Authorization: Bearer <METRICS_TOKEN>` — a token,
// not an address list, because behind a reverse proxy every caller can look like 127.0.0.1.
// Also here: each request's id for log lines written outside Fastify's request logger.
import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { enterRequestContext } from "../lib/request-context.js";
import type { Runtime } from "../runtime.js";
import { errors, httpResponses, registerDatabaseGauges, scrape } from "./index.js";

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function metricsPlugin(app: FastifyInstance, rt: Runtime): Promise<void> {
  // Request ids on the lines domain code writes (src/lib/request-context.ts); not on the message
  // path's webhooks (route config `messagePath`), where the context's cost falls on every message.
  app.addHook("onRequest", (request, reply, done) => {
    if ((request.routeOptions.config as { messagePath?: boolean }).messagePath) return done();
    const leave = enterRequestContext(request.id, done);
    reply.raw.once("close", leave);
  });
  app.addHook("onResponse", async (request, reply) => {
    const status = reply.statusCode;
    // The route's pattern (/api/v1/children/:id), never the path itself: ids and search terms stay out.
    httpResponses.inc({ route: request.routeOptions.url ?? "(none)", status: `${Math.floor(status / 100)}xx` });
    if (status >= 500 && status !== 503) errors.inc({ place: "http" });
  });

  const token = rt.config.METRICS_TOKEN;
  if (!token) return;
  const unregister = registerDatabaseGauges(rt.db, rt.engine === "postgres" ? rt.config.DB_POOL_MAX : null);
  app.addHook("onClose", async () => unregister());
  app.get("/metrics", { schema: { hide: true } }, async (request, reply) => {
    const header = request.headers.authorization ?? "";
    if (!header.startsWith("Bearer ") || !sameSecret(header.slice(7), token)) {
      return reply
        .status(401)
        .header("www-authenticate", "Bearer")
        .send({ error: "unauthorized", message: "Metrics need the bearer token." });
    }
    const { contentType, body } = await scrape();
    return reply.type(contentType).send(body);
  });
}
