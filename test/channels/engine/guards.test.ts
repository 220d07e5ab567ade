import { describe, expect, it } from "vitest";
import { guardOf, invalidateSendGuard, registerSendGuard, verdictHolds } from "../../../src/channels/engine/guards.js";
import type { OutboxRow } from "../../../src/channels/engine/held.js";
import type { Runtime } from "../../../src/runtime.js";

const rt = {} as Runtime;
const row = { id: 1, kind: "test-guarded" } as unknown as OutboxRow;

describe("send guards", () => {
  it("keeps a verdict until the kind's guard is invalidated or its clock check says no", () => {
    let quiet = false;
    registerSendGuard("test-guarded", () => Promise.resolve("send"), { atSend: () => !quiet });
    const guard = guardOf("test-guarded");
    if (!guard) throw new Error("not registered");
    const version = guard.version;
    expect(verdictHolds(rt, guard, row, version)).toBe(true);
    quiet = true;
    expect(verdictHolds(rt, guard, row, version)).toBe(false);
    quiet = false;
    invalidateSendGuard("test-guarded");
    expect(verdictHolds(rt, guard, row, version)).toBe(false);
    expect(verdictHolds(rt, guard, row, guard.version)).toBe(true);
    // A row never checked has no verdict.
    expect(verdictHolds(rt, guard, row, undefined)).toBe(false);
  });

  it("has no guard for a kind nobody registered", () => {
    expect(guardOf("test-unguarded")).toBeUndefined();
    invalidateSendGuard("test-unguarded"); // harmless
  });
});
