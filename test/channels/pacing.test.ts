import { describe, expect, it } from "vitest";
import { backoffMs, ChannelPacer, laneOf, laneRank, RollingCap, TokenBucket } from "../../src/channels/pacing.js";

/** Sends as fast as the bucket allows, on a simulated clock; returns the start times. */
function drive(waitAndTake: (now: number) => number, count: number): number[] {
  const times: number[] = [];
  let now = 0;
  while (times.length < count) {
    const wait = waitAndTake(now);
    if (wait > 0) now += wait;
    else times.push(now);
  }
  return times;
}

describe("lanes", () => {
  it("maps every message kind onto its lane in one place", () => {
    expect(["reply", "alert", "handoff", "referral", "growth", "reminder", "broadcast"].map(laneOf)).toEqual([
      "reply",
      "notice",
      "notice",
      "notice",
      "notice",
      "reminder",
      "bulk",
    ]);
    expect(laneOf(undefined)).toBe("reply");
    expect(laneOf("something-new")).toBe("notice");
    expect(["reply", "notice", "reminder", "bulk"].map((l) => laneRank(l as never))).toEqual([0, 1, 2, 3]);
  });
});

describe("TokenBucket", () => {
  it("spaces sends evenly at the rate, so no rolling second holds more than the rate", () => {
    const bucket = new TokenBucket(30, 1, 0);
    const times = drive((now) => {
      const wait = bucket.waitMs(now);
      if (wait === 0) bucket.take(now);
      return wait;
    }, 301);
    // 300 intervals at 30/s: ten seconds.
    expect(times[300]! / 1000).toBeCloseTo(10, 6);
    for (let i = 30; i < times.length; i++) expect(times[i]! - times[i - 30]!).toBeGreaterThan(999.999);
  });

  it("does not lose rate to timers firing late", () => {
    const bucket = new TokenBucket(30, 1, 0);
    const times = drive((now) => {
      const wait = bucket.waitMs(now);
      if (wait === 0) bucket.take(now);
      return wait > 0 ? Math.ceil(wait) + 2 : 0; // every timer 2–3 ms late
    }, 301);
    expect(300 / (times[300]! / 1000)).toBeGreaterThan(29.9);
  });

  it("charges a message of several pieces for each", () => {
    const bucket = new TokenBucket(1, 1, 0);
    bucket.take(0, 3);
    expect(bucket.waitMs(0)).toBe(3000);
    expect(bucket.waitMs(3000)).toBe(0);
  });
});

describe("RollingCap", () => {
  it("allows at most the limit in any window", () => {
    const cap = new RollingCap(8, 60_000);
    const times = drive((now) => {
      const wait = cap.waitMs(now);
      if (wait === 0) cap.take(now);
      return wait;
    }, 17);
    expect(times.slice(0, 8)).toEqual(Array(8).fill(0));
    expect(times[8]).toBe(60_000);
    expect(times[16]).toBe(120_000);
  });
});

describe("ChannelPacer", () => {
  it("keeps one recipient to its own rate while others go on", () => {
    const pacer = new ChannelPacer({ perSecond: 30, perRecipientPerSecond: 1 }, 0);
    pacer.take("a", 0);
    expect(pacer.recipientWaitMs("a", 0)).toBe(1000);
    expect(pacer.recipientWaitMs("b", 0)).toBe(0);
    expect(pacer.recipientWaitMs("a", 1000)).toBe(0);
  });

  it("pauses the channel, or one recipient, for a provider's retry_after", () => {
    const pacer = new ChannelPacer({ perSecond: 30 }, 0);
    pacer.pause(100, 5000);
    expect(pacer.channelWaitMs(100)).toBe(5000);
    pacer.pause(200, 6000, "x");
    expect(pacer.recipientWaitMs("x", 200)).toBe(6000);
    expect(pacer.recipientWaitMs("y", 200)).toBe(0);
  });

  it("paces Baileys like a person: rolling caps per minute, hour and day, and jitter", () => {
    const pacer = new ChannelPacer(
      {
        caps: [
          { limit: 8, windowMs: 60_000 },
          { limit: 200, windowMs: 3_600_000 },
          { limit: 1500, windowMs: 86_400_000 },
        ],
        jitterMs: 3000,
      },
      0,
      () => 0.5,
    );
    const times = drive((now) => {
      const wait = pacer.channelWaitMs(now);
      if (wait === 0) pacer.take(`p${now}`, now);
      return wait;
    }, 201);
    expect(times[200]! - times[0]!).toBeGreaterThanOrEqual(3_600_000);
    expect(pacer.take("z", 0)).toBe(1500);
  });

  it("keeps reminders and bulk under the share of WhatsApp Cloud's tier, alerts up to the tier", () => {
    const pacer = new ChannelPacer({ perSecond: 80, uniqueOutsideWindowPer24h: 10, bulkShare: 0.8 }, 0);
    for (let i = 0; i < 8; i++) {
      expect(pacer.tierAllows(`r${i}`, "reminder", 0)).toBe(true);
      pacer.countUnique(`r${i}`, 0);
    }
    expect(pacer.tierAllows("r8", "reminder", 0)).toBe(false);
    expect(pacer.tierAllows("r0", "bulk", 0)).toBe(true); // already reached today
    expect(pacer.tierAllows("staff", "notice", 0)).toBe(true);
    pacer.countUnique("staff", 0);
    pacer.countUnique("staff2", 0);
    expect(pacer.tierAllows("staff3", "notice", 0)).toBe(false);
    // A day later the people count again.
    expect(pacer.tierAllows("r9", "reminder", 86_400_001)).toBe(true);
  });
});

describe("backoffMs", () => {
  it("doubles with jitter between half and the whole, up to the cap", () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 1000, 600_000, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 1000, 600_000, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect(backoffMs(30, 1000, 600_000, () => 1)).toBe(600_000);
  });
});
