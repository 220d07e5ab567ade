// HAPUS DATA erases what the person sent, everywhere: after it, no table of the database holds
// their phone, chat address, the names of the children they registered or the texts they wrote.
// What a kader recorded under their duty stays, without the link to the person.
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../src/platform/audit.sql.js";
import { deliverOutbox } from "../../src/channels/outbox.js";
import { children } from "../../src/children/children.sql.js";
import { contactChannels, contacts } from "../../src/contacts/contacts.sql.js";
import { queryRows } from "../../src/db/client.js";
import { measurements } from "../../src/growth/growth.sql.js";
import { createWebChat, type WebChatHarness } from "../helpers/web-chat.js";
import { BATU_PIRING, codeIn, contactOf, makeKader, paced, seedGrowthWorld, type GrowthWorld } from "../growth/helpers.js";
import { registerAs } from "../reminders/chat-helpers.js";

let chat: WebChatHarness;
let world: GrowthWorld;
const KADER = "kader-melati";
const MOM = "ibu-hapus";
const PHONE = "6281299990001";

async function inbox(from: string): Promise<string> {
  await deliverOutbox(chat.rt, chat.hub);
  return (await chat.inbox(from)).map((r) => r.text).join("\n");
}

/** Every text-like column of every table, and the rows' values that contain one of the needles. */
async function personalLeftovers(needles: string[]): Promise<string[]> {
  const columns = await queryRows<{ table_name: string; column_name: string }>(
    chat.rt.db,
    sql`select c.table_name, c.column_name from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
          and c.data_type in ('text', 'character varying', 'jsonb', 'json', 'ARRAY', 'USER-DEFINED')
        order by 1, 2`,
  );
  expect(columns.length).toBeGreaterThan(40);
  const found: string[] = [];
  for (const { table_name: table, column_name: column } of columns) {
    for (const needle of needles) {
      const rows = await queryRows<{ n: number }>(
        chat.rt.db,
        sql`select count(*)::int as n from ${sql.identifier(table)} where strpos(lower(${sql.identifier(column)}::text), lower(${needle})) > 0`,
      );
      if (Number(rows[0]?.n ?? 0) > 0) found.push(`${table}.${column} holds "${needle}"`);
    }
  }
  return found;
}

beforeAll(async () => {
  chat = paced(await createWebChat());
  world = await seedGrowthWorld(chat);
  await makeKader(chat, KADER, world.posyandu.melati, "id");
  // The mother's posyandu (registerAs picks the first listed).
  await makeKader(chat, "kader-mawar", world.posyandu.mawar, "id");
});
afterAll(async () => {
  await chat?.close();
});

