// The pure rules of WhatsApp's warnings (safety.ts): Baileys 7 event payloads → restrictions,
// and what a restriction holds back.
import { ReachoutTimelockEnforcementType, WAMessageStatus } from "@whiskeysockets/baileys";
import { describe, expect, it } from "vitest";
import {
  ackErrorCode,
  fromAckError,
  fromMessageCapping,
  fromReachoutTimelock,
  holdUntil,
  mergeRestriction,
  type SafetyRestriction,
} from "../../../src/channels/whatsapp/safety.js";
import { accountOf } from "../../../src/channels/whatsapp/safety-store.js";

const NOW = new Date("2026-12-04T02:00:00Z");
const HOUR = 3_600_000;
const at = (ms: number) => new Date(NOW.getTime() + ms);

describe("fromReachoutTimelock (connection.update reachoutTimeLock)", () => {
  it("an active lock holds until WhatsApp's end time, with its enforcement type", () => {
    const change = fromReachoutTimelock(
      { isActive: true, timeEnforcementEnds: at(2 * HOUR), enforcementType: ReachoutTimelockEnforcementType.BIZ_QUALITY },
      NOW,
      HOUR,
    );
    expect(change).toEqual({
      set: { cause: "reachout-timelock", since: NOW, liftsAt: at(2 * HOUR), detail: { enforcement: "BIZ_QUALITY" } },
    });
  });
  it("without an end time (or one already past) the default pause, resp. a minute", () => {
    expect(fromReachoutTimelock({ isActive: true }, NOW, HOUR)).toMatchObject({ set: { liftsAt: at(HOUR), detail: { guessedEnd: true } } });
    expect(fromReachoutTimelock({ isActive: true, timeEnforcementEnds: at(-5_000) }, NOW, HOUR)).toMatchObject({
      set: { liftsAt: at(60_000) },
    });
  });
  it("not active lifts it; no field means nothing", () => {
    expect(fromReachoutTimelock({ isActive: false, enforcementType: ReachoutTimelockEnforcementType.DEFAULT }, NOW, HOUR)).toEqual({
      lift: "reachout-timelock",
    });
    expect(fromReachoutTimelock(undefined, NOW, HOUR)).toBeNull();
  });
});

describe("fromMessageCapping (message-capping.update)", () => {
  it("a warning or the cap holds until the cycle ends (epoch seconds), with the quota", () => {
    for (const status of ["FIRST_WARNING", "SECOND_WARNING", "CAPPED"]) {
      const change = fromMessageCapping(
        { capping_status: status, used_quota: 80, total_quota: 100, cycle_end_timestamp: String(NOW.getTime() / 1000 + 86_400) },
        NOW,
        HOUR,
      );
      expect(change).toEqual({
        set: { cause: "message-capping", since: NOW, liftsAt: at(24 * HOUR), detail: { capping: status, used: 80, total: 100 } },
      });
    }
  });
  it("NONE lifts it; no status means nothing; a bad cycle end uses the default pause", () => {
    expect(fromMessageCapping({ capping_status: "NONE" }, NOW, HOUR)).toEqual({ lift: "message-capping" });
    expect(fromMessageCapping({}, NOW, HOUR)).toBeNull();
    expect(fromMessageCapping({ capping_status: "CAPPED", cycle_end_timestamp: "soon" }, NOW, HOUR)).toMatchObject({
      set: { liftsAt: at(HOUR), detail: { guessedEnd: true } },
    });
  });
});

describe("ack errors (messages.update status ERROR)", () => {
  it("reads the server's code from messageStubParameters of an ERROR update only", () => {
    expect(ackErrorCode({ status: WAMessageStatus.ERROR, messageStubParameters: ["463", "Your account has been restricted"] })).toBe("463");
    expect(ackErrorCode({ status: WAMessageStatus.ERROR, messageStubParameters: ["479"] })).toBe("479");
    expect(ackErrorCode({ status: WAMessageStatus.DELIVERY_ACK })).toBeNull();
    expect(ackErrorCode({ status: WAMessageStatus.ERROR, messageStubParameters: [] })).toBeNull();
  });
  it("463 pauses for the default time; other codes do not", () => {
    expect(fromAckError("463", NOW, HOUR)).toEqual({
      set: { cause: "account-restricted", since: NOW, liftsAt: at(HOUR), detail: { guessedEnd: true } },
    });
    expect(fromAckError("479", NOW, HOUR)).toBeNull();
  });
});

describe("holdUntil", () => {
  const lock: SafetyRestriction = { cause: "reachout-timelock", since: NOW, liftsAt: at(HOUR), detail: {} };
  const cap: SafetyRestriction = { cause: "message-capping", since: NOW, liftsAt: at(3 * HOUR), detail: {} };
  it("holds bulk and first contacts until the latest lift; replies, notices and reminders to people who wrote in go", () => {
    expect(holdUntil([lock, cap], "bulk", false, NOW)).toEqual(at(3 * HOUR));
    expect(holdUntil([lock], "reminder", true, NOW)).toEqual(at(HOUR));
    expect(holdUntil([lock], "notice", true, NOW)).toEqual(at(HOUR));
    for (const lane of ["reply", "notice", "reminder"] as const) expect(holdUntil([lock, cap], lane, false, NOW)).toBeNull();
  });
  it("a restriction whose time has come holds nothing", () => {
    expect(holdUntil([lock], "bulk", true, at(HOUR))).toBeNull();
    expect(holdUntil([], "bulk", true, NOW)).toBeNull();
  });
});

describe("mergeRestriction", () => {
  const current: SafetyRestriction = { cause: "account-restricted", since: at(-HOUR), liftsAt: at(HOUR), detail: { guessedEnd: true } };
  it("keeps the first start; a guessed end only extends, WhatsApp's own end replaces", () => {
    expect(mergeRestriction(current, { ...current, since: NOW, liftsAt: at(HOUR / 2) }, NOW)).toMatchObject({
      since: at(-HOUR),
      liftsAt: at(HOUR),
    });
    expect(mergeRestriction(current, { ...current, since: NOW, liftsAt: at(2 * HOUR) }, NOW)).toMatchObject({
      since: at(-HOUR),
      liftsAt: at(2 * HOUR),
    });
    const lock: SafetyRestriction = { cause: "reachout-timelock", since: at(-HOUR), liftsAt: at(5 * HOUR), detail: {} };
    expect(mergeRestriction(lock, { ...lock, since: NOW, liftsAt: at(HOUR) }, NOW)).toMatchObject({ since: at(-HOUR), liftsAt: at(HOUR) });
  });
  it("an expired one is replaced whole", () => {
    expect(mergeRestriction({ ...current, liftsAt: at(-1) }, { ...current, since: NOW, liftsAt: at(HOUR) }, NOW)).toMatchObject({
      since: NOW,
    });
  });
});

describe("accountOf", () => {
  it("the number's digits from Baileys' user id; unlinked without one", () => {
    expect(accountOf("6281234567890:5@s.whatsapp.net")).toBe("6281234567890");
    expect(accountOf(undefined)).toBe("unlinked");
  });
});
