// The first half of every inbound message runs in the database (inbound_begin, created with the
// migrations): ledger, find-or-create contact, the person's lock, flood count, dialogue state.
// Its promises, through handleInbound on a real database.
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InboundMessage } from "../../src/channels/channel.js";
import { inboundMessages, outbox } from "../../src/channels/channels.sql.js";
import { contactChannels, conversationStates } from "../../src/contacts/index.js";
import { handleInbound } from "../../src/conversation/inbound.js";
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
  text: "halo",
  receivedAt: rt.clock.now(),
  ...over,
});

describe("inbound_begin", () => {
  it("stores a message once: a redelivery is a duplicate and queues nothing", async () => {
    const m = message({ externalId: "once-1", address: "910001" });
    const first = await handleInbound(rt, m);
    expect(first.duplicate).toBe(false);
    expect(first.outboxIds.length).toBeGreaterThan(0);
    expect(await handleInbound(rt, m)).toEqual({ duplicate: true, outboxIds: [] });
    const ledger = await rt.db.select().from(inboundMessages).where(eq(inboundMessages.externalId, "once-1"));
    expect(ledger).toHaveLength(1);
    expect(ledger[0]?.contactId).not.toBeNull();
  });

  it("makes one contact of two first messages of a new person arriving together, and handles both", async () => {
    const [a, b] = await Promise.all([
      handleInbound(rt, message({ externalId: "race-a", address: "910002" })),
      handleInbound(rt, message({ externalId: "race-b", address: "910002", text: "apa itu stunting" })),
    ]);
    expect([a?.duplicate, b?.duplicate]).toEqual([false, false]);
    const channels = await rt.db.select().from(contactChannels).where(eq(contactChannels.address, "910002"));
    expect(channels).toHaveLength(1);
    const ledger = await rt.db
      .select()
      .from(inboundMessages)
      .where(inArray(inboundMessages.externalId, ["race-a", "race-b"]));
    expect(new Set(ledger.map((r) => r.contactId))).toEqual(new Set([channels[0]?.contactId]));
  });

  it("recognises the same person on a second channel by the phone the provider vouches for", async () => {
    await handleInbound(rt, message({ channel: "whatsapp-cloud", address: "6281299990001", phone: "6281299990001" }));
    await handleInbound(rt, message({ channel: "telegram", address: "910003", phone: "6281299990001" }));
    const rows = await rt.db.select().from(contactChannels).where(eq(contactChannels.phone, "6281299990001"));
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((r) => r.contactId)).size).toBe(1);
  });

  it("forgets a dialogue left past its time and says so; replies carry the person's language", async () => {
    await handleInbound(rt, message({ address: "910004" }));
    const [channel] = await rt.db.select().from(contactChannels).where(eq(contactChannels.address, "910004"));
    const contactId = channel?.contactId as string;
    const past = new Date(rt.clock.now().getTime() - 60_000);
    await rt.db.delete(conversationStates).where(eq(conversationStates.contactId, contactId));
    await rt.db
      .insert(conversationStates)
      .values({ contactId, flow: "registration", step: "language", data: {}, updatedAt: past, expiresAt: past });
    const { outboxIds } = await handleInbound(rt, message({ address: "910004", text: "halo" }));
    const rows = await rt.db.select().from(outbox).where(inArray(outbox.id, outboxIds));
    expect(rows.map((r) => r.message.text)).toContain(rt.i18n.t("id", "conversation:expired"));
    expect(rows.every((r) => r.lang === "id" && r.lastInboundAt !== null)).toBe(true);
    expect(await rt.db.select().from(conversationStates).where(eq(conversationStates.contactId, contactId))).toEqual([]);
  });
});
