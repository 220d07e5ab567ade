// A date said inside a sentence ("anak ulun lahir tanggal 1 september 2026",
// "lahir 3 bulan tadi") is understood, in the parser and in DAFTAR over the web chat.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseLooseDate } from "../../src/lib/input/dates.js";
import { createWebChat, type WebChatHarness } from "../helpers/web-chat.js";
import { registerAs } from "../reminders/chat-helpers.js";

const TODAY = "2026-11-27";

describe("dates inside sentences", () => {
  it.each([
    ["anak ulun lahir tanggal 1 september 2026", "2026-09-01"],
    ["anak saya lahir tgl 5 mei", "2026-05-05"],
    ["lahirnya 12/3/26 pagi", "2026-03-12"],
    ["lahir pada 2026-10-02 di puskesmas", "2026-10-02"],
    ["anak ke 2 lahir 5 mei 2026", "2026-05-05"],
    ["lahir 3 bulan tadi", "2026-08-27"],
    ["lahir 3 bulan yang lalu", "2026-08-27"],
    ["lahir dua minggu nang liwat", "2026-11-13"],
    ["lahir seminggu lalu", "2026-11-20"],
    ["lahir 10 hari yg lalu", "2026-11-17"],
    ["baru lahir kemarin sore", "2026-11-26"],
    ["anak ulun lahir samalam", "2026-11-26"],
  ])("%s → %s", (text, date) => {
    expect(parseLooseDate(text, TODAY, "past")).toBe(date);
  });

  it.each(["anak ulun lahiran di rumah", "3 bulan", "umur 3 bulan", "lahir tanggal 31 februari 2026", "hamil bulan ini"])(
    "%s is not a date",
    (text) => {
      expect(parseLooseDate(text, TODAY, "past")).toBeNull();
    },
  );
});

describe("DAFTAR with a birth date in a sentence", () => {
  let chat: WebChatHarness;
  beforeAll(async () => {
    chat = await createWebChat({ now: "2026-11-27T02:00:00Z" });
  });
  afterAll(async () => chat?.close());

  it("takes 'anak ulun lahir tanggal 1 september 2026' in Banjar", async () => {
    const from = "uma-kalimat";
    expect(await registerAs(chat, from, "parent", "2")).toMatch(/tanggal lahir anak pian/);
    expect(await chat.say(from, "anak ulun lahir tanggal 1 september 2026")).toMatch(/Siapa ngaran anaknya/);
    await chat.say(from, "Galuh");
    expect(await chat.say(from, "binian")).toMatch(/Galuh, lahir 1 September 2026/);
  });

  it("takes 'lahir 3 bulan tadi' as three months before today", async () => {
    const from = "uma-relatif";
    await registerAs(chat, from, "parent", "2");
    expect(await chat.say(from, "lahir 3 bulan tadi")).toMatch(/Siapa ngaran anaknya/);
    await chat.say(from, "Ahmad");
    expect(await chat.say(from, "lakian")).toMatch(/Ahmad, lahir 27 Agustus 2026/);
  });
});
