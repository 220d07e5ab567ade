import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SendError, type ChannelAdapter, type OutboundMessage } from "../../src/channels/channel.js";
import { outbox } from "../../src/channels/channels.sql.js";
import { ChannelHub } from "../../src/channels/hub.js";
import { deliverOutbox, enqueue, requeueStale } from "../../src/channels/outbox.js";
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
    // No wait between transient retries here (the backoff itself is unit-tested in pacing.test.ts).
    rt = await createTestRuntime({ env: { OUTBOUND_RETRY_BASE_MS: "0", OUTBOUND_MAX_ATTEMPTS: "4" } });
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

  it("waits out a rate limit without counting an attempt", async () => {
    const tg = scriptedChannel("telegram");
    const hub = new ChannelHub().register(tg.adapter);
    const [id] = await enqueue(rt.db, [{ contactId: null, channel: "telegram", address: "2", message: { text: "b" } }], rt.clock.now());
    tg.failures.push(new SendError("429", true, 30, { rateLimited: true }), new SendError("429", true, 30, { rateLimited: true }));
    expect(await deliverOutbox(rt, hub, { ids: [id!] })).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(await rowOf(id!)).toMatchObject({ status: "sent", attempts: 1 });
    expect(tg.sent).toHaveLength(1);
  });

  it("retries transient failures, counting attempts, then gives up with the reason", async () => {
    const tg = scriptedChannel("telegram");
    const hub = new ChannelHub().register(tg.adapter);
    const [id] = await enqueue(rt.db, [{ contactId: null, channel: "telegram", address: "2b", message: { text: "b" } }], rt.clock.now());
    tg.failures.push(new SendError("telegram sendMessage 502: Bad Gateway", true));
    expect(await deliverOutbox(rt, hub, { ids: [id!] })).toMatchObject({ retrying: 1 });
    expect(await rowOf(id!)).toMatchObject({ status: "queued", attempts: 1, lastError: "telegram sendMessage 502: Bad Gateway" });
    for (let i = 0; i < 3; i++) {
      tg.failures.push(new Error("network down"));
      await deliverOutbox(rt, hub);
    }
    expect(await rowOf(id!)).toMatchObject({ status: "failed", attempts: 4, lastError: "gave up after 4 attempts: network down" });
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

  it("queues again a row whose sender died mid-send (its lease lapsed), not one whose sender lives", async () => {
    const [dead, alive] = await enqueue(
      rt.db,
      ["6", "7"].map((address) => ({ contactId: null, channel: "telegram", address, message: { text: "g" } })),
      rt.clock.now(),
    );
    await rt.db.execute(
      sql`insert into outbox_leases (name, holder, expires_at) values ('instance:alive', 'alive', now() + interval '1 minute')`,
    );
    await rt.db.update(outbox).set({ status: "sending", claimedBy: "dead" }).where(eq(outbox.id, dead!));
    await rt.db.update(outbox).set({ status: "sending", claimedBy: "alive" }).where(eq(outbox.id, alive!));
    expect(await requeueStale(rt)).toBe(1);
    expect(await rowOf(dead!)).toMatchObject({ status: "queued", claimedBy: null });
    expect(await rowOf(alive!)).toMatchObject({ status: "sending" });
  });
});
