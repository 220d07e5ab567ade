// The request context (src/lib/request-context.ts) is on only while work holds it: log lines in
// that work carry its id, lines after the last holder left carry none, and overlapping holders
// keep their own ids.
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/lib/log.js";
import { enterRequestContext, requestContext, withRequestId } from "../../src/lib/request-context.js";

const lines: Array<Record<string, unknown>> = [];
const log = createLogger("info", { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
// Node 20's AsyncLocalStorage says whether it is on (its promise hook installed) in `enabled`.
const switchedOn = () => (requestContext as unknown as { enabled: boolean }).enabled;

afterEach(() => {
  lines.length = 0;
});

describe("request context", () => {
  it("follows one piece of work through its awaits, then is off", async () => {
    await withRequestId(async () => {
      log.info("step 1");
      await tick();
      log.info("step 2");
    });
    log.info("after");
    const [one, two, after] = lines;
    expect(one?.reqId).toEqual(expect.any(String));
    expect(two?.reqId).toBe(one?.reqId);
    expect(after).not.toHaveProperty("reqId");
    expect(switchedOn()).toBe(false);
  });

  it("keeps each overlapping holder's id until the last one leaves", async () => {
    let releaseFirst: () => void = () => {};
    const first = withRequestId(async () => {
      await new Promise<void>((resolve) => (releaseFirst = resolve));
      log.info("first, after the second left");
    });
    await withRequestId(async () => {
      await tick();
      log.info("second");
    });
    expect(switchedOn()).toBe(true); // the first still holds it
    releaseFirst();
    await first;
    expect(switchedOn()).toBe(false);
    log.info("outside");
    const [second, firstLine, outside] = lines;
    expect(second?.reqId).toEqual(expect.any(String));
    expect(firstLine?.reqId).toEqual(expect.any(String));
    expect(firstLine?.reqId).not.toBe(second?.reqId);
    expect(outside).not.toHaveProperty("reqId");
  });

  it("an HTTP request's context ends when it is let go, even if let go twice", async () => {
    let leave: () => void = () => {};
    await new Promise<void>((resolve) => {
      leave = enterRequestContext("req-1", () => {
        log.info("in the request");
        resolve();
      });
    });
    expect(switchedOn()).toBe(true);
    leave();
    leave();
    expect(switchedOn()).toBe(false);
    log.info("after the request");
    expect(lines.map((l) => l.reqId)).toEqual(["req-1", undefined]);
  });
});
