// A seeded regency for campaign tests: the admin fixture's areas, units and staff, plus people of
// every role, language and channel with children, measurements, pregnancies, dialogues and
// opt-outs drawn from a seeded generator. Each person is also kept here as plain data, so tests
// compute the expected audience themselves, without the service's SQL.
import { DateTime } from "luxon";
import { staffChatLinks } from "../../src/admin/accounts.sql.js";
import { children, pregnancies } from "../../src/children/children.sql.js";
import { contactChannels, contacts, conversationStates } from "../../src/contacts/contacts.sql.js";
import { measurements } from "../../src/growth/growth.sql.js";
import { seededRandom } from "../../src/lib/random.js";
import type { TestRuntime } from "../helpers/runtime.js";
import type { World } from "../admin/fixture.js";

export interface SeedMeasurement {
  measuredOn: string;
  zlen: number | null;
  zwfl: number | null;
  zwei: number | null;
  oedema: boolean;
  growthCode: "N" | "T" | "O" | "B" | null;
  twoT: boolean;
  bgm: boolean;
  flags: Record<string, 0 | 1>;
}

export interface SeedChild {
  birthDate: string;
  createdAt: Date;
  measurements: SeedMeasurement[];
}

export interface SeedPerson {
  id: string;
  role: "parent" | "pregnant" | "kader" | null;
  kaderStatus: "pending" | "active" | null;
  staff: boolean;
  lang: "id" | "bjn" | null;
  desaCode: string | null;
  posyanduId: string | null;
  channel: "telegram" | "whatsapp-cloud" | "whatsapp" | "web";
  /** Both channels the person has (a second one, older, for some). */
  channels: { channel: string; address: string; lastInboundAt: Date | null }[];
  consent: boolean;
  optedOut: boolean;
  registeredAt: Date | null;
  lastInboundAt: Date | null;
  inDialogue: boolean;
  hpht: string | null;
  children: SeedChild[];
}

const CHANNELS = ["telegram", "whatsapp-cloud", "whatsapp", "web"] as const;

