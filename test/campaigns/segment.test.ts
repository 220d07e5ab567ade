// Segment counts on a seeded regency: each filter, combinations, and area scoping for every role,
// against counts this test computes itself from the seeded people (plain JavaScript, not the SQL).
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { principalOf } from "../../src/admin/accounts.js";
import { eq, sql } from "drizzle-orm";
import { audienceSql, countAudience, type Segment } from "../../src/campaigns/segment.js";
import { contactChannels, contacts } from "../../src/contacts/contacts.sql.js";
import { queryRows } from "../../src/db/client.js";
import { monthsOld } from "../../src/reports/stats.js";
import { gestationalAge, trimesterOf } from "../../src/reminders/schedule.js";
import { getAs, startReportWorld, type ReportWorld } from "../reports/fixture.js";
import type { Who } from "../admin/fixture.js";
import { seedPeople, type SeedChild, type SeedPerson } from "./fixture.js";

let world: ReportWorld;
let people: SeedPerson[];
let today: string;
const NOW = "2026-11-27T02:00:00Z";

beforeAll(async () => {
  world = await startReportWorld(NOW);
  people = await seedPeople(world.rt, world.w, 400);
  today = DateTime.fromISO(NOW, { zone: "Asia/Makassar" }).toISODate() as string;
});
afterAll(async () => {
  await world?.app.close();
  await world?.rt.close();
});

/** The desa each role reaches in the admin fixture (null: everything). */
function areaOf(who: Who): (p: SeedPerson) => boolean {
  const { desa, posyandu } = world.w;
  switch (who) {
    case "admin":
      return () => true;
    case "puskP":
      return (p) => p.desaCode === desa.p0 || p.desaCode === desa.p1;
    case "puskL":
      return (p) => p.desaCode === desa.l0 || p.desaCode === desa.l1;
    case "bidanP":
      return (p) => p.desaCode === desa.p0;
    case "bidanL":
      return (p) => p.desaCode === desa.l0;
    case "kaderP":
      return (p) => p.posyanduId === posyandu.p0;
    case "kaderL":
      return (p) => p.posyanduId === posyandu.l0;
  }
}

function latest(k: SeedChild) {
  return [...k.measurements].sort((a, b) => b.measuredOn.localeCompare(a.measuredOn))[0];
}

const ok = (z: number | null, flag: 0 | 1 | undefined) => z !== null && flag !== 1;
const GROWTH: Record<string, (m: NonNullable<ReturnType<typeof latest>>) => boolean> = {
  pendek: (m) => ok(m.zlen, m.flags.zlen) && (m.zlen as number) < -2,
  sangat_pendek: (m) => ok(m.zlen, m.flags.zlen) && (m.zlen as number) < -3,
  gizi_kurang: (m) => m.oedema || (ok(m.zwfl, m.flags.zwfl) && (m.zwfl as number) < -2),
  gizi_buruk: (m) => m.oedema || (ok(m.zwfl, m.flags.zwfl) && (m.zwfl as number) < -3),
  bbu_kurang: (m) => ok(m.zwei, m.flags.zwei) && (m.zwei as number) < -2,
  T: (m) => m.growthCode === "T",
  "2T": (m) => m.twoT,
  BGM: (m) => m.bgm,
};

