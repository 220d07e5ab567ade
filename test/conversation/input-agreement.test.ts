// A kader and a parent read alike (lib/input): the same Banjar words, the same dates, the same
// age limit (children/balita.ts). Through the web chat on a real database.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { children } from "../../src/children/children.sql.js";
import { conversationStates } from "../../src/contacts/contacts.sql.js";
import { addDays, addOffset } from "../../src/reminders/dates.js";
import { createWebChat, type WebChatHarness } from "../helpers/web-chat.js";
import { contactOf, makeKader, makeParent, paced, seedGrowthWorld, type GrowthWorld } from "../growth/helpers.js";
import { witaDate } from "../reminders/chat-helpers.js";

let chat: WebChatHarness;
let world: GrowthWorld;

beforeAll(async () => {
  chat = paced(await createWebChat());
  world = await seedGrowthWorld(chat);
  await makeKader(chat, "kader-utuh", world.posyandu.melati, "bjn");
  await makeParent(chat, "mama-utuh", "6281399990000", "bjn");
});
afterAll(async () => {
  await chat?.close();
});

async function stateOf(from: string) {
  const c = await contactOf(chat, from);
  const [row] = await chat.rt.db.select().from(conversationStates).where(eq(conversationStates.contactId, c.id));
  return row;
}

describe("a kader and a parent typing the same things", () => {
  it('ANAK HANYAR: a kader registers a child at the posyandu; "utuh" is a boy and "kemarin" a birth date', async () => {
    await chat.send("kader-utuh", "anak hanyar");
    expect((await stateOf("kader-utuh"))?.flow).toBe("growth:child");
    await chat.send("kader-utuh", "Utuh Amat");
    await chat.send("kader-utuh", "utuh");
    expect(await stateOf("kader-utuh")).toMatchObject({ step: "birth", data: { sex: "L" } });
    await chat.send("kader-utuh", "kemarin");
    expect(await stateOf("kader-utuh")).toMatchObject({ data: { birthDate: addDays(witaDate(chat), -1) } });
    await chat.send("kader-utuh", "batal");
  });

  it('ANAK HANYAR: a parent adds their own child; "2 bulan lalu" and "utuh" read the same way', async () => {
    await chat.send("mama-utuh", "anak hanyar");
    expect((await stateOf("mama-utuh"))?.flow).toBe("enrol:parent");
    await chat.send("mama-utuh", "2 bulan lalu");
    await chat.send("mama-utuh", "Utuh Amin");
    await chat.send("mama-utuh", "utuh");
    const parent = await contactOf(chat, "mama-utuh");
    const [child] = await chat.rt.db
      .select()
      .from(children)
      .where(and(eq(children.name, "Utuh Amin")));
    expect(child).toMatchObject({ sex: "L", birthDate: addOffset(witaDate(chat), { months: -2 }) });
    expect(parent.role).toBe("parent");
    // "Any more children?" — a Banjar no, read by the same yes/no reader as consent.
    expect(await stateOf("mama-utuh")).toMatchObject({ flow: "enrol:parent", step: "more" });
    await chat.send("mama-utuh", "kada");
    expect(await stateOf("mama-utuh")).toBeUndefined();
  });

  it("one age limit: a child of 60 months is refused by both, one of 59 months taken by both", async () => {
    const today = witaDate(chat);
    const sixty = addOffset(today, { months: -60 });
    const fiftyNine = addDays(sixty, 1);
    const dmy = (iso: string) => iso.split("-").reverse().join("/");

    await chat.send("kader-utuh", "anak baru");
    await chat.send("kader-utuh", "Galuh");
    await chat.send("kader-utuh", "diang");
    await chat.send("kader-utuh", dmy(sixty));
    expect((await stateOf("kader-utuh"))?.step).toBe("birth");
    await chat.send("kader-utuh", dmy(fiftyNine));
    expect((await stateOf("kader-utuh"))?.data).toMatchObject({ birthDate: fiftyNine });
    await chat.send("kader-utuh", "batal");

    await chat.send("mama-utuh", "tambah anak");
    await chat.send("mama-utuh", dmy(sixty));
    expect((await stateOf("mama-utuh"))?.step).toBe("child");
    await chat.send("mama-utuh", dmy(fiftyNine));
    expect(await stateOf("mama-utuh")).toMatchObject({ step: "name", data: { birthDate: fiftyNine } });
  });
});
