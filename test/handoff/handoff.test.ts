import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffAccounts, staffChatLinks } from "../../src/admin/accounts.sql.js";
import { deliverOutbox } from "../../src/channels/outbox.js";
import { contactChannels } from "../../src/contacts/contacts.sql.js";
import { handoffQuestions } from "../../src/handoff/index.js";
import { createWebChat, type WebChatHarness } from "../helpers/web-chat.js";

const DESA = "63.11.01.2001"; // Muara Ninian, Kec. Juai

async function contactIdOf(chat: WebChatHarness, address: string) {
  const [row] = await chat.rt.db
    .select()
    .from(contactChannels)
    .where(eq(contactChannels.address, chat.addressOf(address)));
  return row!.contactId;
}

/** A staff account linked to a web chat identity, as KODE … would leave it. */
async function linkedStaff(
  chat: WebChatHarness,
  address: string,
  values: Partial<typeof staffAccounts.$inferInsert> & { role: "bidan" | "pokja_admin" },
) {
  await chat.send(address, "halo");
  const [account] = await chat.rt.db
    .insert(staffAccounts)
    .values({ username: address, name: address, ...values })
    .returning();
  await chat.rt.db.insert(staffChatLinks).values({ accountId: account!.id, contactId: await contactIdOf(chat, address) });
  return account!;
}

/** Sends what the outbox job would send, then reads the web user's mailbox. */
async function inbox(chat: WebChatHarness, address: string): Promise<string> {
  await deliverOutbox(chat.rt, chat.hub);
  return (await chat.inbox(address)).map((r) => r.text).join("\n---\n");
}

describe("Tanya bidan", () => {
  let chat: WebChatHarness;
  beforeAll(async () => {
    chat = await createWebChat();
    await linkedStaff(chat, "bidan-juai", { role: "bidan", desaCode: DESA });
    await linkedStaff(chat, "pokja-1", { role: "pokja_admin" });
  });
  afterAll(async () => {
    await chat?.close();
  });

  it("passes an unanswerable question to the bidan of the desa, who answers by chat", async () => {
    // Registered, then the children's birth dates left for later.
    for (const answer of ["DAFTAR", "1", "1", "1", "Muara Ninian", "BATAL"]) await chat.send("ibu-q", answer);
    const question = "apakah boleh anak minum air kelapa muda setiap hari";
    const declined = await chat.send("ibu-q", question);
    expect(declined.some((r) => r.buttons?.some((b) => b.payload === "cmd:handoff"))).toBe(true);
    const sent = await chat.say("ibu-q", { payload: "cmd:handoff" });
    const number = /nomor (\d+)/.exec(sent)?.[1];
    expect(number).toBeDefined();

    const [row] = await chat.rt.db
      .select()
      .from(handoffQuestions)
      .where(eq(handoffQuestions.number, Number(number)));
    expect(row).toMatchObject({ question, desaCode: DESA, status: "open", lang: "id" });

    const toBidan = await inbox(chat, "bidan-juai");
    expect(toBidan).toContain(question);
    expect(toBidan).toContain(`JAWAB ${number}`);
    expect(await inbox(chat, "pokja-1")).toBe(""); // the desa has its own bidan

    expect(await chat.say("bidan-juai", `JAWAB ${number} Boleh, secukupnya, tetap utamakan ASI dan makanan bergizi.`)).toMatch(
      new RegExp(`nomor ${number} sudah dikirim`),
    );
    expect(await inbox(chat, "ibu-q")).toMatch(/Boleh, secukupnya/);
    const [answered] = await chat.rt.db.select().from(handoffQuestions).where(eq(handoffQuestions.id, row!.id));
    expect(answered).toMatchObject({ status: "answered" });
    expect(await chat.say("bidan-juai", `JAWAB ${number} lagi`)).toMatch(/sudah dijawab/);
  });

  it("asks for the question when TANYA BIDAN comes first, and routes people without a desa to the Pokja", async () => {
    expect(await chat.say("anon-q", "tanya bidan")).toMatch(/tulis pertanyaan Anda/);
    expect(await chat.say("anon-q", "anak saya sering mimisan, apa sebabnya?")).toMatch(/sudah diteruskan/);
    expect(await inbox(chat, "pokja-1")).toMatch(/mimisan/);
  });

  it("does not let an unlinked person or a health worker of another area answer", async () => {
    await chat.send("anon-2", "tanya bidan");
    const number = /nomor (\d+)/.exec(await chat.say("anon-2", "pertanyaan tanpa desa"))?.[1];
    expect(await chat.say("stranger", `JAWAB ${number} jawaban palsu`)).toMatch(/sudah terhubung/);
    // The Juai bidan cannot see a question with no desa (only the Pokja can).
    expect(await chat.say("bidan-juai", `JAWAB ${number} jawaban`)).toMatch(/tidak ditemukan di wilayah Anda/);
  });

  it("in Banjar too", async () => {
    await chat.send("uma-q", "bahasa");
    await chat.send("uma-q", "2");
    expect(await chat.say("uma-q", "takuni bidan")).toMatch(/Silakan tulis patakunan pian/);
    expect(await chat.say("uma-q", "anak ulun kada hakun makan sayur")).toMatch(/hudah diterusakan/);
  });
});