/** The expected audience, decided person by person. */
function expected(who: Who, s: Segment): { total: number; byChannel: Record<string, number>; byLang: Record<string, number> } {
  const inArea = areaOf(who);
  const out = { total: 0, byChannel: {} as Record<string, number>, byLang: {} as Record<string, number> };
  for (const p of people) {
    if (p.optedOut || !(p.consent || p.staff) || !inArea(p)) continue;
    const channels = p.channels.filter((c) => !s.channels || s.channels.includes(c.channel as never));
    if (channels.length === 0) continue;
    if (s.kecamatanCodes && !(p.desaCode && s.kecamatanCodes.includes(p.desaCode.slice(0, 8)))) continue;
    if (s.desaCodes && !(p.desaCode && s.desaCodes.includes(p.desaCode))) continue;
    if (s.posyanduIds && !(p.posyanduId && s.posyanduIds.includes(p.posyanduId))) continue;
    if (s.roles) {
      const match = s.roles.some((r) =>
        r === "staff" ? p.staff : r === "kader" ? p.role === "kader" && p.kaderStatus === "active" : p.role === r,
      );
      if (!match) continue;
    }
    const lang = p.lang ?? "id";
    if (s.langs && !s.langs.includes(lang)) continue;
    if (s.pregnancy) {
      if (!p.hpht) continue;
      const age = gestationalAge(p.hpht, today);
      if (s.pregnancy.trimesters && !s.pregnancy.trimesters.includes(trimesterOf(age))) continue;
      if (s.pregnancy.weeksMin !== undefined && age.weeks < s.pregnancy.weeksMin) continue;
      if (s.pregnancy.weeksMax !== undefined && age.weeks > s.pregnancy.weeksMax) continue;
    }
    if (s.childAgeMonths || s.childGrowth || s.childNotMeasuredMonths !== undefined) {
      const anyChild = p.children.some((k) => {
        const months = monthsOld(k.birthDate, today);
        if (s.childAgeMonths?.min !== undefined && months < s.childAgeMonths.min) return false;
        if (s.childAgeMonths?.max !== undefined && months > s.childAgeMonths.max) return false;
        const last = latest(k);
        if (s.childGrowth && !(last && s.childGrowth.some((g) => GROWTH[g]!(last)))) return false;
        if (s.childNotMeasuredMonths !== undefined) {
          const cutoff = DateTime.fromISO(today).minus({ months: s.childNotMeasuredMonths }).toISODate() as string;
          const registered = DateTime.fromJSDate(k.createdAt, { zone: "Asia/Makassar" }).toISODate() as string;
          if (last ? last.measuredOn > cutoff : registered > cutoff) return false;
        }
        return true;
      });
      if (!anyChild) continue;
    }
    if (
      s.registeredSince &&
      !(p.registeredAt && DateTime.fromJSDate(p.registeredAt, { zone: "Asia/Makassar" }).toISODate()! >= s.registeredSince)
    )
      continue;
    if (s.notSeenDays !== undefined && p.lastInboundAt && p.lastInboundAt.getTime() >= Date.parse(NOW) - s.notSeenDays * 86_400_000)
      continue;
    if (s.excludeInDialogue && p.inDialogue) continue;
    // The channel written on last (seeded: the first one is the latest).
    const channel = [...channels].sort((a, b) => (b.lastInboundAt?.getTime() ?? -1) - (a.lastInboundAt?.getTime() ?? -1))[0]!.channel;
    out.total++;
    out.byChannel[channel] = (out.byChannel[channel] ?? 0) + 1;
    out.byLang[lang] = (out.byLang[lang] ?? 0) + 1;
  }
  return out;
}

const SEGMENTS: [string, () => Segment][] = [
  ["everyone", () => ({})],
  ["kecamatan Lampihong", () => ({ kecamatanCodes: ["63.11.05"] })],
  ["two desa", () => ({ desaCodes: [world.w.desa.p0, world.w.desa.l0] })],
  ["a posyandu", () => ({ posyanduIds: [world.w.posyandu.p1] })],
  ["parents", () => ({ roles: ["parent"] })],
  ["pregnant and staff", () => ({ roles: ["pregnant", "staff"] })],
  ["active kader", () => ({ roles: ["kader"] })],
  ["Banjar", () => ({ langs: ["bjn"] })],
  ["WhatsApp Cloud and web", () => ({ channels: ["whatsapp-cloud", "web"] })],
  ["trimester 3", () => ({ pregnancy: { trimesters: [3] } })],
  ["weeks 10–20", () => ({ pregnancy: { weeksMin: 10, weeksMax: 20 } })],
  ["children 0–23 months", () => ({ childAgeMonths: { min: 0, max: 23 } })],
  ["children 6–11 months", () => ({ childAgeMonths: { min: 6, max: 11 } })],
  ["stunted", () => ({ childGrowth: ["pendek"] })],
  ["severely stunted or gizi buruk", () => ({ childGrowth: ["sangat_pendek", "gizi_buruk"] })],
  ["wasted, underweight", () => ({ childGrowth: ["gizi_kurang", "bbu_kurang"] })],
  ["T, 2T, BGM", () => ({ childGrowth: ["T", "2T", "BGM"] })],
  ["not measured 3 months", () => ({ childNotMeasuredMonths: 3 })],
  ["registered since", () => ({ registeredSince: "2026-06-01" })],
  ["not seen 30 days", () => ({ notSeenDays: 30 })],
  ["not in a dialogue", () => ({ excludeInDialogue: true })],
  [
    "parents of under-twos in Lampihong, Banjar, on Telegram",
    () => ({ kecamatanCodes: ["63.11.05"], roles: ["parent"], childAgeMonths: { max: 23 }, langs: ["bjn"], channels: ["telegram"] }),
  ],
  [
    "stunted under-fives not measured for 2 months, not in a dialogue",
    () => ({ childGrowth: ["pendek"], childAgeMonths: { max: 59 }, childNotMeasuredMonths: 2, excludeInDialogue: true }),
  ],
];

