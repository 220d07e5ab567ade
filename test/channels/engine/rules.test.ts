import { describe, expect, it } from "vitest";
import { SendError } from "../../../src/channels/channel.js";
import {
  afterFailure,
  bulkRoom,
  channelBuffer,
  failureReason,
  laneAtRank,
  leaseAllowsSend,
  MAX_HELD_RETRY_AFTER_MS,
  outsideWindow,
  renewalDue,
  wantsMore,
} from "../../../src/channels/engine/rules.js";

const policy = { maxAttempts: 3, retryBaseMs: 1_000, retryMaxMs: 10_000 };
const rateLimited = (retryAfterMs?: number, scope?: "channel" | "recipient") =>
  new SendError("Too Many Requests", true, retryAfterMs, { rateLimited: true, ...(scope ? { scope } : {}) });

describe("afterFailure", () => {
  it("waits out a rate limit as the provider asks, holding it in memory up to the limit, without counting an attempt", () => {
    expect(afterFailure(rateLimited(3_000), 2, policy, false)).toEqual({
      action: "wait",
      waitMs: 3_000,
      recipientOnly: false,
      keepHeld: true,
    });
    expect(afterFailure(rateLimited(MAX_HELD_RETRY_AFTER_MS), 0, policy, false)).toMatchObject({ keepHeld: true });
    expect(afterFailure(rateLimited(MAX_HELD_RETRY_AFTER_MS + 1), 0, policy, false)).toMatchObject({ keepHeld: false });
    // Stopping: nothing is held in memory.
    expect(afterFailure(rateLimited(3_000), 0, policy, true)).toMatchObject({ keepHeld: false });
  });

  it("waits one second for a rate limit without retry_after, and pauses only the recipient when the limit was theirs", () => {
    expect(afterFailure(rateLimited(undefined, "recipient"), 0, policy, false)).toEqual({
      action: "wait",
      waitMs: 1_000,
      recipientOnly: true,
      keepHeld: true,
    });
  });

  it("retries a transient failure with capped exponential backoff until the last attempt", () => {
    const transient = new SendError("Bad Gateway", true);
    // random 1: the ceiling, base·2^(n-1).
    expect(afterFailure(transient, 0, policy, false, () => 1)).toEqual({ action: "retry", attempts: 1, delayMs: 1_000 });
    expect(afterFailure(transient, 1, policy, false, () => 1)).toEqual({ action: "retry", attempts: 2, delayMs: 2_000 });
    expect(afterFailure(transient, 1, policy, false, () => 0)).toEqual({ action: "retry", attempts: 2, delayMs: 1_000 });
    expect(afterFailure(transient, 1, { ...policy, maxAttempts: 10, retryMaxMs: 1_500 }, false, () => 1)).toMatchObject({ delayMs: 1_500 });
    expect(afterFailure(transient, 2, policy, false)).toEqual({
      action: "give-up",
      attempts: 3,
      retryable: true,
      lastError: "gave up after 3 attempts: Bad Gateway",
    });
  });

  it("counts an unknown error as transient and fails a permanent one at once", () => {
    expect(afterFailure(new Error("socket hang up"), 0, policy, false)).toMatchObject({ action: "retry", attempts: 1 });
    expect(afterFailure(new SendError("Forbidden: bot was blocked by the user", false), 0, policy, false)).toEqual({
      action: "give-up",
      attempts: 1,
      retryable: false,
      lastError: "Forbidden: bot was blocked by the user",
    });
  });

  it("keeps at most 500 characters of the reason", () => {
    expect(failureReason(new Error("x".repeat(600)))).toHaveLength(500);
    expect(failureReason("plain")).toBe("plain");
  });
});

describe("outsideWindow", () => {
  const now = new Date("2026-03-02T10:00:00Z");
  it("counts a WhatsApp Cloud message outside the 24-hour window, from exactly 24 hours on", () => {
    expect(outsideWindow("whatsapp-cloud", null, now)).toBe(true);
    expect(outsideWindow("whatsapp-cloud", new Date("2026-03-01T10:00:00.001Z"), now)).toBe(false);
    expect(outsideWindow("whatsapp-cloud", new Date("2026-03-01T10:00:00Z"), now)).toBe(true);
  });
  it("never counts other channels", () => {
    expect(outsideWindow("telegram", null, now)).toBe(false);
    expect(outsideWindow("whatsapp", undefined, now)).toBe(false);
  });
});

describe("lanes and buffers", () => {
  it("clamps a stored lane rank out of range", () => {
    expect([-1, 0, 1, 2, 3, 9].map(laneAtRank)).toEqual(["reply", "reply", "notice", "reminder", "bulk", "bulk"]);
  });
  it("keeps about ten seconds of sending claimed, at least 20", () => {
    expect(channelBuffer(30)).toBe(300);
    expect(channelBuffer(0.5)).toBe(20);
    expect(channelBuffer(undefined)).toBe(500);
    expect(channelBuffer(2.01)).toBe(21);
  });
  it("claims more reminders and bulk only once half the buffer has gone out", () => {
    expect(bulkRoom(100, 0)).toBe(100);
    expect(bulkRoom(100, 50)).toBe(50);
    expect(bulkRoom(100, 51)).toBe(0);
    expect(wantsMore(100, 49)).toBe(true);
    expect(wantsMore(100, 50)).toBe(false);
  });
});

describe("leases", () => {
  it("renews when a third of the lease has passed", () => {
    // Valid until 30 000 with a 30 s lease: due after 10 000.
    expect(renewalDue(10_000, 30_000, 30_000)).toBe(false);
    expect(renewalDue(10_001, 30_000, 30_000)).toBe(true);
  });
  it("sends a claim only with the margin left before the lease could lapse", () => {
    expect(leaseAllowsSend(22_499, 30_000, 7_500)).toBe(true);
    expect(leaseAllowsSend(22_500, 30_000, 7_500)).toBe(false);
  });
});