/** `count` people spread over the world's desa and posyandu (and some with no desa). */
export async function seedPeople(rt: TestRuntime, w: World, count: number, seed = 17): Promise<SeedPerson[]> {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const now = rt.clock.now();
  const today = DateTime.fromJSDate(now, { zone: "Asia/Makassar" });
  const places: { desaCode: string | null; posyanduId: string | null }[] = [
    { desaCode: w.desa.p0, posyanduId: w.posyandu.p0 },
    { desaCode: w.desa.p1, posyanduId: w.posyandu.p1 },
    { desaCode: w.desa.p2, posyanduId: null },
    { desaCode: w.desa.l0, posyanduId: w.posyandu.l0 },
    { desaCode: w.desa.l1, posyanduId: null },
    { desaCode: null, posyanduId: null },
  ];
  const people: SeedPerson[] = [];
  let address = 880_000_000;
  for (let i = 0; i < count; i++) {
    const place = pick(places);
    const role = pick(["parent", "parent", "parent", "pregnant", "kader", null] as const);
    const staff = role === null && random() < 0.5;
    const channel = pick(CHANNELS);
    const lastInboundAt =
      random() < 0.1 ? null : new Date(now.getTime() - Math.floor(random() * 60) * 86_400_000 - Math.floor(random() * 86_400_000));
    const channels = [{ channel, address: String(address++), lastInboundAt }];
    if (lastInboundAt && random() < 0.2) {
      const other = pick(CHANNELS.filter((c) => c !== channel));
      channels.push({ channel: other, address: String(address++), lastInboundAt: new Date(lastInboundAt.getTime() - 86_400_000) });
    }
    const person: SeedPerson = {
      id: "",
      role,
      kaderStatus: role === "kader" ? pick(["pending", "active"] as const) : null,
      staff,
      lang: pick(["id", "bjn", "bjn", null] as const),
      ...place,
      channel,
      channels,
      consent: role !== null && random() < 0.9,
      optedOut: random() < 0.1,
      registeredAt: role === null ? null : today.minus({ days: Math.floor(random() * 400) }).toJSDate(),
      lastInboundAt,
      inDialogue: random() < 0.1,
      hpht: role === "pregnant" && random() < 0.9 ? today.minus({ days: Math.floor(random() * 300) }).toISODate() : null,
      children: [],
    };
    if (role === "parent") {
      const n = 1 + Math.floor(random() * 2);
      for (let k = 0; k < n; k++) {
        const birth = today.minus({ days: Math.floor(random() * 1900) });
        const createdAt = birth.plus({ days: Math.floor(random() * 30) }).toJSDate();
        const ms: SeedMeasurement[] = [];
        const visits = Math.floor(random() * 4);
        for (let v = 0; v < visits; v++) {
          const on = today.minus({ days: Math.floor(random() * 300) });
          if (on < birth || ms.some((m) => m.measuredOn === on.toISODate())) continue;
          const z = () => (random() < 0.1 ? null : Math.round((random() * 7 - 4) * 100) / 100);
          ms.push({
            measuredOn: on.toISODate() as string,
            zlen: z(),
            zwfl: z(),
            zwei: z(),
            oedema: random() < 0.03,
            growthCode: pick(["N", "T", "O", "B", null] as const),
            twoT: random() < 0.1,
            bgm: random() < 0.1,
            flags: random() < 0.05 ? { zlen: 1 } : {},
          });
        }
        person.children.push({ birthDate: birth.toISODate() as string, createdAt, measurements: ms });
      }
    }
    people.push(person);
  }
  // Insert in bulk.
  const rows = await rt.db
    .insert(contacts)
    .values(
      people.map((p) => ({
        role: p.role,
        kaderStatus: p.kaderStatus,
        lang: p.lang,
        desaCode: p.desaCode,
        posyanduId: p.posyanduId,
        consentVersion: p.consent ? "2026-12-v2" : null,
        consentAt: p.consent ? now : null,
        registeredAt: p.registeredAt,
        optedOutAt: p.optedOut ? now : null,
        lastInboundAt: p.lastInboundAt,
      })),
    )
    .returning({ id: contacts.id });
  rows.forEach((r, i) => ((people[i] as SeedPerson).id = r.id));
  await rt.db
    .insert(contactChannels)
    .values(
      people.flatMap((p) =>
        p.channels.map((c) => ({ contactId: p.id, channel: c.channel as "telegram", address: c.address, lastInboundAt: c.lastInboundAt })),
      ),
    );
  const staff = people.filter((p) => p.staff);
  if (staff.length) await rt.db.insert(staffChatLinks).values(staff.map((p) => ({ accountId: w.accounts.bidanP.id, contactId: p.id })));
  const talking = people.filter((p) => p.inDialogue);
  if (talking.length) {
    await rt.db
      .insert(conversationStates)
      .values(
        talking.map((p) => ({ contactId: p.id, flow: "registration", step: "desa", expiresAt: new Date(now.getTime() + 3_600_000) })),
      );
  }
  const pregnant = people.filter((p) => p.hpht);
  if (pregnant.length) await rt.db.insert(pregnancies).values(pregnant.map((p) => ({ contactId: p.id, hpht: p.hpht as string })));
  let code = 0;
  for (const p of people) {
    for (const k of p.children) {
      const [child] = await rt.db
        .insert(children)
        .values({
          code: `C${String(code++).padStart(5, "0")}`,
          name: `Anak ${code}`,
          sex: "L",
          birthDate: k.birthDate,
          parentContactId: p.id,
          desaCode: p.desaCode,
          posyanduId: p.posyanduId,
          createdAt: k.createdAt,
        })
        .returning({ id: children.id });
      if (k.measurements.length) {
        await rt.db.insert(measurements).values(k.measurements.map((m) => ({ childId: child!.id, ...m })));
      }
    }
  }
  return people;
}
