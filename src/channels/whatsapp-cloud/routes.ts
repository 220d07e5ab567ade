// The webhook Meta calls: GET for the subscription handshake, POST for messages and statuses.
// The POST body is checked against X-Hub-Signature-256 over its RAW bytes, so JSON parsing is
// done here after the check, by a content-type parser that lives only in this plugin's scope.
import type { FastifyInstance } from "fastify";
import type { Logger } from "../../lib/log.js";
import { verifyHubSignature, verifySubscription } from "./signature.js";

export const WEBHOOK_PATH = "/webhooks/whatsapp";

export interface WebhookDeps {
  appSecret: string;
  verifyToken: string;
  log: Logger;
  /** Takes a verified body; resolves when it is stored ("ok"), else Meta must deliver it again. */
  receive(body: unknown): Promise<"ok" | "stopping" | "unavailable">;
}

/** The Fastify plugin with both webhook routes. */
export function webhookRoutes(deps: WebhookDeps): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    // An encapsulated child scope, so the raw-body JSON parser does not replace the app's own,
    // whether app.ts registers this plugin or calls it directly.
    await app.register(async (scope) => {
      scope.addContentTypeParser("application/json", { parseAs: "buffer" }, (_request, body, done) => done(null, body));

      // Warn level only: the request log line would carry hub.verify_token in its URL.
      scope.get(WEBHOOK_PATH, { logLevel: "warn" }, async (request, reply) => {
        const check = verifySubscription(request.query as Record<string, unknown>, deps.verifyToken);
        if (!check.ok) {
          deps.log.warn("whatsapp-cloud: webhook verification refused");
          return reply.status(403).send({ error: "forbidden", message: "Verification failed." });
        }
        return reply.status(200).type("text/plain").send(check.challenge);
      });

      // A message path: no request context (src/lib/request-context.ts); its lines name the request's id themselves.
      scope.post(WEBHOOK_PATH, { config: { messagePath: true } }, async (request, reply) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        if (!verifyHubSignature(deps.appSecret, raw, request.headers["x-hub-signature-256"])) {
          deps.log.warn({ reqId: request.id, bytes: raw.length }, "whatsapp-cloud: webhook with a bad or missing signature");
          return reply.status(401).send({ error: "bad_signature", message: "Missing or invalid X-Hub-Signature-256." });
        }
        let body: unknown;
        try {
          body = JSON.parse(raw.toString("utf8"));
        } catch {
          return reply.status(400).send({ error: "bad_request", message: "Body is not JSON." });
        }
        // Acknowledged only once stored (the inbound ledger): Meta delivers again on anything but
        // 200, so a crash or a database outage before this point loses nothing. Replies are sent
        // after this answer.
        const outcome = await deps.receive(body);
        if (outcome !== "ok") {
          return reply
            .status(503)
            .header("retry-after", "5")
            .send({
              error: "unavailable",
              message: outcome === "stopping" ? "Stopping; deliver again later." : "Not stored; deliver again later.",
            });
        }
        return reply.status(200).send({ status: "ok" });
      });
    });
  };
}
