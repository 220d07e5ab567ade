import { describe, expect, it } from "vitest";
import { classifyGraphError, networkError, parseRetryAfter } from "../../../src/channels/whatsapp-cloud/errors.js";

const graph = (code: number) => ({ error: { message: "(#x) y", type: "OAuthException", code, fbtrace_id: "A" } });

describe("classifyGraphError", () => {
  it.each([
    // status, body, retryable, retryAfterMs
    [429, {}, true, 30_000],
    [400, graph(4), true, 60_000],
    [400, graph(80007), true, 60_000],
    [400, graph(130429), true, 2_000],
    [400, graph(131056), true, 6_000],
    [429, graph(131056), true, 6_000],
    [500, {}, true, undefined],
    [503, undefined, true, undefined],
    [500, graph(131000), true, undefined],
    [400, graph(131016), true, undefined],
    [400, graph(131047), false, undefined],
    [400, graph(131026), false, undefined],
    [400, graph(100), false, undefined],
    [401, graph(190), false, undefined],
    [401, {}, false, undefined],
    [400, graph(131048), false, undefined],
    [400, {}, false, undefined],
    [404, "not json", false, undefined],
  ])("HTTP %i %j → retryable %s", (status, body, retryable, retryAfterMs) => {
    const err = classifyGraphError(status, body);
    expect(err.retryable).toBe(retryable);
    expect(err.retryAfterMs).toBe(retryAfterMs);
  });

  it("prefers Meta's Retry-After over our hint", () => {
    expect(classifyGraphError(429, graph(130429), 12_000).retryAfterMs).toBe(12_000);
  });

  it("names the code and status, nothing from Meta's text", () => {
    const err = classifyGraphError(400, { error: { code: 131047, message: "details about 6281234567890" } });
    expect(err.message).toBe("whatsapp-cloud: HTTP 400, Graph error 131047 (outside the 24-hour window)");
  });

  it("reads a code sent as a string", () => {
    expect(classifyGraphError(400, { error: { code: "131056" } }).retryable).toBe(true);
  });
});

describe("parseRetryAfter", () => {
  const now = new Date("2026-11-27T02:00:00Z");
  it.each([
    [null, undefined],
    ["", undefined],
    ["7", 7_000],
    ["Fri, 27 Nov 2026 02:00:30 GMT", 30_000],
    ["Fri, 27 Nov 2026 01:00:00 GMT", 0],
    ["soon", undefined],
  ])("%j → %s", (header, ms) => expect(parseRetryAfter(header, now)).toBe(ms));
});

describe("networkError", () => {
  it("is retryable and says what kind", () => {
    const timeout = new DOMException("The operation was aborted due to timeout", "TimeoutError");
    expect(networkError(timeout)).toMatchObject({ retryable: true, message: "whatsapp-cloud: network timeout" });
    expect(networkError(new TypeError("fetch failed"))).toMatchObject({ retryable: true, message: "whatsapp-cloud: network TypeError" });
  });
});