describe("HAPUS DATA", () => {
  const codes = { bagas: "", kirana: "", melati: "" };

  it("leaves no personal field of the person in any table", async () => {
    // The kader registers Bagas with the mother's phone; she registers, is linked by that phone
    // and tells about two children herself; the kader weighs Bagas and Melati.
    await chat.send(KADER, "ANAK BARU");
    for (const answer of ["Bagas Pratama", "1", "12 Maret 2025", "Rusmini Wahyuni", "0812-9999-0001", "lewati"])
      await chat.send(KADER, answer);
    codes.bagas = codeIn(await chat.say(KADER, "1"));

    await chat.send(MOM, "halo");
    await chat.rt.db
      .update(contactChannels)
      .set({ phone: PHONE })
      .where(eq(contactChannels.contactId, (await contactOf(chat, MOM)).id));
    expect(await registerAs(chat, MOM, "parent")).toMatch(/Bagas Pratama/);
    // Her children are weighed at Posyandu Mawar.
    await chat.rt.db
      .update(contacts)
      .set({ desaCode: BATU_PIRING, posyanduId: world.posyandu.mawar })
      .where(eq(contacts.id, (await contactOf(chat, MOM)).id));
    await chat.send(MOM, "10-01-2025");
    await chat.send(MOM, "Kirana Putri");
    codes.kirana = /kode anak:? ([A-Z2-9]{6})/i.exec(await chat.say(MOM, "perempuan"))?.[1] ?? "";
    await chat.send(MOM, "1");
    await chat.send(MOM, "11-02-2025");
    await chat.send(MOM, "Melati Sari");
    codes.melati = /kode anak:? ([A-Z2-9]{6})/i.exec(await chat.say(MOM, "perempuan"))?.[1] ?? "";
    await chat.send(MOM, "2");
    expect(codes.kirana).not.toBe("");
    expect(codes.melati).not.toBe("");
    expect(await chat.say(KADER, `UKUR ${codes.bagas} BB 9,1 TB 75`)).toMatch(/Bagas Pratama/);
    expect(await chat.say("kader-mawar", `UKUR ${codes.melati} BB 8,4 TB 73`)).toMatch(/Melati Sari/);

    // She asks the puskesmas something (answered in chat), and stops messages for a while, saying why.
    await chat.send(MOM, "tanya bidan");
    const sent = await chat.say(MOM, "apakah Kirana boleh minum susu kental manis xyzzyquux setiap pagi");
    const number = /nomor (\d+)/.exec(sent)?.[1];
    expect(await inbox("pusk-1")).toMatch(/xyzzyquux/);
    expect(await chat.say("pusk-1", `JAWAB ${number} Sebaiknya tidak plughwater, beri ASI dan makanan bergizi.`)).toMatch(/sudah dikirim/);
    expect(await inbox(MOM)).toMatch(/plughwater/);
    await chat.send(MOM, "BERHENTI");
    await chat.send(MOM, "ya");
    await chat.send(MOM, "pesannya frobnicated terlalu ramai");
    await chat.send(MOM, "MULAI");

    const address = chat.addressOf(MOM);
    const needles = [PHONE, address, "Kirana Putri", "Melati Sari", "xyzzyquux", "plughwater", "frobnicated"];
    expect((await personalLeftovers(needles)).length).toBeGreaterThan(0);

    expect(await chat.say(MOM, "HAPUS DATA")).toMatch(/dihapus permanen.*Yang tetap disimpan: catatan yang dibuat kader/s);
    const done = await chat.say(MOM, "ya");
    expect(done).toMatch(/sudah dihapus permanen\. Catatan kader\/bidan/);
    await deliverOutbox(chat.rt, chat.hub);

    expect(await personalLeftovers(needles)).toEqual([]);
  });

  it("keeps what the kader recorded, without the person's link", async () => {
    const [bagas] = await chat.rt.db.select().from(children).where(eq(children.code, codes.bagas));
    expect(bagas).toMatchObject({ name: "Bagas Pratama", motherName: "Rusmini Wahyuni", parentContactId: null, parentPhone: null });
    expect(await chat.rt.db.select().from(measurements).where(eq(measurements.childId, bagas!.id))).toHaveLength(1);
    // Melati was weighed by the kader: the record stays, without the name her mother gave.
    const [melati] = await chat.rt.db.select().from(children).where(eq(children.code, codes.melati));
    expect(melati).toMatchObject({ name: "[dihapus]", parentContactId: null, registeredByContactId: null });
    expect(await chat.rt.db.select().from(measurements).where(eq(measurements.childId, melati!.id))).toHaveLength(1);
    // Kirana only had what her mother sent: gone.
    expect(await chat.rt.db.select().from(children).where(eq(children.code, codes.kirana))).toHaveLength(0);
  });

  it("keeps the audit events, without personal values, and the log stays append-only", async () => {
    const answers = await chat.rt.db.select().from(auditLog).where(eq(auditLog.action, "handoff.answer"));
    expect(answers).toHaveLength(1);
    expect(answers[0]?.after).toMatchObject({ question: null, answer: null, address: null, status: "answered" });
    expect(await chat.rt.db.select().from(auditLog).where(eq(auditLog.action, "contact.erase"))).toHaveLength(1);
    await expect(chat.rt.db.update(auditLog).set({ reason: "x" }).where(eq(auditLog.action, "contact.erase"))).rejects.toThrow();
  });
});
