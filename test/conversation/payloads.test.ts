// Every button payload gets a helpful reply, also ones the bot never sent (an old keyboard, a
// forged callback): never silence, never an error.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebChat, type WebChatHarness } from "../helpers/web-chat.js";

describe("unknown button payloads", () => {
  let chat: WebChatHarness;
  beforeAll(async () => {
    chat = await createWebChat();
  });
  afterAll(async () => {
    await chat?.close();
  });

  const prefixes = ["cmd:", "faq:topic:", "faq:more:", "lang:", "desa:", "posyandu:", "child:", "growth:", "role:", "sex:", "reason:", ""];
  const payload = fc
    .tuple(
      fc.constantFrom(...prefixes),
      fc.oneof(fc.string({ minLength: 0, maxLength: 12 }), fc.constantFrom("zzz", "999", "menu", "nope", "0")),
    )
    .map(([p, rest]) => `${p}${rest}`)
    .filter((p) => p.length > 0);

  it("each gets a non-empty reply, from a new person or in the middle of registering", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(payload, fc.boolean(), async (p, registering) => {
        const from = `payload-${n++}`;
        if (registering) await chat.send(from, "DAFTAR");
        const replies = await chat.send(from, { payload: p });
        expect(replies.length, `no reply to ${JSON.stringify(p)}`).toBeGreaterThan(0);
        for (const r of replies) {
          expect(r.text.trim()).not.toBe("");
          expect(r.text).not.toMatch(/undefined|\[object|conversation:|faq:|growth:/);
        }
      }),
      { numRuns: 80 },
    );
  }, 240_000);

  it.each(["cmd:nope", "cmd:", "faq:topic:zzz", "faq:more:zzz", "lang:xx", "child:zzz", "growth:zzz"])("%s is answered", async (p) => {
    const replies = await chat.send(`fixed-${p}`, { payload: p });
    expect(replies.length).toBeGreaterThan(0);
  });
});

// The outbound engine holds every row it claims until its outcome is known, so a turn's own
// delivery waits for rows another delivery call claimed first, on both databases.
describe("web chat replies while the outbox job runs", () => {
  let chat: WebChatHarness;
  beforeAll(async () => {
    chat = await createWebChat();
  });
  afterAll(async () => {
    await chat?.close();
  });

  it("come back with the message, never as an empty group (the job may claim them first)", async () => {
    const { deliverOutbox } = await import("../../src/channels/outbox.js");
    let running = true;
    // The per-minute outbox job, running back to back so it keeps claiming fresh reply rows.
    const job = (async () => {
      while (running) {
        await deliverOutbox(chat.rt, chat.hub);
        await new Promise((r) => setImmediate(r)); // let the chat requests in between
      }
    })();
    try {
      for (let i = 0; i < 40; i++) {
        const replies = await chat.send(`boundary-${i}`, "apa itu stunting");
        expect(replies.length, `message ${i}`).toBeGreaterThan(0);
      }
    } finally {
      running = false;
      await job;
    }
  }, 240_000);
});
