// Bad input never gets a 5xx: arbitrary requests to every route the app serves (property-based,
// fast-check).
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestArbitrary, startFuzzWorld, type FuzzWorld } from "./helpers/http-fuzz.js";

describe("every route, fuzzed", () => {
  let world: FuzzWorld;
  beforeAll(async () => {
    world = await startFuzzWorld();
  }, 240_000);
  afterAll(async () => {
    await world?.close();
  });

  it("finds the routes of every part of the service", () => {
    const urls = world.routes.map((r) => `${r.method} ${r.url}`);
    for (const expected of ["POST /webhooks/telegram", "POST /webhooks/whatsapp", "POST /api/v1/chat/messages", "PATCH /api/v1/measurements/:id", "GET /api/v1/me/chat-links", "GET /ready"]) {
      expect(urls).toContain(expected);
    }
  });

  it("answers arbitrary requests with anything but a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(requestArbitrary(world), async (request) => {
        const res = await world.app.inject(request);
        expect(res.statusCode, `${request.method} ${request.url}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
    await world.hub.idle();
  }, 300_000);
});