describe("campaign audience", () => {
  it("the seed covers each filter (no vacuous test)", () => {
    for (const [name, segment] of SEGMENTS) expect(expected("admin", segment()).total, name).toBeGreaterThan(0);
  });

  for (const who of ["admin", "puskP", "puskL", "bidanP", "bidanL"] as const) {
    it(`counts each filter and combination in the area of ${who}`, async () => {
      const principal = principalOf(world.w.accounts[who]);
      for (const [name, segment] of SEGMENTS) {
        const got = await countAudience(world.rt.db, principal, segment(), { now: world.rt.clock.now(), zone: "Asia/Makassar" });
        expect(got, `${who}: ${name}`).toEqual(expected(who, segment()));
      }
    });
  }

  it("answers the count through the API, scoped, and refuses a desa outside the caller's area", async () => {
    const post = (who: Who, payload: object) =>
      world.app.inject({ method: "POST", url: "/api/v1/campaigns/audience", headers: { cookie: world.w.cookie[who] }, payload });
    const res = await post("bidanL", { segment: { roles: ["parent"] } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(expected("bidanL", { roles: ["parent"] }));
    expect((await post("kaderP", { segment: {} })).statusCode).toBe(403);
    expect((await post("admin", { segment: { roles: ["grandparent"] } })).statusCode).toBe(400);
    const outside = await world.app.inject({
      method: "POST",
      url: "/api/v1/campaigns",
      headers: { cookie: world.w.cookie.bidanP },
      payload: { name: "x", textId: "Halo", sameForBoth: true, segment: { desaCodes: [world.w.desa.l0] } },
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().fields[0].field).toBe("body.segment.desaCodes[0]");
    expect((await getAs(world, "bidanP", "/api/v1/campaigns")).status).toBe(200);
  });
  it("the frozen list's channel pick (one pass) gives the same rows as the count's (per person), ties included", async () => {
    // Besides the seed's people with two channels: one whose two channels differ only by their id.
    const at = new Date(NOW);
    const [tied] = await world.rt.db
      .insert(contacts)
      .values({ role: "parent", lang: "id", desaCode: world.w.desa.p0, consentVersion: "2026-12-v2", consentAt: at, registeredAt: at })
      .returning({ id: contacts.id });
    await world.rt.db.insert(contactChannels).values(
      (["telegram", "web"] as const).map((channel, i) => ({
        contactId: tied!.id,
        channel,
        address: `tie-${i}`,
        lastInboundAt: at,
        createdAt: at,
      })),
    );
    try {
      const principal = principalOf(world.w.accounts.admin);
      const o = { now: world.rt.clock.now(), zone: "Asia/Makassar" };
      const rows = (segment: Segment, pick: "lateral" | "set") =>
        queryRows(
          world.rt.db,
          sql`select contact_id, channel, address from (${audienceSql(principal, segment, o, pick)}) a order by contact_id`,
        );
      for (const [name, segment] of SEGMENTS) {
        const perPerson = await rows(segment(), "lateral");
        expect(await rows(segment(), "set"), name).toEqual(perPerson);
      }
      expect((await rows({}, "set")).filter((r) => r.contact_id === tied!.id)).toHaveLength(1);
    } finally {
      await world.rt.db.delete(contacts).where(eq(contacts.id, tied!.id));
    }
  });
});
