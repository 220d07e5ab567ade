import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SendError, type ChannelAdapter, type OutboundMessage } from "../../src/channels/channel.js";
import { outbox } from "../../src/channels/channels.sql.js";
import { ChannelHub } from "../../src/channels/hub.js";
import { deliverOutbox, enqueue, MAX_ATTEMPTS, requeueStale, retryDelayMs } from "../../src/channels/outbox.js";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.js";

/** A channel whose next sends fail as scripted, recording what it was asked to send. */
function scriptedChannel(name: "telegram" | "web") {
  const sent: { address: string; message: OutboundMessage }[] = [];
  const failures: Error[] = [];
  const adapter: ChannelAdapter = {
    name,
    async send(address, message) {
      const failure = failures.shift();
      if (failure) throw failure;
      sent.push({ address, message });
      return { externalId: `ext-${sent.length}` };
    },
  };
  return { adapter, sent, failures };
}

describe("outbox", () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime();
  });
  afterAll(async () => {
    await rt?.close();
  });

  const rowOf = async (id: number) => (await rt.db.select().from(outbox).where(eq(outbox.id, id)))[0];

  it("sends queued rows and records the provider's id", async () => {
    const tg = scriptedChannel("telegram");
    const hub = new ChannelHub().register(tg.adapter);
    const [id] = await enqueue(rt.db, [{ contactId: null, channel: "telegram", address: "1", message: { text: "a" } }], rt.clock.now());
    expect(await deliverOutbox(rt, hub, { ids: [id!] })).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(await rowOf(id!)).toMatchObject({ status: "sent", externalId: "ext-1", attempts: 1 });
    // Sent rows are not sent again.
    expect(await deliverOutbox(rt, hub, { ids: [id!] })).toEqual({ sent: 0, retrying: 0, failed: 0 });
  });

  it("retries transient failures with backoff, honouring the provider's wait, then gives up", async () => {
    const tg = scriptedChannel("telegram");
    const hub = new ChannelHub().register(tg.adapter);
    const [id] = await enqueue(rt.db, [{ contactId: null, channel: "telegram", address: "2", message: { text: "b" } }], rt.clock.now());
    tg.failures.push(new SendError("429", true, 90_000));
    expect(await deliverOutbox(rt, hub, { ids: [id!] })).toMatchObject({ retrying: 1 });
    const first = await rowOf(id!);
    expect(first).toMatchObject({ status: "queued", lastError: "429" });
    expect(first!.nextAttemptAt.getTime() - rt.clock.now().getTime()).toBe(90_000);
    // Not due yet.
    expect(await deliverOutbox(rt, hub)).toMatchObject({ sent: 0 });
    for (let i = 1; i < MAX_ATTEMPTS; i++) {
      tg.failures.push(new Error("network down"));
      rt.clock.advance(3_600_000);
      await deliverOutbox(rt, hub);
    }
    expect(await rowOf(id!)).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, lastError: "network down" });
    expect(tg.sent).toHaveLength(0);
  });

  it("fails at once on a permanent error", async () => {
    const tg = scriptedChannel("telegram");
    const hub = new ChannelHub().register(tg.adapter);
    const [id] = await enqueue(rt.db, [{ contactId: null, channel: "telegram", address: "3", message: { text: "c" } }], rt.clock.now());
    tg.failures.push(new SendError("blocked by the user", false));
    expect(await deliverOutbox(rt, hub, { ids: [id!] })).toMatchObject({ failed: 1 });
    expect(await rowOf(id!)).toMatchObject({ status: "failed", lastError: "blocked by the user" });
  });

  it("keeps rows of a channel this process does not run", async () => {
    const [id] = await enqueue(rt.db, [{ contactId: null, channel: "whatsapp", address: "4", message: { text: "d" } }], rt.clock.now());
    await deliverOutbox(rt, new ChannelHub(), { ids: [id!] });
    expect(await rowOf(id!)).toMatchObject({ status: "queued", attempts: 0 });
  });

  it("skips a repeated dedupe key (exactly-once senders)", async () => {
    const item = { contactId: null, channel: "web", address: "5", message: { text: "e" }, dedupeKey: "reminder:x:1" };
    expect(await enqueue(rt.db, [item], rt.clock.now())).toHaveLength(1);
    expect(await enqueue(rt.db, [item], rt.clock.now())).toHaveLength(0);
  });

  it("never sends a row twice when two deliverers race", async () => {
    const tg = scriptedChannel("telegram");
    const hub = new ChannelHub().register(tg.adapter);
    const ids = await enqueue(
      rt.db,
      Array.from({ length: 20 }, (_, i) => ({ contactId: null, channel: "telegram", address: `race-${i}`, message: { text: "f" } })),
      rt.clock.now(),
    );
    await Promise.all([deliverOutbox(rt, hub, { ids }), deliverOutbox(rt, hub, { ids }), deliverOutbox(rt, hub)]);
    expect(tg.sent.filter((s) => s.address.startsWith("race-"))).toHaveLength(20);
  });

  it("queues again a row whose sender died mid-send", async () => {
    const [id] = await enqueue(rt.db, [{ contactId: null, channel: "telegram", address: "6", message: { text: "g" } }], rt.clock.now());
    await rt.db.update(outbox).set({ status: "sending", nextAttemptAt: rt.clock.now() }).where(eq(outbox.id, id!));
    expect(await requeueStale(rt)).toBe(0);
    rt.clock.advance(6 * 60_000);
    expect(await requeueStale(rt)).toBe(1);
    expect(await rowOf(id!)).toMatchObject({ status: "queued" });
  });

  it("backs off exponentially up to an hour", () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n))).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(retryDelayMs(20)).toBe(3_600_000);
    expect(retryDelayMs(1, 120_000)).toBe(120_000);
  });
});
