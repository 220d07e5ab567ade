// Group commit: concurrent messages of different people handled in one transaction. Each is
// still recorded once, answered with its own replies and dialogue state, and one person's
// messages still run in arrival order.
import { asc, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InboundMessage } from "../../src/channels/channel.js";
import { inboundMessages, outbox } from "../../src/channels/channels.sql.js";
import { ChannelHub } from "../../src/channels/index.js";
import { contactChannels, conversationStates } from "../../src/contacts/index.js";
import { handleInboundBatch, SamePersonTwiceError } from "../../src/conversation/group-commit.js";
import { createInboundSink, handleInbound } from "../../src/conversation/inbound.js";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.js";

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime();
});
afterAll(async () => {
  await rt?.close();
});

const message = (over: Partial<InboundMessage>): InboundMessage => ({
  channel: "telegram",
  externalId: `m-${Math.random()}`,
  address: "0",
  text: "apa itu stunting",
  receivedAt: rt.clock.now(),
  ...over,
});

describe("group commit", () => {
  it("answers each message of a batch with its own replies and state; a redelivery in it is a duplicate", async () => {
    const earlier = message({ externalId: "gc-earlier", address: "920000" });
    await handleInboundBatch(rt, [earlier]);
    const batch = [
      message({ externalId: "gc-1", address: "920003" }),
      message({ externalId: "gc-2", address: "920001", text: "halo" }),
      earlier,
      message({ externalId: "gc-3", address: "920002", text: "kapan bayi mulai mpasi" }),
    ];
    const results = await handleInboundBatch(rt, batch);
    expect(results.map((r) => r.duplicate)).toEqual([false, false, true, false]);
    expect(results[2]?.outboxIds).toEqual([]);
    for (const [i, m] of batch.entries()) {
      if (i === 2) continue;
      const ids = results[i]?.outboxIds ?? [];
      expect(ids.length).toBeGreaterThan(0);
      const rows = await rt.db.select().from(outbox).where(inArray(outbox.id, ids));
      expect(rows.map((r) => r.address)).toEqual(ids.map(() => m.address));
    }
    // The FAQ remembers its answer (the state written with the batch's other writes).
    const [channel] = await rt.db.select().from(contactChannels).where(eq(contactChannels.address, "920003"));
    const states = await rt.db.select().from(conversationStates).where(eq(conversationStates.contactId, channel!.contactId));
    expect(states).toHaveLength(1);
    const ledger = await rt.db
      .select()
      .from(inboundMessages)
      .where(inArray(inboundMessages.externalId, ["gc-1", "gc-2", "gc-3", "gc-earlier"]));
    expect(ledger).toHaveLength(4);
  });

  it("does not batch one person's messages on two channels: rolled back, then handled one by one", async () => {
    const phone = "6281299990077";
    await handleInbound(rt, message({ channel: "whatsapp-cloud", address: phone, phone }));
    await handleInbound(rt, message({ channel: "telegram", address: "940001", phone }));
    const both = [
      message({ channel: "whatsapp-cloud", externalId: "gc-two-wa", address: phone, phone }),
      message({ channel: "telegram", externalId: "gc-two-tg", address: "940001", phone }),
    ];
    await expect(handleInboundBatch(rt, both)).rejects.toBeInstanceOf(SamePersonTwiceError);
    expect(
      await rt.db
        .select()
        .from(inboundMessages)
        .where(inArray(inboundMessages.externalId, ["gc-two-wa", "gc-two-tg"])),
    ).toHaveLength(0);
    const sink = createInboundSink(rt, new ChannelHub());
    await Promise.all(both.map((m) => sink(m)));
    await sink.idle();
    expect(
      await rt.db
        .select()
        .from(inboundMessages)
        .where(inArray(inboundMessages.externalId, ["gc-two-wa", "gc-two-tg"])),
    ).toHaveLength(2);
  });

  it("handles concurrent messages once each, and one person's messages in arrival order", async () => {
    const hub = new ChannelHub();
    const sink = createInboundSink(rt, hub);
    const people = Array.from({ length: 12 }, (_, i) => String(930000 + i));
    const sent: InboundMessage[] = [];
    for (let round = 0; round < 3; round++) {
      for (const address of people)
        sent.push(message({ externalId: `gc-order-${address}-${round}`, address, text: round === 1 ? "halo" : "apa itu stunting" }));
    }
    await Promise.all(sent.map((m) => sink(m)));
    await sink.idle();
    const ledger = await rt.db
      .select()
      .from(inboundMessages)
      .where(
        inArray(
          inboundMessages.externalId,
          sent.map((m) => m.externalId),
        ),
      )
      .orderBy(asc(inboundMessages.id));
    expect(ledger).toHaveLength(sent.length);
    for (const address of people) {
      const mine = ledger.filter((r) => r.externalId.startsWith(`gc-order-${address}-`)).map((r) => r.externalId);
      expect(mine).toEqual([0, 1, 2].map((round) => `gc-order-${address}-${round}`));
    }
    const replies = await rt.db.select().from(outbox).where(inArray(outbox.address, people));
    expect(new Set(replies.map((r) => r.address)).size).toBe(people.length);
    expect(replies.length).toBeGreaterThanOrEqual(sent.length);
  });
});
