// Formatting in the web chat: the page served at / shows `*bold*` as <strong> (built as
// DOM nodes) with the same rule the server uses (src/channels/format.ts), and the chat API still
// carries the channel-neutral text.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boldSegments } from "../../src/channels/format.js";
import { createWebChat, type WebChatHarness } from "../helpers/web-chat.js";

let chat: WebChatHarness;
let pageSegments: (text: string) => { text: string; bold: boolean }[];

beforeAll(async () => {
  chat = await createWebChat();
  const page = (await chat.app.inject({ method: "GET", url: "/" })).body;
  const source = /function boldSegments\(text\) \{[\s\S]*?\n\}\n/.exec(page)?.[0];
  if (!source) throw new Error("the page has no boldSegments function");
  pageSegments = new Function(`${source}; return boldSegments;`)() as typeof pageSegments;
  expect(page).toMatch(/if \(m\.who === "bot"\) richText\(div, m\.text\)/);
});
afterAll(async () => chat?.close());

describe("web chat page formatting (item 14)", () => {
  const samples = [
    "*Apa itu stunting?*\nStunting adalah …",
    "nomor ******1234 dan 2*3",
    "*tebal* dan *juga tebal*, tapi a*b*c bukan",
    "*belum ditutup",
    "",
  ];

  it("splits bot texts into bold and plain runs exactly as the server's rule", () => {
    for (const text of samples) expect(pageSegments(text)).toEqual(boldSegments(text));
    expect(pageSegments(samples[0]!)[0]).toEqual({ text: "Apa itu stunting?", bold: true });
    expect(pageSegments(samples[1]!)).toEqual([{ text: samples[1], bold: false }]);
  });

  it("an FAQ answer from the chat API has its title marked for the page to render bold", async () => {
    // Answered at once (a plain one-topic question); a menu's first choice would do as well.
    const replies = await chat.send("fmt-web", "apa itu stunting?");
    const [answer] = /^\*/.test(replies[0]?.text ?? "") ? replies : await chat.send("fmt-web", "1");
    const segments = pageSegments(answer!.text);
    expect(segments[0]).toMatchObject({ bold: true });
    expect(segments.map((s) => s.text).join("")).not.toMatch(/^\*/);
  });
});
