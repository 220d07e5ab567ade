// One rule picks the channel a message to a person goes to (notices, results, reminders): the one
// they last wrote from, a never-used channel by when it was added — never a never-used channel
// ahead of one the person writes from (PostgreSQL sorts NULLs first in a descending order).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contactChannels, contacts } from "../../src/contacts/contacts.sql.js";
import { preferredChannel } from "../../src/contacts/preferred-channel.js";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.js";

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime();
});
afterAll(async () => {
  await rt?.close();
});

const at = (iso: string) => new Date(iso);

describe("the preferred channel", () => {
  it("is the one the person last wrote from, ahead of a channel never written from", async () => {
    const [c] = await rt.db.insert(contacts).values({}).returning();
    await rt.db.insert(contactChannels).values([
      { contactId: c!.id, channel: "whatsapp", address: "pc-wa-1", createdAt: at("2026-11-20T00:00:00Z"), lastInboundAt: null },
      {
        contactId: c!.id,
        channel: "telegram",
        address: "pc-tg-1",
        createdAt: at("2026-11-01T00:00:00Z"),
        lastInboundAt: at("2026-11-26T00:00:00Z"),
      },
      {
        contactId: c!.id,
        channel: "web",
        address: "pc-web-1",
        createdAt: at("2026-10-01T00:00:00Z"),
        lastInboundAt: at("2026-11-02T00:00:00Z"),
      },
    ]);
    expect((await preferredChannel(rt.db, c!.id))?.address).toBe("pc-tg-1");
  });

  it("counts a channel never written from by when it was added, and is undefined without channels", async () => {
    const [c] = await rt.db.insert(contacts).values({}).returning();
    await rt.db.insert(contactChannels).values([
      { contactId: c!.id, channel: "whatsapp", address: "pc-wa-2", createdAt: at("2026-11-25T00:00:00Z"), lastInboundAt: null },
      {
        contactId: c!.id,
        channel: "telegram",
        address: "pc-tg-2",
        createdAt: at("2026-11-01T00:00:00Z"),
        lastInboundAt: at("2026-11-10T00:00:00Z"),
      },
    ]);
    expect((await preferredChannel(rt.db, c!.id))?.address).toBe("pc-wa-2");
    const [lonely] = await rt.db.insert(contacts).values({}).returning();
    expect(await preferredChannel(rt.db, lonely!.id)).toBeUndefined();
  });
});
