// Kader usability through the web chat and the admin API on one seeded world: a kader
// registers with their name, only approvers hear of it, the approval and MENU list the kader
// commands without doubling "Posyandu", TERLAMBAT says what it cannot check, and the referral
// list is a page with the child's name.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffChatLinks } from "../../src/admin/accounts.sql.js";
import { createSession, SESSION_COOKIE } from "../../src/admin/auth.js";
import { deliverOutbox } from "../../src/channels/index.js";
import { areas } from "../../src/areas/areas.sql.js";
import { insertChild } from "../../src/children/index.js";
import { contactChannels, contacts } from "../../src/contacts/contacts.sql.js";
import { referrals } from "../../src/growth/growth.sql.js";
import { startServiceWorld, type ServiceWorld, type Who } from "../admin/fixture.js";

let sw: ServiceWorld;

/** Messages that reached a web chat user on their own (notices, approvals), after the outbox job ran. */
async function inbox(from: string): Promise<string[]> {
  await deliverOutbox(sw.rt, sw.hub);
  return (await sw.inbox(from)).map((r) => r.text);
}

/** Links a web chat user to a staff account (as KODE would). */
async function linkStaff(who: Who, from: string): Promise<void> {
  await sw.chat(from, "halo");
  const [ch] = await sw.rt.db
    .select()
    .from(contactChannels)
    .where(eq(contactChannels.address, sw.addressOf(from)));
  await sw.rt.db.insert(staffChatLinks).values({ accountId: sw.w.accounts[who].id, contactId: ch!.contactId });
  await inbox(from);
}

async function get(who: Who, url: string) {
  const { token } = await createSession(sw.rt.db, sw.w.accounts[who].id, sw.rt.clock.now());
  return sw.app.inject({ method: "GET", url, headers: { cookie: `${SESSION_COOKIE}=${token}` } });
}

async function desaName(code: string): Promise<string> {
  const [row] = await sw.rt.db.select().from(areas).where(eq(areas.code, code));
  return row!.name;
}

/** DAFTAR as a kader, by the numbered answers the web chat shows. */
async function registerKader(from: string, name: string, desaCode: string): Promise<string> {
  await sw.chat(from, "DAFTAR");
  await sw.chat(from, "1"); // Bahasa Indonesia
  await sw.chat(from, "1"); // setuju
  const asked = (await sw.chat(from, { payload: "role:kader" })).map((r) => r.text).join("\n");
  expect(asked).toMatch(/nama lengkap/i);
  expect((await sw.chat(from, "12345")).map((r) => r.text).join("\n")).toMatch(/huruf saja/);
  await sw.chat(from, name);
  const desa = await sw.chat(from, await desaName(desaCode));
  const choices = desa.flatMap((r) => r.buttons ?? []);
  const pick = choices.find((b) => b.payload === `desa:${desaCode}`);
  const after = pick ? await sw.chat(from, { payload: pick.payload }) : desa;
  const unknown = after.flatMap((r) => r.buttons ?? []).find((b) => b.payload === "posyandu:none");
  const done = unknown ? await sw.chat(from, { payload: unknown.payload }) : after;
  return done.map((r) => r.text).join("\n");
}

beforeAll(async () => {
  sw = await startServiceWorld();
  await linkStaff("puskP", "staff-pusk-p");
  await linkStaff("bidanP", "staff-bidan-p");
  await linkStaff("bidanL", "staff-bidan-l");
  await linkStaff("admin", "staff-admin");
});
afterAll(async () => sw?.close());

