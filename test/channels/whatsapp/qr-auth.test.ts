// The pairing QR is for the Pokja only: a pokja_admin session or API token, or the bootstrap token
// while no pokja_admin exists yet.
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pokjaAdminExists, staffOfRequest } from "../../../src/admin/auth.js";
import { whatsAppQrRoutes } from "../../../src/channels/whatsapp/routes.js";
import { seedWorld, type World } from "../../admin/fixture.js";
import { createTestRuntime, type TestRuntime } from "../../helpers/runtime.js";

describe("GET /admin/whatsapp/qr", () => {
  let rt: TestRuntime;
  let w: World;
  let app: FastifyInstance;
  const BOOTSTRAP = "b".repeat(32);
  beforeAll(async () => {
    rt = await createTestRuntime();
    app = Fastify();
    await app.register(
      whatsAppQrRoutes({
        currentQr: () => "2@pairing-ref,abc,def",
        status: () => "connecting",
        adminToken: BOOTSTRAP,
        isPokjaAdmin: async (request) => (await staffOfRequest(rt.db, request.headers, rt.clock.now()))?.role === "pokja_admin",
        adminExists: () => pokjaAdminExists(rt.db),
      }),
    );
  });
  afterAll(async () => {
    await app?.close();
    await rt?.close();
  });

  const get = (headers: Record<string, string>) => app.inject({ method: "GET", url: "/admin/whatsapp/qr", headers });

  it("shows the QR with the bootstrap token while no Pokja admin exists, then only to a Pokja admin", async () => {
    expect((await get({ authorization: `Bearer ${BOOTSTRAP}` })).statusCode).toBe(200);
    w = await seedWorld(rt);
    const admin = await get({ cookie: w.cookie.admin });
    expect(admin.statusCode).toBe(200);
    expect(admin.headers["content-type"]).toMatch(/image\/svg\+xml/);
    expect((await get({ authorization: `Bearer ${BOOTSTRAP}` })).statusCode).toBe(401);
  });

  it("refuses other staff and strangers", async () => {
    expect((await get({ cookie: w.cookie.puskP })).statusCode).toBe(401);
    expect((await get({ authorization: "Bearer blt_not-a-token" })).statusCode).toBe(401);
    expect((await get({})).statusCode).toBe(401);
  });

  it("tells the connection state (the staff console's WhatsApp page) to the same callers only", async () => {
    const status = (headers: Record<string, string>) => app.inject({ method: "GET", url: "/admin/whatsapp/status", headers });
    const admin = await status({ cookie: w.cookie.admin });
    expect(admin.statusCode).toBe(200);
    expect(admin.json()).toEqual({ status: "connecting", qrWaiting: true, safety: { paused: false, restrictions: [] } });
    expect(admin.headers["cache-control"]).toBe("no-store");
    expect((await status({ cookie: w.cookie.puskP })).statusCode).toBe(401);
    expect((await status({})).statusCode).toBe(401);
  });
});
