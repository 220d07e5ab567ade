import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mapCloudStatuses, mapCloudWebhook, parseCloudWebhook } from "../../../src/channels/whatsapp-cloud/map.js";
import { FIXTURE_TIME, PHONE_ID, fixture } from "./fixtures.js";

const base = { channel: "whatsapp-cloud", address: "6281234567890", phone: "6281234567890", receivedAt: FIXTURE_TIME };

describe("mapCloudWebhook", () => {
  it.each([
    ["text", [{ ...base, externalId: "wamid.TEST1", text: "halo, jadwal posyandu kapan?" }]],
    ["button-reply", [{ ...base, externalId: "wamid.TEST2", payload: "lang:bjn", text: "Bahasa Banjar" }]],
    ["list-reply", [{ ...base, externalId: "wamid.TEST3", payload: "menu:imunisasi", text: "Imunisasi" }]],
    ["template-button", [{ ...base, externalId: "wamid.TEST4", payload: "reminder:done", text: "Sudah" }]],
    ["image-caption", [{ ...base, externalId: "wamid.TEST5", text: "ini KMS anak ulun" }]],
    // Things we cannot read still reach the conversation (without text), so it can ask for text.
    ["audio", [{ ...base, externalId: "wamid.TEST6" }]],
    ["unsupported", [{ ...base, externalId: "wamid.TEST7" }]],
    ["reaction", []],
    ["status-sent", []],
    ["status-failed", []],
    ["other-number", []],
    // A username user without a phone number: the BSUID is the address, no phone.
    [
      "bsuid-only",
      [
        {
          channel: "whatsapp-cloud",
          externalId: "wamid.TEST9",
          address: "ID.13491208655302741918",
          text: "assalamualaikum",
          receivedAt: FIXTURE_TIME,
        },
      ],
    ],
    [
      "batch",
      [
        {
          channel: "whatsapp-cloud",
          externalId: "wamid.TEST11",
          address: "6281111111111",
          phone: "6281111111111",
          text: "satu",
          receivedAt: FIXTURE_TIME,
        },
        {
          channel: "whatsapp-cloud",
          externalId: "wamid.TEST12",
          address: "6282222222222",
          phone: "6282222222222",
          text: "dua",
          receivedAt: FIXTURE_TIME,
        },
      ],
    ],
  ])("%s", (name, expected) => {
    expect(mapCloudWebhook(fixture(name), { phoneNumberId: PHONE_ID })).toStrictEqual(expected);
  });

  it("says why messages were skipped", () => {
    expect(parseCloudWebhook(fixture("reaction"), { phoneNumberId: PHONE_ID }).skipped).toEqual([
      { externalId: "wamid.TEST8", type: "reaction", reason: "not_a_message" },
    ]);
    expect(parseCloudWebhook(fixture("other-number"), { phoneNumberId: PHONE_ID }).skipped).toEqual([
      { externalId: "wamid.TEST10", type: "text", reason: "other_number" },
    ]);
  });

  it("skips malformed parts and keeps the rest", () => {
    const body = fixture("text") as { entry: { changes: { value: { messages: unknown[] } }[] }[] };
    body.entry[0]!.changes[0]!.value.messages.push({ type: "text" }, null, { id: "wamid.X", type: "text", text: { body: "x" } });
    const parsed = parseCloudWebhook(body, { phoneNumberId: PHONE_ID, now: FIXTURE_TIME });
    expect(parsed.messages.map((m) => m.externalId)).toEqual(["wamid.TEST1", "wamid.X"]);
    expect(parsed.skipped.map((s) => s.reason)).toEqual(["malformed", "malformed"]);
  });

  it.each([null, undefined, "x", 42, [], {}, { entry: "x" }, { entry: [{ changes: [{ value: null }] }] }])(
    "returns nothing for a body that is not a webhook: %j",
    (body) => {
      expect(parseCloudWebhook(body)).toEqual({ messages: [], statuses: [], skipped: [], errorCodes: [] });
    },
  );

  it("uses the clock when a message has no timestamp", () => {
    const body = fixture("text") as { entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[] };
    delete body.entry[0]!.changes[0]!.value.messages[0]!.timestamp;
    const now = new Date("2026-11-27T03:04:05Z");
    expect(mapCloudWebhook(body, { now })[0]?.receivedAt).toEqual(now);
  });
});

describe("mapCloudStatuses", () => {
  it.each([
    ["status-sent", [{ externalId: "wamid.OUT1", status: "sent", at: new Date(1795744860 * 1000), errorCodes: [] }]],
    ["status-failed", [{ externalId: "wamid.OUT2", status: "failed", at: new Date(1795744870 * 1000), errorCodes: [131047] }]],
    ["text", []],
  ])("%s", (name, expected) => {
    expect(mapCloudStatuses(fixture(name), { phoneNumberId: PHONE_ID })).toEqual(expected);
  });

  it("collects error codes Meta reports on the change itself", () => {
    const body = fixture("text") as { entry: { changes: { value: Record<string, unknown> }[] }[] };
    body.entry[0]!.changes[0]!.value.errors = [{ code: 131000, title: "Something went wrong" }];
    expect(parseCloudWebhook(body).errorCodes).toEqual([131000]);
  });
});

describe("parseCloudWebhook, property-based (fast-check)", () => {
  // Webhook-shaped bodies whose message, contact and status fields hold anything JSON can.
  const anything = fc.jsonValue({ maxDepth: 2 });
  const field = (keys: string[]) =>
    fc.dictionary(
      fc.constantFrom(...keys),
      fc.oneof(anything, fc.string(), fc.dictionary(fc.constantFrom("body", "id", "title", "caption", "payload", "text"), anything)),
    );
  const body = fc.record({
    object: fc.constant("whatsapp_business_account"),
    entry: fc.array(
      fc.record({
        changes: fc.array(
          fc.record({
            field: fc.oneof(fc.constant("messages"), anything),
            value: fc.record({
              metadata: fc.oneof(fc.constant({ phone_number_id: PHONE_ID }), anything),
              contacts: fc.oneof(fc.array(field(["wa_id", "user_id", "profile"])), anything),
              messages: fc.oneof(
                fc.array(field(["id", "type", "from", "from_user_id", "timestamp", "text", "interactive", "button", "image"])),
                anything,
              ),
              statuses: fc.oneof(fc.array(field(["id", "status", "timestamp", "errors"])), anything),
            }),
          }),
          { maxLength: 2 },
        ),
      }),
      { maxLength: 2 },
    ),
  });

  it("never throws, and every message it keeps has a string id, address and a valid time", () => {
    fc.assert(
      fc.property(fc.oneof(body, anything), (b) => {
        const parsed = parseCloudWebhook(b, { phoneNumberId: PHONE_ID, now: FIXTURE_TIME });
        for (const m of parsed.messages) {
          expect(typeof m.externalId).toBe("string");
          expect(m.address.length).toBeGreaterThan(0);
          expect(Number.isNaN(m.receivedAt.getTime())).toBe(false);
          if (m.text !== undefined) expect(typeof m.text).toBe("string");
        }
        for (const s of parsed.skipped) if (s.reason === "malformed") expect(s.issues?.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });
});
