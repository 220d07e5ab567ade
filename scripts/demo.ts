// npm run demo [-- --children 12 --seed 1]: fills an EMPTY installation with a synthetic Balangan
// to try the admin console and run the report benchmarks: the seeded puskesmas, one posyandu per
// desa with an active kader, children under five measured monthly over two years (WHO z-scores and
// Permenkes statuses computed as in chat), pregnant mothers, and staff accounts whose passwords are
// printed once. Everything is invented (names from a fixed list, values from a seeded random
// generator); it never runs by itself and refuses a database that already has children.
//
// Growth curves: WHO Child Growth Standards 2006 medians (length/height-for-age, weight-for-age,
// rounded; who.int/tools/child-growth-standards), with a per-child offset so about a quarter of the
// children are stunted — the order of Balangan's recent e-PPGBM/SSGI figures. Approximate on purpose:
// the service computes the real z-scores from the values.
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import { count, sql } from "drizzle-orm";
import { staffAccounts } from "../src/admin/accounts.sql.js";
import { hashPassword } from "../src/admin/auth.js";
import { areas } from "../src/areas/areas.sql.js";
import { children, insertChild, pregnancies } from "../src/children/index.js";
import { loadConfig } from "../src/config/index.js";
import { contactChannels, contacts } from "../src/contacts/contacts.sql.js";
import { assessGrowth } from "../src/growth/assess.js";
import { assessedColumns } from "../src/growth/reports.js";
import { measurements } from "../src/growth/growth.sql.js";
import { weightGainStatus } from "../src/growth/weight-gain.js";
import { posyandu, puskesmas, puskesmasDesa } from "../src/health-units/health-units.sql.js";
import { seedPuskesmas } from "../src/health-units/seed.js";
import { createLogger } from "../src/lib/log.js";
import { addDays, addOffset, localDateOf } from "../src/reminders/dates.js";
import { createRuntime, type Runtime } from "../src/runtime.js";
import { seededRandom } from "../src/lib/random.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be a whole number`);
  return v;
}

const random = seededRandom;

// WHO 2006 medians by age in months: [months, boys, girls].
const LENGTH: [number, number, number][] = [
  [0, 49.9, 49.1],
  [3, 61.4, 59.8],
  [6, 67.6, 65.7],
  [9, 72.0, 70.1],
  [12, 75.7, 74.0],
  [18, 82.3, 80.7],
  [24, 87.1, 86.4],
  [36, 96.1, 95.1],
  [48, 103.3, 102.7],
  [60, 110.0, 109.4],
];
const WEIGHT: [number, number, number][] = [
  [0, 3.3, 3.2],
  [3, 6.4, 5.8],
  [6, 7.9, 7.3],
  [9, 8.9, 8.2],
  [12, 9.6, 8.9],
  [18, 10.9, 10.2],
  [24, 12.2, 11.5],
  [36, 14.3, 13.9],
  [48, 16.3, 16.1],
  [60, 18.3, 18.2],
];
function median(table: [number, number, number][], months: number, sex: "L" | "P"): number {
  const col = sex === "L" ? 1 : 2;
  for (let i = 1; i < table.length; i++) {
    const [m0, ...a] = table[i - 1]!;
    const [m1, ...b] = table[i]!;
    if (months <= m1) return a[col - 1]! + ((b[col - 1]! - a[col - 1]!) * (months - m0)) / (m1 - m0);
  }
  return table.at(-1)![col]!;
}

const BOYS = [
  "Ahmad",
  "Muhammad",
  "Rizky",
  "Fauzan",
  "Raihan",
  "Anang",
  "Utuh",
  "Ijai",
  "Arif",
  "Hafiz",
  "Naufal",
  "Fikri",
  "Gusti",
  "Rahmat",
  "Syahrul",
];
const GIRLS = [
  "Aisyah",
  "Nabila",
  "Siti",
  "Nor",
  "Galuh",
  "Intan",
  "Putri",
  "Zahra",
  "Husna",
  "Rahmah",
  "Fitri",
  "Salsabila",
  "Aulia",
  "Nurul",
  "Dayang",
];
const MOTHERS = [
  "Siti Aminah",
  "Nor Hidayah",
  "Rusmini",
  "Masitah",
  "Halimah",
  "Jamilah",
  "Rabiatul",
  "Fatimah",
  "Nurhayati",
  "Saudah",
  "Mahmudah",
  "Rahimah",
];
const FLOWERS = ["Melati", "Mawar", "Anggrek", "Kenanga", "Cempaka", "Dahlia", "Teratai", "Tulip", "Flamboyan", "Seroja"];

