// Admin-only page data for pairing: the QR code waiting to be scanned, as an SVG image, for a
// signed-in Pokja admin (session or API token), or with ADMIN_BOOTSTRAP_TOKEN as a bearer token
// while no Pokja admin account exists (the token is for setting up, not a lasting key).
import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import QRCode from "qrcode";

export interface QrRouteOptions {
  /** The pending QR string from Baileys, or null when none is waiting. */
  currentQr: () => string | null;
  /** ADMIN_BOOTSTRAP_TOKEN; when unset, only a Pokja admin account may see the QR over HTTP. */
  adminToken: string | undefined;
  /** True once a pokja_admin account exists; from then on the bootstrap token is refused. */
  adminExists?: () => Promise<boolean>;
  /** True when the request comes from a signed-in Pokja admin (given by the composition root). */
  isPokjaAdmin?: (request: FastifyRequest) => Promise<boolean>;
  /** The connection state (adapter.status()), for GET /admin/whatsapp/status. */
  status?: () => string;
  /** WhatsApp's restrictions in force (adapter.safety()), for GET /admin/whatsapp/status. */
  safety?: () => unknown;
}

/** Constant-time comparison of the presented bearer token with the configured one. */
export function isAdminBearer(authorization: string | undefined, adminToken: string | undefined): boolean {
  if (!adminToken || !authorization) return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(adminToken);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Fastify plugin: GET /admin/whatsapp/qr → 401 without the token, 404 with no QR, else SVG;
 * GET /admin/whatsapp/status → {status, qrWaiting, safety} for the same callers (the staff console);
 * safety is {paused, restrictions: [{cause, since, liftsAt, detail}]}.
 */
export function whatsAppQrRoutes(options: QrRouteOptions): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    const allowed = async (request: FastifyRequest) => {
      const bootstrap = isAdminBearer(request.headers.authorization, options.adminToken) && !((await options.adminExists?.()) ?? true);
      return bootstrap || ((await options.isPokjaAdmin?.(request)) ?? false);
    };
    app.get("/admin/whatsapp/status", async (request: FastifyRequest, reply) => {
      if (!(await allowed(request))) return reply.status(401).send({ error: "unauthorized", message: "Sign in as a Pokja admin." });
      return reply.header("cache-control", "no-store").send({
        status: options.status?.() ?? "unknown",
        qrWaiting: options.currentQr() !== null,
        safety: options.safety?.() ?? { paused: false, restrictions: [] },
      });
    });
    app.get("/admin/whatsapp/qr", async (request: FastifyRequest, reply) => {
      if (!(await allowed(request))) {
        return reply.status(401).header("www-authenticate", "Bearer").send({
          error: "unauthorized",
          message: "Sign in as a Pokja admin (the bootstrap token works only until the first Pokja admin exists).",
        });
      }
      const qr = options.currentQr();
      if (!qr) {
        return reply.status(404).send({ error: "not_found", message: "No WhatsApp QR code is waiting to be scanned." });
      }
      const svg = await QRCode.toString(qr, { type: "svg", margin: 2 });
      // A QR links a device to the service's WhatsApp account: never cache it anywhere.
      return reply.status(200).header("cache-control", "no-store").type("image/svg+xml").send(svg);
    });
  };
}
