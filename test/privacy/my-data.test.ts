// DATAKU shows everything held about the person, in their language; the privacy notice names the
// controller, how long texts are kept and where to complain; consent in one's own words.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contactChannels, contacts } from "../../src/contacts/contacts.sql.js";
import { readConsent } from "../../src/privacy/consent.js";
import { splitMessages } from "../../src/privacy/my-data.js";
import { createWebChat, type WebChatHarness } from "../helpers/web-chat.js";
import { BATU_PIRING, contactOf, makeKader, paced, seedGrowthWorld, type GrowthWorld } from "../growth/helpers.js";

let chat: WebChatHarness;
let world: GrowthWorld;
const KADER = "kader-melati";

async function register(from: string, lang: "1" | "2", consent: string, role: string): Promise<string> {
  await chat.send(from, "DAFTAR");
  const notice = await chat.say(from, lang);
  await chat.send(from, consent);
  await chat.send(from, { payload: `role:${role}` });
  await chat.send(from, "btu piring");
  await chat.rt.db
    .update(contacts)
    .set({ desaCode: BATU_PIRING, posyanduId: world.posyandu.melati })
    .where(eq(contacts.id, (await contactOf(chat, from)).id));
  return notice;
}

beforeAll(async () => {
  chat = paced(await createWebChat({ env: { RETENTION_DAYS: "90", PRIVACY_CONTACT: "pdp@dinkes.example" } }));
  world = await seedGrowthWorld(chat);
  await makeKader(chat, KADER, world.posyandu.melati, "id");
});
afterAll(async () => {
  await chat?.close();
});

describe("consent and the privacy notice", () => {
  it("reads consent in both languages, a refusal never as consent", () => {
    for (const yes of ["akur", "ok", "iya", "bujur", "Iya bu", "oke", "inggih", "setuju"]) expect(readConsent(yes), yes).toBe("yes");
    for (const no of ["kada akur", "tidak setuju", "gak mau", "kada", "tidak"]) expect(readConsent(no), no).toBe("no");
    for (const other of ["apa itu data pribadi?", "siapa yang melihat data saya", ""]) expect(readConsent(other), other).toBeNull();
  });

  it("names the controller, the retention period and where to complain; 'akur' registers", async () => {
    const notice = await register("acil-akur", "2", "akur", "parent");
    expect(notice).toMatch(/Pangandali data: Dinas Kesehatan Kabupaten Balangan \/ Pokja Balanting\./);
    expect(notice).toMatch(/90 hari/);
    expect(notice).toMatch(/Kaluhan masalah data pribadi: pdp@dinkes\.example/);
    expect(await contactOf(chat, "acil-akur")).toMatchObject({ role: "parent", consentVersion: "2026-12-v2" });
    await chat.send("ibu-kada", "DAFTAR");
    await chat.send("ibu-kada", "1");
    expect(await chat.say("ibu-kada", "tidak setuju")).toMatch(/tidak kami simpan/);
  });
});

describe("DATAKU", () => {
  it("shows children, codes, measurements, reminder hour, questions and consent, in Banjar", async () => {
    await register("uma-data", "2", "bujur", "parent");
    await chat.send("uma-data", "10-01-2025");
    await chat.send("uma-data", "Siti Rahmah");
    const code = /kode anak ([A-Z2-9]{6})/.exec(await chat.say("uma-data", "binian"))?.[1];
    await chat.send("uma-data", "2");
    expect(await chat.say(KADER, `UKUR ${code} BB 8,7 TB 74,5`)).toMatch(/Siti Rahmah/);
    await chat.send("uma-data", "JAM 17");
    await chat.send("uma-data", "tanya bidan");
    await chat.send("uma-data", "anak ulun kada mau makan sayur, kayapa");
    const replies = await chat.send("uma-data", "DATAKU");
    const text = replies.map((r) => r.text).join("\n");
    for (const r of replies) expect(r.text.length).toBeLessThanOrEqual(4096);
    expect(text).toMatch(/Data pian nang kami simpan/);
    expect(text).toMatch(/Pasatujuan: .*versi 2026-12-v2/);
    expect(text).toMatch(new RegExp(`Siti Rahmah, binian, lahir 10 Januari 2025, kode ${code}`));
    expect(text).toMatch(/BB 8,7 kg, TB\/PB 74,5 cm/);
    expect(text).toMatch(/Jam pangingat: 17\.00 WITA/);
    expect(text).toMatch(/Patakunan ka bidan \(1\):\n• Nomor \d+ \(mahadang\): anak ulun kada mau makan sayur/);
    expect(text).toMatch(/Batianan: kadada/);
  });

  it("shows a pregnancy with HPHT/HPL and the LiLA/Hb a kader recorded, in Indonesian", async () => {
    await register("bumil-data", "1", "ok", "pregnant");
    await chat.send("bumil-data", "01-06-2026");
    await chat.rt.db
      .update(contactChannels)
      .set({ phone: "6281277778888" })
      .where(eq(contactChannels.contactId, (await contactOf(chat, "bumil-data")).id));
    expect(await chat.say(KADER, "HAMIL 081277778888 LILA 22 HB 10,5")).toMatch(/LiLA|Hb/);
    const text = (await chat.send("bumil-data", "DATAKU")).map((r) => r.text).join("\n");
    expect(text).toMatch(/Kehamilan: HPHT 1 Juni 2026, HPL 8 Maret 2027 \(berjalan\)/);
    expect(text).toMatch(/LiLA 22,0 cm, Hb 10,5 g\/dL/);
    expect(text).toMatch(/Anak \(0\):/);
  });

  it("splits a long answer into messages within the channel limit, never inside a line", () => {
    const lines = Array.from({ length: 300 }, (_, i) => `• baris ${i} ${"x".repeat(40)}`);
    const parts = splitMessages(lines, 3500);
    expect(parts.length).toBeGreaterThan(3);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(3500);
    expect(parts.join("\n").split("\n")).toEqual(lines);
  });
});