export interface DemoSummary {
  posyandu: number;
  children: number;
  measurements: number;
  pregnancies: number;
  puskesmas: number;
  /** username and password of each staff account, to print once. */
  accounts: { role: string; username: string; password: string }[];
}

/** Fills an empty installation; null (nothing written) when it already has children. */
export async function fillDemo(
  rt: Runtime,
  options: { childrenPerPosyandu: number; seed: number; today: string; kecamatan?: string },
): Promise<DemoSummary | null> {
  const perPosyandu = options.childrenPerPosyandu;
  const rnd = random(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const today = options.today;
  const [{ n } = { n: 0 }] = await rt.db.select({ n: count() }).from(children);
  if (Number(n) > 0) return null;
  {
    await seedPuskesmas(rt.db);
    // --kecamatan 63.11.06: only that kecamatan's desa get posyandu and children (a smaller try).
    const desa = (
      await rt.db
        .select({ code: areas.code, name: areas.name })
        .from(areas)
        .where(sql`${areas.level} = 'desa'`)
    ).filter((d) => !options.kecamatan || d.code.startsWith(`${options.kecamatan}.`));
    const units = await rt.db.select().from(puskesmas);
    const served = await rt.db.select().from(puskesmasDesa);

    // Staff: the Pokja, each puskesmas, and a bidan in the first desa each puskesmas serves.
    const printed: DemoSummary["accounts"] = [];
    const account = async (
      username: string,
      name: string,
      role: "pokja_admin" | "puskesmas" | "bidan",
      area: { puskesmasId?: string; desaCode?: string },
    ) => {
      // Not from the seeded generator: the demo's data may be predictable, its passwords must not be.
      const password = randomBytes(12).toString("base64url");
      await rt.db.insert(staffAccounts).values({ username, name, role, ...area, passwordHash: await hashPassword(password) });
      printed.push({ role, username, password });
    };
    await account("demo.pokja", "Pokja Balanting (demo)", "pokja_admin", {});
    for (const u of units) {
      const slug = u.name
        .replace(/^Puskesmas /, "")
        .toLowerCase()
        .replace(/\s+/g, "-");
      await account(`demo.pusk.${slug}`, `${u.name} (demo)`, "puskesmas", { puskesmasId: u.id });
      const first = served.find((s) => s.puskesmasId === u.id);
      if (first) await account(`demo.bidan.${slug}`, `Bidan ${slug} (demo)`, "bidan", { desaCode: first.desaCode });
    }

    let childCount = 0;
    let measurementCount = 0;
    let fake = 6281900000000;
    for (const d of desa) {
      const [unit] = await rt.db
        .insert(posyandu)
        .values({ name: `Posyandu ${pick(FLOWERS)} ${d.name}`, desaCode: d.code, dayOfMonth: 1 + Math.floor(rnd() * 28) })
        .returning();
      const now = new Date();
      // An active kader, with a name and an (invented) number on a web chat address.
      const [kader] = await rt.db
        .insert(contacts)
        .values({
          role: "kader",
          kaderStatus: "active",
          name: `${pick(MOTHERS)} (kader)`,
          desaCode: d.code,
          posyanduId: unit!.id,
          lang: "bjn",
          consentVersion: "demo",
          consentAt: now,
          registeredAt: now,
        })
        .returning();
      await rt.db
        .insert(contactChannels)
        .values({ contactId: kader!.id, channel: "web", address: `demo-kader-${d.code}`, phone: String(++fake) });
      // Two pregnant mothers.
      for (let i = 0; i < 2; i++) {
        const [mother] = await rt.db
          .insert(contacts)
          .values({
            role: "pregnant",
            desaCode: d.code,
            posyanduId: unit!.id,
            lang: rnd() < 0.5 ? "bjn" : "id",
            consentVersion: "demo",
            consentAt: now,
            registeredAt: now,
          })
          .returning();
        await rt.db
          .insert(contactChannels)
          .values({ contactId: mother!.id, channel: "web", address: `demo-ibu-${d.code}-${i}`, phone: String(++fake) });
        await rt.db
          .insert(pregnancies)
          .values({ contactId: mother!.id, hpht: addDays(today, -Math.floor(20 + rnd() * 240)), hbLow: rnd() < 0.2 });
      }
      for (let c = 0; c < perPosyandu; c++) {
        const sex = rnd() < 0.5 ? "L" : "P";
        const birthDate = addDays(today, -Math.floor(30 + rnd() * 1770));
        const child = await insertChild(rt.db, {
          name: pick(sex === "L" ? BOYS : GIRLS),
          sex,
          birthDate,
          motherName: pick(MOTHERS),
          desaCode: d.code,
          posyanduId: unit!.id,
        });
        childCount++;
        // The child's own place on the charts, with a little month-to-month noise.
        const zl = -0.9 + normal();
        const zw = zl * 0.6 - 0.3 + 0.6 * normal();
        const rows: (typeof measurements.$inferInsert)[] = [];
        for (let m = 24; m >= 0; m--) {
          const on = addOffset(today, { months: -m });
          if (on <= birthDate) continue;
          const ageMonths = (Date.parse(on) - Date.parse(birthDate)) / (30.4375 * 86_400_000);
          if (ageMonths >= 60) continue;
          const len = median(LENGTH, ageMonths, sex) * (1 + 0.036 * (zl + 0.15 * normal()));
          const kg = median(WEIGHT, ageMonths, sex) * (1 + 0.12 * (zw + 0.2 * normal()));
          const v = {
            weightKg: Math.round(kg * 10) / 10,
            lengthCm: Math.round(len * 10) / 10,
            position: ageMonths < 24 ? ("lying" as const) : ("standing" as const),
          };
          const a = assessGrowth({ sex, birthDate, measuredOn: on, ...v });
          rows.push({
            childId: child.id,
            measuredOn: on,
            ...v,
            ...assessedColumns(a),
            sentByContactId: kader!.id,
            createdAt: new Date(`${on}T02:00:00Z`),
          });
        }
        // N/T/O/B, 2T and BGM over the child's whole weighing history (Buku KIA KBM).
        const gains = weightGainStatus(
          { sex, birthDate },
          rows.map((r) => ({ date: r.measuredOn, weightKg: r.weightKg as number })),
        );
        for (const r of rows) {
          const g = gains.find((w) => w.date === r.measuredOn);
          if (g) Object.assign(r, { growthCode: g.code, twoT: g.twoT, bgm: g.bgm, gainG: g.gainG, kbmG: g.kbmG });
        }
        if (rows.length) await rt.db.insert(measurements).values(rows);
        measurementCount += rows.length;
      }
    }
    return {
      posyandu: desa.length,
      children: childCount,
      measurements: measurementCount,
      pregnancies: desa.length * 2,
      puskesmas: units.length,
      accounts: printed,
    };
  }
}

function kecamatanArg(): { kecamatan?: string } {
  const i = process.argv.indexOf("--kecamatan");
  if (i < 0) return {};
  const code = process.argv[i + 1] ?? "";
  if (!/^63\.11\.\d{2}$/.test(code)) throw new Error("--kecamatan must be a Balangan kecamatan code such as 63.11.06");
  return { kecamatan: code };
}

async function main(): Promise<void> {
  const rt = await createRuntime(loadConfig(process.env), { log: createLogger("warn") });
  try {
    const summary = await fillDemo(rt, {
      childrenPerPosyandu: arg("children", 12),
      seed: arg("seed", 1),
      today: localDateOf(new Date()),
      ...kecamatanArg(),
    });
    if (!summary) {
      console.error("demo: this database already has children; the demo fills only an empty installation.");
      process.exitCode = 1;
      return;
    }
    const s = summary;
    console.log(
      `demo: ${s.posyandu} posyandu (one per desa) with a kader, ${s.children} children, ${s.measurements} measurements, ${s.pregnancies} pregnancies, ${s.puskesmas} puskesmas.`,
    );
    console.log("Staff accounts (printed once; sign in at POST /api/v1/auth/login):");
    for (const a of s.accounts) console.log(`  ${a.role.padEnd(12)} ${a.username.padEnd(34)} ${a.password}`);
  } finally {
    await rt.close();
  }
}

// Run only as a script (tests import fillDemo).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
