// A small Balangan for admin tests: Paringin (63.11.06) and Lampihong (63.11.05), a puskesmas,
// posyandu, staff of every role and a few contacts in each, on the real seeded geography.
import { and, asc, eq, like } from "drizzle-orm";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { DateTime } from "luxon";
import type { AdminPluginOptions } from "../../src/admin/index.js";
import { staffAccounts } from "../../src/admin/accounts.sql.js";
import { createSession, hashPassword, type StaffAccount } from "../../src/admin/auth.js";
import { SESSION_COOKIE } from "../../src/admin/auth.js";
import { areas } from "../../src/areas/areas.sql.js";
import { buildApp } from "../../src/app.js";
import type { ChannelHub } from "../../src/channels/index.js";
import { contactChannels, contacts } from "../../src/contacts/contacts.sql.js";
import { posyandu, puskesmas, puskesmasDesa } from "../../src/health-units/health-units.sql.js";
import { reminderTick } from "../../src/reminders/dispatch.js";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.js";
import { createTestChannels, WebChatPeople, type Reply } from "../helpers/web-chat.js";

export const PARINGIN = "63.11.06";
export const LAMPIHONG = "63.11.05";
export const PASSWORD = "rahasia-yang-panjang";

/** The app as served, with the admin plugin registered on it. */
export async function buildAdminApp(rt: TestRuntime, options: AdminPluginOptions = { loginRateLimit: 10_000 }): Promise<FastifyInstance> {
  const app = await buildApp(rt, { admin: options });
  await app.ready();
  return app;
}

export interface ServiceWorld {
  rt: TestRuntime;
  w: World;
  hub: ChannelHub;
  app: FastifyInstance;
  /** A message on the web chat; the replies. */
  chat(from: string, message: string | { payload: string }): Promise<Reply[]>;
  /** What waits for a web chat person without writing. */
  inbox(from: string): Promise<Reply[]>;
  /** The chat address (contact_channels.address) the server gave a web chat person. */
  addressOf(from: string): string;
  /** The admin API as one of the world's accounts, signed in afresh (a test's clock outruns sessions). */
  asStaff(who: Who, method: "POST" | "PATCH" | "DELETE", url: string, payload?: object): Promise<LightMyRequestResponse>;
  /** Moves the clock to a local WITA time ("2026-03-09T09:00"). */
  setWita(local: string): void;
  /**
   * Day by day: a reminder tick after midnight plans the day (as the per-minute job would), one at
   * 09:00 WITA sends (after 08:00 and its jitter); returns what reached each of `recipients`.
   */
  liveDays(fromDay: string, toDay: string, recipients: string[]): Promise<{ from: string; day: string; text: string }[]>;
  close(): Promise<void>;
}

/** The service on a seeded world: the channels (web chat) and the admin API in one app. */
export async function startServiceWorld(options: { now?: string } = {}): Promise<ServiceWorld> {
  const rt = await createTestRuntime(options);
  const w = await seedWorld(rt);
  const hub = await createTestChannels(rt);
  const app = await buildApp(rt, { hub, admin: { loginRateLimit: 10_000 } });
  const setWita = (local: string) => rt.clock.set(DateTime.fromISO(local, { zone: "Asia/Makassar" }).toJSDate());
  const people = new WebChatPeople(() => app);
  const inbox = (from: string) => people.inbox(from);
  return {
    rt,
    w,
    hub,
    app,
    setWita,
    async close() {
      await app.close();
      await rt.close();
    },
    chat: (from, message) => people.send(from, message),
    addressOf: (from) => people.addressOf(from),
    inbox,
    async asStaff(who, method, url, payload) {
      const { token } = await createSession(rt.db, w.accounts[who].id, rt.clock.now());
      return app.inject({ method, url, headers: { cookie: `${SESSION_COOKIE}=${token}` }, ...(payload ? { payload } : {}) });
    },
    async liveDays(fromDay, toDay, recipients) {
      const received: { from: string; day: string; text: string }[] = [];
      for (let day = DateTime.fromISO(fromDay); day <= DateTime.fromISO(toDay); day = day.plus({ days: 1 })) {
        const iso = day.toISODate()!;
        setWita(`${iso}T00:30`);
        await reminderTick(rt, hub);
        setWita(`${iso}T09:00`);
        if ((await reminderTick(rt, hub)).messages === 0) continue;
        for (const from of recipients) for (const r of await inbox(from)) received.push({ from, day: iso, text: r.text });
      }
      return received;
    },
  };
}

async function desaOf(rt: TestRuntime, kecamatan: string): Promise<string[]> {
  const rows = await rt.db
    .select({ code: areas.code })
    .from(areas)
    .where(and(eq(areas.level, "desa"), like(areas.code, `${kecamatan}.%`)))
    .orderBy(asc(areas.code))
    .limit(3);
  return rows.map((r) => r.code);
}

