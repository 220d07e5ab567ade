import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { puskesmas, puskesmasDesa } from "../../src/health-units/health-units.sql.js";
import { createWebChat, type WebChatHarness } from "../helpers/web-chat.js";

describe("questions through the web chat", () => {
  let chat: WebChatHarness;
  const t = (lang: "id" | "bjn", key: string) => chat.rt.i18n.t(lang, key);
  beforeAll(async () => {
    chat = await createWebChat();
  });
  afterAll(async () => {
    await chat?.close();
  });

  it.each([
    ["plain Indonesian", "Berapa kali ibu hamil harus periksa kehamilan?", "anc-jadwal", "id"],
    ["chat spelling", "bumil hrs priksa brp kali y bu", "anc-jadwal", "id"],
    ["Banjar", "Bini ulun batianan hanyar 2 bulan, barapa kali harus ka bidan?", "anc-jadwal", "bjn"],
    ["plain Indonesian", "kapan bayi mulai diberi MP-ASI?", "mpasi-mulai", "id"],
  ] as const)("answers %s in the language it was asked in", async (_style, question, topic, lang) => {
    const replies = await chat.send(`q-${question.length}`, question);
    const text = replies.map((r) => r.text).join("\n");
    expect(text).toContain(t(lang, `faq:${topic}.answer`).slice(0, 60));
    expect(text).toMatch(/Sumber/);
  });

  it("answers in the person's chosen language whatever they write in", async () => {
    await chat.send("lang-bjn", "bahasa");
    await chat.send("lang-bjn", "2");
    const text = await chat.say("lang-bjn", "kapan bayi mulai diberi MP-ASI?");
    expect(text).toContain(t("bjn", "faq:mpasi-mulai.answer").slice(0, 60));
  });

  it("gives the longer explanation on 'selengkapnya' or its button", async () => {
    const replies = await chat.send("more-1", "Berapa kali ibu hamil harus periksa kehamilan?");
    const more = replies.at(-1)?.buttons?.find((b) => b.payload.startsWith("faq:more:"));
    expect(more).toBeDefined();
    expect(await chat.say("more-1", "selengkapnya")).toContain(t("id", "faq:anc-jadwal.more").slice(0, 60));
    expect(await chat.say("more-1", { payload: more!.payload })).toContain(t("id", "faq:anc-jadwal.more").slice(0, 60));
  });

  it("declines off-topic questions and greets without a random health answer", async () => {
    expect(await chat.say("off-1", "kapan pasar malam buka")).toBe(t("id", "knowledge:none.offtopic"));
    expect(await chat.say("off-2", "harga beras brp skrg")).toBe(t("id", "knowledge:none.offtopic"));
    expect(await chat.say("off-3", "makasih bu")).toBe(t("id", "knowledge:none.thanks"));
  });

  it("sends people with a danger sign to their own puskesmas first", async () => {
    const [pkm] = await chat.rt.db.insert(puskesmas).values({ name: "Puskesmas Juai" }).returning();
    await chat.rt.db.insert(puskesmasDesa).values({ puskesmasId: pkm!.id, desaCode: "63.11.01.2001" });
    for (const answer of ["DAFTAR", "1", "1", "1", "Muara Ninian"]) await chat.send("danger-1", answer);
    const replies = await chat.send("danger-1", "bayi saya kuning sampai telapak kaki dan tidak mau menyusu");
    expect(replies[0]?.text).toMatch(/Puskesmas Juai/);
    expect(replies[0]?.text).toMatch(/SEGERA/);
  });

  it("offers the best topics to choose from when unsure, and answers the chosen number", async () => {
    // One word fits several immunisation topics.
    const replies = await chat.send("vague-1", "imunisasi");
    const choices = replies.find((r) => r.buttons?.some((b) => b.payload.startsWith("faq:topic:")));
    expect(choices?.text).toMatch(/^Maksud .*\n1\. .+\n2\. .+/);
    expect(choices!.buttons!.length).toBeGreaterThanOrEqual(2);
    const second = choices!.buttons![1]!.payload.slice("faq:topic:".length);
    expect(await chat.say("vague-1", "2")).toContain(t("id", `faq:${second}.answer`).slice(0, 40));
  });
});