describe("kader approval (item 5)", () => {
  let kaderId = "";

  it("asks the kader's name, and tells only the puskesmas, with name and desa", async () => {
    expect(await registerKader("kader-siti", "Siti  Aminah", sw.w.desa.p0)).toMatch(/pendaftaran kader tercatat/);
    const [ch] = await sw.rt.db
      .select()
      .from(contactChannels)
      .where(eq(contactChannels.address, sw.addressOf("kader-siti")));
    const [kader] = await sw.rt.db.select().from(contacts).where(eq(contacts.id, ch!.contactId));
    expect(kader).toMatchObject({ role: "kader", kaderStatus: "pending", name: "Siti Aminah" });
    kaderId = kader!.id;

    const toPusk = await inbox("staff-pusk-p");
    expect(toPusk).toHaveLength(1);
    expect(toPusk[0]).toContain("Siti Aminah");
    expect(toPusk[0]).toContain(await desaName(sw.w.desa.p0));
    expect(toPusk[0]).toMatch(/HP: tidak diketahui \(web/); // the web chat gives no number
    // A bidan cannot approve (403): they are not told to.
    expect(await inbox("staff-bidan-p")).toEqual([]);
    expect(await inbox("staff-admin")).toEqual([]);
    // DATAKU shows the name too: it is data held about the kader.
    expect((await sw.chat("kader-siti", "DATAKU")).map((r) => r.text).join("\n")).toMatch(
      /Kader posyandu \(menunggu persetujuan\), Siti Aminah/,
    );
  });

  it("falls back to the Pokja, never the bidan, when no puskesmas is linked", async () => {
    await registerKader("kader-rina", "Rina", sw.w.desa.l0);
    expect(await inbox("staff-bidan-l")).toEqual([]);
    const toAdmin = await inbox("staff-admin");
    expect(toAdmin).toHaveLength(1);
    expect(toAdmin[0]).toContain("Rina");
  });

  it("shows the name (and the phone where the channel gave one) in the approval list", async () => {
    const list = await get("puskP", "/api/v1/kader-approvals");
    expect(list.statusCode).toBe(200);
    const items = (list.json() as { items: { id: string; name: string | null; channels: { phone: string | null }[] }[] }).items;
    expect(items.find((i) => i.id === kaderId)).toMatchObject({ name: "Siti Aminah" });
    // The fixture's pending kader registered on Telegram with a number: a puskesmas sees it.
    expect(items.find((i) => i.id === sw.w.people.kP)?.channels[0]?.phone).toMatch(/^62\d+$/);
  });

  it("approval names the posyandu once and lists the kader commands (item 13)", async () => {
    const res = await sw.asStaff("puskP", "POST", `/api/v1/kader-approvals/${kaderId}/approve`, { posyanduId: sw.w.posyandu.p0 });
    expect(res.statusCode).toBe(200);
    const [approved] = await inbox("kader-siti");
    expect(approved).toContain("kader Posyandu Melati.");
    expect(approved).not.toMatch(/Posyandu Posyandu/);
    for (const command of ["ANAK BARU", "UKUR", "BATAL", "RIWAYAT", "CARI", "HAMIL", "TERLAMBAT"]) expect(approved).toContain(command);
  });

  it("an active kader's MENU lists the kader commands; a parent's does not", async () => {
    const menu = (await sw.chat("kader-siti", "MENU")).map((r) => r.text).join("\n");
    for (const command of ["DAFTAR", "ANAK BARU", "UKUR", "BATAL", "RIWAYAT", "CARI", "HAMIL", "TERLAMBAT"])
      expect(menu).toContain(command);
    const parentMenu = (await sw.chat("someone-else", "MENU")).map((r) => r.text).join("\n");
    expect(parentMenu).toContain("DAFTAR");
    expect(parentMenu).not.toContain("ANAK BARU");
  });
});

describe("TERLAMBAT without data (item 16)", () => {
  it("says it cannot check rather than 'Bagus!' when nobody in the posyandu has reminders", async () => {
    const text = (await sw.chat("kader-siti", "TERLAMBAT")).map((r) => r.text).join("\n");
    expect(text).not.toMatch(/Bagus/);
    expect(text).toMatch(/Belum bisa dicek di Posyandu Melati/);
  });

  it("counts the children it cannot check", async () => {
    await insertChild(sw.rt.db, { name: "Budi", sex: "L", birthDate: "2025-06-01", desaCode: sw.w.desa.p0, posyanduId: sw.w.posyandu.p0 });
    const text = (await sw.chat("kader-siti", "TERLAMBAT")).map((r) => r.text).join("\n");
    expect(text).not.toMatch(/Bagus/);
    expect(text).toMatch(/1 anak di posyandu ini tidak menerima pengingat/);
  });
});

describe("referral list (item 16)", () => {
  it("answers a page with total, limit, offset and the child's name", async () => {
    const child = await insertChild(sw.rt.db, {
      name: "Galuh",
      sex: "P",
      birthDate: "2025-01-10",
      desaCode: sw.w.desa.p0,
      posyanduId: sw.w.posyandu.p0,
    });
    const now = sw.rt.clock.now();
    await sw.rt.db.insert(referrals).values([
      {
        childId: child.id,
        puskesmasId: sw.w.puskesmas.P,
        desaCode: sw.w.desa.p0,
        posyanduId: sw.w.posyandu.p0,
        reasons: ["stunted"],
        createdAt: now,
      },
      {
        childId: child.id,
        puskesmasId: sw.w.puskesmas.P,
        desaCode: sw.w.desa.p0,
        posyanduId: sw.w.posyandu.p0,
        reasons: ["stunted"],
        status: "closed",
        createdAt: new Date(now.getTime() - 1000),
      },
    ]);
    const res = await get("puskP", "/api/v1/referrals?limit=1&offset=0");
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: { childName: string; childCode: string }[]; total: number; limit: number; offset: number };
    expect(body).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ childName: "Galuh", childCode: child.code });
  });
});
