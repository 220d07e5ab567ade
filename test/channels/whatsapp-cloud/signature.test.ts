import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hubSignature, safeEqual, verifyHubSignature, verifySubscription } from "../../../src/channels/whatsapp-cloud/signature.js";

const secret = "app-secret-for-tests";
const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
// Computed independently of the code under test.
const good = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

describe("verifyHubSignature", () => {
  it("computes Meta's header value", () => expect(hubSignature(secret, body)).toBe(good));

  it.each([
    ["the right signature", good, true],
    ["upper-case hex", `sha256=${good.slice(7).toUpperCase()}`, true],
    ["missing", undefined, false],
    ["empty", "", false],
    ["no sha256= prefix", good.slice(7), false],
    ["sha1 instead", `sha1=${createHmac("sha1", secret).update(body).digest("hex")}`, false],
    ["another secret", `sha256=${createHmac("sha256", "other").update(body).digest("hex")}`, false],
    ["cut short", good.slice(0, -2), false],
    ["repeated header", [good, good], false],
  ])("%s → %s", (_why, header, ok) => {
    expect(verifyHubSignature(secret, body, header)).toBe(ok);
  });

  it("fails when one byte of the body changes", () => {
    const changed = Buffer.from(body);
    changed[3] = changed[3]! ^ 1;
    expect(verifyHubSignature(secret, changed, good)).toBe(false);
  });
});

describe("verifySubscription", () => {
  it.each([
    [
      { "hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "1158201444" },
      { ok: true, challenge: "1158201444" },
    ],
    [{ "hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1" }, { ok: false }],
    [{ "hub.mode": "unsubscribe", "hub.verify_token": "tok", "hub.challenge": "1" }, { ok: false }],
    [{ "hub.mode": "subscribe", "hub.challenge": "1" }, { ok: false }],
    [{ "hub.mode": "subscribe", "hub.verify_token": "tok" }, { ok: false }],
    [{}, { ok: false }],
  ])("%j", (query, expected) => expect(verifySubscription(query, "tok")).toEqual(expected));
});

describe("safeEqual", () => {
  it.each([
    ["abc", "abc", true],
    ["abc", "abd", false],
    ["abc", "abcd", false],
    ["", "", true],
  ])("%j %j → %s", (a, b, eq) => expect(safeEqual(a, b)).toBe(eq));
});
