import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contactChannels, findOrCreateContact } from "../../src/contacts/index.js";
import type { InboundMessage } from "../../src/channels/channel.js";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.js";

const message = (m: Partial<InboundMessage>): InboundMessage => ({
  channel: "whatsapp",
  externalId: "x",
  address: "a",
  receivedAt: new Date("2026-11-27T01:00:00Z"),
  ...m,
});

describe("contacts across channels", () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime();
  });
  afterAll(async () => {
    await rt?.close();
  });

  it("recognises the same person on a second channel by their phone number", async () => {
    const wa = await findOrCreateContact(rt.db, message({ channel: "whatsapp", address: "123@lid", phone: "6281234567890" }));
    const tg = await findOrCreateContact(rt.db, message({ channel: "telegram", address: "99001", phone: "6281234567890" }));
    expect(tg.created).toBe(false);
    expect(tg.contact.id).toBe(wa.contact.id);
    const channels = await rt.db.select().from(contactChannels).where(eq(contactChannels.contactId, wa.contact.id));
    expect(channels.map((c) => c.channel).sort()).toEqual(["telegram", "whatsapp"]);
  });

  it("keeps people apart without a phone number, and finds a known channel again", async () => {
    const a = await findOrCreateContact(rt.db, message({ channel: "web", address: "w-1" }));
    const b = await findOrCreateContact(rt.db, message({ channel: "telegram", address: "w-1" }));
    expect(a.contact.id).not.toBe(b.contact.id);
    const again = await findOrCreateContact(rt.db, message({ channel: "web", address: "w-1" }));
    expect(again).toMatchObject({ created: false, contact: { id: a.contact.id } });
  });
});
