// Bad input never gets a 5xx: arbitrary requests to every route the app serves (property-based,
// fast-check).
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FUZZ_CLOUD_SECRET, FUZZ_TELEGRAM_SECRET, requestArbitrary, startFuzzWorld, type FuzzWorld } from "./helpers/http-fuzz.js";

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
    for (const expected of [
      "POST /webhooks/telegram",
      "POST /webhooks/whatsapp",
      "POST /api/v1/chat/messages",
      "PATCH /api/v1/measurements/:id",
      "GET /api/v1/me/chat-links",
      "GET /ready",
    ]) {
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

  // Near-valid provider bodies with the right secret or signature: each field of a real update
  // replaced by anything (the 585 × 500 of issue 13.10 were updates like these).
  const anything = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(null, -1, 2 ** 53, "", "\u0000", "9".repeat(5000)));
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, anything);

  it("answers near-valid Telegram updates with the right secret with a 2xx or 4xx", async () => {
    const update = fc.record(
      {
        update_id: maybe(fc.nat()),
        message: maybe(
          fc.record(
            {
              message_id: maybe(fc.nat()),
              date: maybe(fc.nat()),
              chat: maybe(fc.record({ id: maybe(fc.integer()), type: maybe(fc.constant("private")) })),
              from: maybe(fc.record({ id: maybe(fc.integer()), is_bot: maybe(fc.boolean()), first_name: maybe(fc.string()) })),
              text: maybe(fc.string({ maxLength: 50 })),
              contact: maybe(fc.record({ phone_number: maybe(fc.string()), user_id: maybe(fc.integer()) })),
            },
            { requiredKeys: [] },
          ),
        ),
        callback_query: maybe(fc.record({ id: maybe(fc.string()), from: anything, data: maybe(fc.string()) }, { requiredKeys: [] })),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(update, async (body) => {
        const res = await world.app.inject({
          method: "POST",
          url: "/webhooks/telegram",
          headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": FUZZ_TELEGRAM_SECRET },
          payload: JSON.stringify(body),
        });
        expect(res.statusCode, res.body.slice(0, 200)).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
    await world.hub.idle();
  }, 300_000);

  it("answers near-valid signed WhatsApp Cloud bodies with a 2xx or 4xx", async () => {
    const message = fc.record(
      {
        id: maybe(fc.string()),
        type: maybe(fc.constantFrom("text", "interactive", "button", "image", "audio")),
        from: maybe(fc.constant("6281234567890")),
        timestamp: anything,
        text: maybe(fc.record({ body: anything })),
        interactive: anything,
        button: anything,
      },
      { requiredKeys: [] },
    );
    const body = fc.record({
      object: maybe(fc.constant("whatsapp_business_account")),
      entry: maybe(
        fc.array(
          fc.record({
            changes: maybe(
              fc.array(
                fc.record({
                  field: maybe(fc.constant("messages")),
                  value: maybe(
                    fc.record(
                      {
                        metadata: maybe(fc.constant({ phone_number_id: "1000" })),
                        contacts: anything,
                        messages: maybe(fc.array(maybe(message), { maxLength: 3 })),
                        statuses: anything,
                      },
                      { requiredKeys: [] },
                    ),
                  ),
                }),
                { maxLength: 2 },
              ),
            ),
          }),
          { maxLength: 2 },
        ),
      ),
    });
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const payload = JSON.stringify(b);
        const res = await world.app.inject({
          method: "POST",
          url: "/webhooks/whatsapp",
          headers: {
            "content-type": "application/json",
            "x-hub-signature-256": `sha256=${createHmac("sha256", FUZZ_CLOUD_SECRET).update(payload).digest("hex")}`,
          },
          payload,
        });
        expect(res.statusCode, res.body.slice(0, 200)).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
    await world.hub.idle();
  }, 300_000);
});
