// A new installation has Balangan's puskesmas with every desa served by exactly
// one, so a person's first DAFTAR leads to their own puskesmas (named in a danger-sign answer).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { areas } from "../../src/areas/areas.sql.js";
import { puskesmas, puskesmasDesa } from "../../src/health-units/health-units.sql.js";
import { BALANGAN_PUSKESMAS, seedPuskesmas } from "../../src/health-units/seed.js";
import { eq } from "drizzle-orm";
import { createWebChat, type WebChatHarness } from "../helpers/web-chat.js";

let chat: WebChatHarness;
beforeAll(async () => {
  chat = await createWebChat();
});
afterAll(async () => chat?.close());

describe("seeded puskesmas", () => {
  it("seeds every puskesmas once, each desa served by exactly one, and never again", async () => {
    expect(await seedPuskesmas(chat.rt.db)).toBe(BALANGAN_PUSKESMAS.length);
    const desa = await chat.rt.db.select({ code: areas.code }).from(areas).where(eq(areas.level, "desa"));
    const served = await chat.rt.db.select().from(puskesmasDesa);
    expect(served.map((s) => s.desaCode).sort()).toEqual(desa.map((d) => d.code).sort());
    const names = (await chat.rt.db.select().from(puskesmas)).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(["Puskesmas Paringin", "Puskesmas Halong", "Puskesmas Uren"]));
    expect(await seedPuskesmas(chat.rt.db)).toBe(0);
  });

  it("the first DAFTAR in a desa leads to its puskesmas", async () => {
    for (const answer of ["DAFTAR", "1", "1", "1", "Uren"]) await chat.send("uren-1", answer);
    const replies = await chat.say("uren-1", "bayi saya kuning sampai telapak kaki dan tidak mau menyusu");
    expect(replies).toMatch(/SEGERA ke bidan atau Puskesmas Uren/);
    for (const answer of ["DAFTAR", "1", "1", "1", "Muara Ninian"]) await chat.send("juai-1", answer);
    expect(await chat.say("juai-1", "bayi saya kuning sampai telapak kaki dan tidak mau menyusu")).toMatch(
      /SEGERA ke bidan atau Puskesmas Juai/,
    );
  });
});