export type Who = "admin" | "puskP" | "puskL" | "bidanP" | "bidanL" | "kaderP" | "kaderL";

export interface World {
  desa: { p0: string; p1: string; p2: string; l0: string; l1: string };
  puskesmas: { P: string; L: string };
  posyandu: { p0: string; p1: string; l0: string };
  accounts: Record<Who, StaffAccount>;
  /** Cookie header per account (a live session). */
  cookie: Record<Who, string>;
  /** Contacts: parents cP0 (desa p0, posyandu p0), cP1 (p1, p1), cL0 (l0, l0); pending kader kP (desa p0), kL (desa l0). */
  people: { cP0: string; cP1: string; cL0: string; kP: string; kL: string };
}

export async function seedWorld(rt: TestRuntime): Promise<World> {
  const [p0, p1, p2] = await desaOf(rt, PARINGIN);
  const [l0, l1] = await desaOf(rt, LAMPIHONG);
  if (!p0 || !p1 || !p2 || !l0 || !l1) throw new Error("seeded areas are missing Paringin or Lampihong desa");
  const db = rt.db;
  const [pP] = await db.insert(puskesmas).values({ name: "Puskesmas Paringin" }).returning();
  const [pL] = await db.insert(puskesmas).values({ name: "Puskesmas Lampihong" }).returning();
  await db.insert(puskesmasDesa).values([
    { puskesmasId: pP!.id, desaCode: p0 },
    { puskesmasId: pP!.id, desaCode: p1 },
    { puskesmasId: pL!.id, desaCode: l0 },
    { puskesmasId: pL!.id, desaCode: l1 },
  ]);
  const [y0] = await db.insert(posyandu).values({ name: "Posyandu Melati", desaCode: p0, dayOfMonth: 10 }).returning();
  const [y1] = await db.insert(posyandu).values({ name: "Posyandu Mawar", desaCode: p1, dayOfMonth: 12 }).returning();
  const [yl] = await db.insert(posyandu).values({ name: "Posyandu Anggrek", desaCode: l0, dayOfMonth: 5 }).returning();

  const now = rt.clock.now();
  // One argon2 hash for all (hashing is slow on purpose); insertAccount itself is tested elsewhere.
  const passwordHash = await hashPassword(PASSWORD);
  const make = async (
    username: string,
    role: StaffAccount["role"],
    area: { puskesmasId?: string; desaCode?: string; posyanduId?: string } = {},
  ) =>
    (
      await db
        .insert(staffAccounts)
        .values({ username, name: username, role, passwordHash, createdAt: now, ...area })
        .returning()
    )[0] as StaffAccount;
  const accounts: Record<Who, StaffAccount> = {
    admin: await make("admin", "pokja_admin"),
    puskP: await make("pusk.paringin", "puskesmas", { puskesmasId: pP!.id }),
    puskL: await make("pusk.lampihong", "puskesmas", { puskesmasId: pL!.id }),
    bidanP: await make("bidan.paringin", "bidan", { desaCode: p0 }),
    bidanL: await make("bidan.lampihong", "bidan", { desaCode: l0 }),
    kaderP: await make("kader.paringin", "kader", { posyanduId: y0!.id }),
    kaderL: await make("kader.lampihong", "kader", { posyanduId: yl!.id }),
  };
  const cookie = {} as Record<Who, string>;
  for (const [who, account] of Object.entries(accounts) as [Who, StaffAccount][]) {
    const { token } = await createSession(db, account.id, now);
    cookie[who] = `${SESSION_COOKIE}=${token}`;
  }

  let phone = 6281200000000;
  const person = async (values: Partial<typeof contacts.$inferInsert>) => {
    const [row] = await db.insert(contacts).values(values).returning();
    phone++;
    await db
      .insert(contactChannels)
      .values({ contactId: row!.id, channel: "telegram", address: String(phone), phone: String(phone), lastInboundAt: now });
    return row!.id;
  };
  const people = {
    cP0: await person({ role: "parent", lang: "bjn", desaCode: p0, posyanduId: y0!.id }),
    cP1: await person({ role: "parent", lang: "id", desaCode: p1, posyanduId: y1!.id }),
    cL0: await person({ role: "pregnant", lang: "id", desaCode: l0, posyanduId: yl!.id }),
    kP: await person({ role: "kader", kaderStatus: "pending", lang: "bjn", desaCode: p0 }),
    kL: await person({ role: "kader", kaderStatus: "pending", lang: "id", desaCode: l0 }),
  };
  return {
    desa: { p0, p1, p2, l0, l1 },
    puskesmas: { P: pP!.id, L: pL!.id },
    posyandu: { p0: y0!.id, p1: y1!.id, l0: yl!.id },
    accounts,
    cookie,
    people,
  };
}
