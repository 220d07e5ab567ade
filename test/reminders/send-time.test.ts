import { describe, expect, it } from "vitest";
import { isQuietHour, sendTimeFor } from "../../src/reminders/send-time.js";

const at = (iso: string) => new Date(iso);
const iso = (d: Date | null) => d?.toISOString() ?? null;
const zero = () => 0;

describe("sendTimeFor on time", () => {
  it("08:00 WITA is 00:00 UTC (UTC+8, no DST)", () => {
    expect(iso(sendTimeFor({ due: "2026-03-10", now: at("2026-03-01T00:00:00Z"), random: zero }))).toBe("2026-03-10T00:00:00.000Z");
    // same offset in northern summer: WITA has no daylight saving
    expect(iso(sendTimeFor({ due: "2026-07-10", now: at("2026-03-01T00:00:00Z"), random: zero }))).toBe("2026-07-10T00:00:00.000Z");
  });

  it("uses another zone when asked", () => {
    expect(iso(sendTimeFor({ due: "2026-03-10", tz: "Asia/Jakarta", now: at("2026-03-01T00:00:00Z") }))).toBe("2026-03-10T01:00:00.000Z");
  });

  it.each([
    [0, "2026-03-10T00:00:00.000Z"],
    [0.5, "2026-03-10T00:15:00.000Z"],
    [0.9999, "2026-03-10T00:29:59.000Z"],
  ])("adds jitter (random %d of 30 minutes)", (r, expected) => {
    const t = sendTimeFor({ due: "2026-03-10", now: at("2026-03-01T00:00:00Z"), jitterSeconds: 1800, random: () => r });
    expect(iso(t)).toBe(expected);
  });

  it.each([
    [22, 0, 0, "2026-03-10T12:59:59.000Z"], // 22:00 quiet, quiet ends tomorrow → 20:59:59 the same day
    [22, 600, 0, "2026-03-10T12:50:00.000Z"], // room for 10 min of jitter before 21:00
    [22, 600, 0.99, "2026-03-10T12:59:54.000Z"],
    [3, 0, 0, "2026-03-09T22:00:00.000Z"], // 03:00 → 06:00 the same day
    [5, 1800, 0.5, "2026-03-09T22:15:00.000Z"], // 06:15 WITA
    [20, 7200, 0.75, "2026-03-10T12:59:59.000Z"], // 20:00 + 90 min would be 21:30 → 20:59:59
    [6, 0, 0, "2026-03-09T22:00:00.000Z"], // 06:00 is already allowed
  ])("preferred %i:00 with %i s jitter (random %d) → %s, out of quiet hours", (preferredHour, jitterSeconds, r, expected) => {
    const t = sendTimeFor({ due: "2026-03-10", preferredHour, jitterSeconds, random: () => r, now: at("2026-03-01T00:00:00Z") });
    expect(iso(t)).toBe(expected);
  });
});

describe("sendTimeFor catch-up after downtime", () => {
  const base = { due: "2026-03-10", until: "2026-03-12", random: zero };

  it.each([
    ["2026-03-10T03:00:00Z", "2026-03-10T03:00:00.000Z"], // 11:00 WITA on the due day → now
    ["2026-03-11T13:30:00Z", "2026-03-11T22:00:00.000Z"], // 21:30 WITA → 06:00 next morning
    ["2026-03-12T10:00:00Z", "2026-03-12T10:00:00.000Z"], // last day, 18:00 WITA
    ["2026-03-12T13:30:00Z", null], // last day 21:30: next allowed is past the window
    ["2026-03-12T16:00:00Z", null], // 00:00 WITA on 13 March: window over
    ["2026-04-01T00:00:00Z", null],
  ])("now %s → %s", (now, expected) => {
    expect(iso(sendTimeFor({ ...base, now: at(now) }))).toBe(expected);
  });

  it("without `until` the window is the due day only", () => {
    expect(iso(sendTimeFor({ due: "2026-03-10", now: at("2026-03-10T05:00:00Z"), random: zero }))).toBe("2026-03-10T05:00:00.000Z");
    expect(sendTimeFor({ due: "2026-03-10", now: at("2026-03-10T16:00:00Z"), random: zero })).toBeNull();
  });

  it("spreads catch-up sends with jitter", () => {
    const t = sendTimeFor({ ...base, now: at("2026-03-10T03:00:00Z"), jitterSeconds: 600, random: () => 0.5 });
    expect(iso(t)).toBe("2026-03-10T03:05:00.000Z");
  });

  it("returns exactly the planned time when now equals it", () => {
    expect(iso(sendTimeFor({ ...base, now: at("2026-03-10T00:00:00Z") }))).toBe("2026-03-10T00:00:00.000Z");
  });
});

describe("sendTimeFor input checks", () => {
  const now = at("2026-03-01T00:00:00Z");
  it.each([
    [{ due: "2026-02-30", now }, /invalid/],
    [{ due: "2026-03-10", until: "2026-03-09", now }, /before due/],
    [{ due: "2026-03-10", preferredHour: 24, now }, /preferredHour/],
    [{ due: "2026-03-10", quietStart: -1, now }, /quietStart/],
    [{ due: "2026-03-10", jitterSeconds: -5, now }, /jitter/],
    [{ due: "2026-03-10", tz: "Mars/Olympus", now }, /time zone/],
  ])("rejects %o", (input, message) => {
    expect(() => sendTimeFor(input)).toThrow(message);
  });
});

describe("isQuietHour", () => {
  it.each([
    [21, 21, 6, true],
    [23.5, 21, 6, true],
    [0, 21, 6, true],
    [5.99, 21, 6, true],
    [6, 21, 6, false],
    [20.99, 21, 6, false],
    [13, 12, 14, true], // a quiet period that does not cross midnight
    [14, 12, 14, false],
    [3, 0, 0, false], // no quiet hours
  ])("%d with quiet %i–%i → %s", (hour, start, end, quiet) => {
    expect(isQuietHour(hour, start, end)).toBe(quiet);
  });
});
