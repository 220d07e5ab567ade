// Whatever a person types, the bot answers something, in their language, and never fails.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebChat, type WebChatHarness } from "../helpers/web-chat.js";

describe("any message", () => {
  let chat: WebChatHarness;
  beforeAll(async () => {
    chat = await createWebChat();
  });
  afterAll(async () => {
    await chat?.close();
  });

  it("gets a reply and never an error, whatever it holds", async () => {
    const words = fc.constantFrom(
      "UKUR",
      "BATAL",
      "DAFTAR",
      "1",
      "2",
      "HAPUS DATA",
      "ya",
      "tgl 31/02",
      "BB 8,2",
      "🙏",
      "bumil",
      "ASI",
      "\n",
      "JAWAB 1",
      "KODE 12",
    );
    const message = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.array(words, { minLength: 1, maxLength: 6 }).map((w) => w.join(" ")),
      fc.string({ unit: "grapheme", maxLength: 80 }),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 4 }), async (messages) => {
        const from = `fuzz-${n++}`;
        for (const text of messages) {
          const replies = await chat.send(from, text.length > 0 ? text : " ");
          expect(replies.length).toBeGreaterThan(0);
          for (const r of replies) {
            expect(r.text.trim()).not.toBe("");
            expect(r.text).not.toMatch(/Error|undefined|\[object|stack|conversation:|growth:|faq:/);
          }
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
