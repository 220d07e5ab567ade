// The "Try it" promise in a real browser: the page at / gets a session, sends a message and shows
// the bot's reply. Needs Chromium (Debian: apt-get install chromium); skipped where there is none.
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebChat, type WebChatHarness } from "../helpers/web-chat.js";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));

// CI sets BALANTING_REQUIRE_CHROMIUM so that a missing browser fails instead of skipping.
if (!CHROMIUM && process.env.BALANTING_REQUIRE_CHROMIUM)
  throw new Error("Chromium is required (BALANTING_REQUIRE_CHROMIUM is set) but not installed");

describe.skipIf(!CHROMIUM)("the web chat page in Chromium", () => {
  let chat: WebChatHarness;
  let url = "";
  beforeAll(async () => {
    chat = await createWebChat();
    url = await chat.app.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    await chat?.close();
  });

  it("sends a message and shows the reply, with no script blocked by the CSP", async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    try {
      const page = await browser.newPage();
      // Waits are on selectors; their limit is only for a hang, generous for a busy 2-core machine.
      page.setDefaultTimeout(90_000);
      const blocked: string[] = [];
      page.on("console", (m) => {
        if (/Content Security Policy/i.test(m.text())) blocked.push(m.text());
      });
      await page.goto(url.replace("127.0.0.1", "localhost"));
      await page.fill("#text", "apa itu stunting");
      await page.click("#send");
      await page.waitForSelector(".msg.bot");
      expect(await page.textContent(".msg.bot")).toMatch(/stunting/i);
      // "New user" is another person: nothing of the first one's conversation is shown.
      await page.click("#newUser");
      await page.waitForSelector(".hint");
      expect(await page.$$(".msg")).toHaveLength(0);
      expect(blocked).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 180_000);
});
