// Roles × areas: each role reaches exactly its area, in list, read and export endpoints and in
// the scoping helper itself.
import { and, eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { principalOf } from "../../src/admin/accounts.js";
import { scopeFor, whereInScope } from "../../src/platform/scope.js";
import { contacts } from "../../src/contacts/contacts.sql.js";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.js";
import { buildAdminApp, PASSWORD, seedWorld, type Who, type World } from "./fixture.js";

let rt: TestRuntime;
let app: FastifyInstance;
let w: World;

beforeAll(async () => {
  rt = await createTestRuntime();
  w = await seedWorld(rt);
  app = await buildAdminApp(rt);
});
afterAll(async () => {
  await app?.close();
  await rt?.close();
});

const get = (who: Who, url: string) => app.inject({ method: "GET", url, headers: { cookie: w.cookie[who] } });
const post = (who: Who, url: string, payload: object) => app.inject({ method: "POST", url, payload, headers: { cookie: w.cookie[who] } });

type Person = keyof World["people"];
const PEOPLE_IN_REACH: Record<Who, Person[]> = {
  admin: ["cP0", "cP1", "cL0", "kP", "kL"],
  puskP: ["cP0", "cP1", "kP"],
  puskL: ["cL0", "kL"],
  bidanP: ["cP0", "kP"],
  bidanL: ["cL0", "kL"],
  kaderP: ["cP0"], // the pending kader has no posyandu yet: out of a kader's reach
  kaderL: ["cL0"],
};
type Unit = keyof World["posyandu"];
const POSYANDU_IN_REACH: Record<Who, Unit[]> = {
  admin: ["p0", "p1", "l0"],
  puskP: ["p0", "p1"],
  puskL: ["l0"],
  bidanP: ["p0"],
  bidanL: ["l0"],
  kaderP: ["p0"],
  kaderL: ["l0"],
};
const WHO = Object.keys(PEOPLE_IN_REACH) as Who[];
const ALL_PEOPLE: Person[] = ["cP0", "cP1", "cL0", "kP", "kL"];
const ALL_UNITS: Unit[] = ["p0", "p1", "l0"];

describe("the scoping helper in a query", () => {
  it.each(WHO)("%s selects exactly its people", async (who) => {
    const rows = await rt.db
      .select({ id: contacts.id })
      .from(contacts)
      .where(whereInScope(principalOf(w.accounts[who]), { desaCode: contacts.desaCode, posyanduId: contacts.posyanduId }));
    expect(rows.map((r) => r.id).sort()).toEqual(PEOPLE_IN_REACH[who].map((p) => w.people[p]).sort());
  });

  it("spells out the scope of each role", async () => {
    const p = await scopeFor(rt.db, principalOf(w.accounts.puskP));
    expect(p).toEqual({ all: false, desaCodes: [w.desa.p0, w.desa.p1].sort(), posyanduIds: [w.posyandu.p0, w.posyandu.p1].sort() });
    expect(await scopeFor(rt.db, principalOf(w.accounts.bidanL))).toEqual({
      all: false,
      desaCodes: [w.desa.l0],
      posyanduIds: [w.posyandu.l0],
    });
    expect(await scopeFor(rt.db, principalOf(w.accounts.kaderP))).toEqual({ all: false, desaCodes: [], posyanduIds: [w.posyandu.p0] });
    const all = await scopeFor(rt.db, principalOf(w.accounts.admin));
    expect(all.all).toBe(true);
    expect(all.desaCodes.length).toBeGreaterThan(100); // every desa/kelurahan of Balangan
  });

  it("fails closed for a principal without its area, and for a kader on desa-only rows", async () => {
    const noArea = { role: "bidan" as const, puskesmasId: null, desaCode: null, posyanduId: null };
    expect(
      await rt.db
        .select()
        .from(contacts)
        .where(whereInScope(noArea, { desaCode: contacts.desaCode })),
    ).toEqual([]);
    const kader = principalOf(w.accounts.kaderP);
    expect(
      await rt.db
        .select()
        .from(contacts)
        .where(whereInScope(kader, { desaCode: contacts.desaCode })),
    ).toEqual([]);
  });

  it("combines with other conditions", async () => {
    const rows = await rt.db
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.role, "kader"), whereInScope(principalOf(w.accounts.puskL), { desaCode: contacts.desaCode })));
    expect(rows.map((r) => r.id)).toEqual([w.people.kL]);
  });
});

describe("people endpoints", () => {
  it.each(WHO)("%s lists exactly its people", async (who) => {
    const res = await get(who, "/api/v1/people?limit=200");
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: { id: string }[]; total: number };
    expect(body.items.map((i) => i.id).sort()).toEqual(PEOPLE_IN_REACH[who].map((p) => w.people[p]).sort());
    expect(body.total).toBe(PEOPLE_IN_REACH[who].length);
  });

  it.each(WHO)("%s reads a person in its area and gets 404 outside it", async (who) => {
    for (const p of ALL_PEOPLE) {
      const res = await get(who, `/api/v1/people/${w.people[p]}`);
      expect(res.statusCode, `${who} reading ${p}`).toBe(PEOPLE_IN_REACH[who].includes(p) ? 200 : 404);
    }
  });

  it.each(WHO)("%s exports exactly its people as CSV", async (who) => {
    const res = await get(who, "/api/v1/people/export.csv");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/csv/);
    const lines = res.body.trim().split("\n");
    expect(lines[0]).toMatch(/^id,role,/);
    const ids = lines.slice(1).map((l) => l.split(",")[0]);
    expect(ids.sort()).toEqual(PEOPLE_IN_REACH[who].map((p) => w.people[p]).sort());
  });

  it("a puskesmas user of Paringin cannot read a person of Lampihong, even by filtering for it", async () => {
    expect((await get("puskP", `/api/v1/people/${w.people.cL0}`)).statusCode).toBe(404);
    const res = await get("puskP", `/api/v1/people?desaCode=${w.desa.l0}`);
    expect(res.json()).toMatchObject({ items: [], total: 0 });
  });

  it("shows phone numbers to bidan and puskesmas, masked to the Pokja and kader", async () => {
    const phoneOf = async (who: Who) => {
      const res = await get(who, `/api/v1/people/${w.people.cP0}`);
      return (res.json() as { person: { channels: { phone: string }[] } }).person.channels[0]?.phone;
    };
    expect(await phoneOf("bidanP")).toMatch(/^\d{13}$/);
    expect(await phoneOf("puskP")).toMatch(/^\d{13}$/);
    expect(await phoneOf("admin")).toMatch(/^\*{10}\d{3}$/);
    expect(await phoneOf("kaderP")).toMatch(/^\*{10}\d{3}$/);
    const csv = (await get("admin", "/api/v1/people/export.csv")).body;
    expect(csv).toContain("telegram:**********");
    expect(csv).not.toMatch(/telegram:\d{4,}/);
  });
});

describe("posyandu and puskesmas endpoints", () => {
  it.each(WHO)("%s lists and reads exactly its posyandu", async (who) => {
    const res = await get(who, "/api/v1/posyandu");
    const ids = (res.json() as { items: { id: string }[] }).items.map((i) => i.id);
    expect(ids.sort()).toEqual(POSYANDU_IN_REACH[who].map((u) => w.posyandu[u]).sort());
    for (const u of ALL_UNITS) {
      expect((await get(who, `/api/v1/posyandu/${w.posyandu[u]}`)).statusCode, `${who} reading ${u}`).toBe(
        POSYANDU_IN_REACH[who].includes(u) ? 200 : 404,
      );
    }
  });

  it("lists puskesmas by the desa they serve", async () => {
    const names = async (who: Who) =>
      ((await get(who, "/api/v1/puskesmas")).json() as { items: { name: string }[] }).items.map((i) => i.name);
    expect(await names("admin")).toEqual(["Puskesmas Lampihong", "Puskesmas Paringin"]);
    expect(await names("puskP")).toEqual(["Puskesmas Paringin"]);
    expect(await names("bidanL")).toEqual(["Puskesmas Lampihong"]);
    expect(await names("kaderP")).toEqual([]);
    expect((await get("puskP", `/api/v1/puskesmas/${w.puskesmas.L}`)).statusCode).toBe(404);
  });

  it("lets staff create posyandu only in desa of their area", async () => {
    const body = (desaCode: string) => ({ name: "Posyandu Baru", desaCode, dayOfMonth: 15 });
    expect((await post("puskP", "/api/v1/posyandu", body(w.desa.l0))).statusCode).toBe(403);
    expect((await post("bidanP", "/api/v1/posyandu", body(w.desa.p1))).statusCode).toBe(403);
    expect((await post("kaderP", "/api/v1/posyandu", body(w.desa.p0))).statusCode).toBe(403);
    expect((await post("admin", "/api/v1/posyandu", body("63.11.06.9999"))).json()).toMatchObject({
      error: "validation_failed",
      fields: [{ field: "body.desaCode" }],
    });
    const ok = await post("bidanP", "/api/v1/posyandu", body(w.desa.p0));
    expect(ok.statusCode).toBe(201);
    const id = (ok.json() as { posyandu: { id: string } }).posyandu.id;
    expect(
      (
        await app.inject({
          method: "PATCH",
          url: `/api/v1/posyandu/${id}`,
          payload: { desaCode: w.desa.l0 },
          headers: { cookie: w.cookie.puskP },
        })
      ).statusCode,
    ).toBe(403);
    expect((await app.inject({ method: "DELETE", url: `/api/v1/posyandu/${id}`, headers: { cookie: w.cookie.puskL } })).statusCode).toBe(
      404,
    );
    expect((await app.inject({ method: "DELETE", url: `/api/v1/posyandu/${id}`, headers: { cookie: w.cookie.puskP } })).statusCode).toBe(
      204,
    );
    // A posyandu with a kader account is in use.
    expect(
      (await app.inject({ method: "DELETE", url: `/api/v1/posyandu/${w.posyandu.p0}`, headers: { cookie: w.cookie.admin } })).statusCode,
    ).toBe(409);
  });

  it("leaves puskesmas management to the Pokja", async () => {
    expect((await post("puskP", "/api/v1/puskesmas", { name: "Puskesmas X" })).statusCode).toBe(403);
    const made = await post("admin", "/api/v1/puskesmas", { name: "Puskesmas Awayan", desaCodes: [w.desa.p2] });
    expect(made.statusCode).toBe(201);
    expect((await post("admin", "/api/v1/puskesmas", { name: "Puskesmas Dua", desaCodes: [w.desa.p0] })).statusCode).toBe(409);
  });
});

describe("areas endpoint", () => {
  const codes = async (who: Who, query = "") =>
    ((await get(who, `/api/v1/areas${query}`)).json() as { items: { code: string }[] }).items.map((i) => i.code);

  it("lists the desa and kecamatan each role reaches", async () => {
    expect(await codes("puskP")).toEqual(["63.11.06", w.desa.p0, w.desa.p1].sort());
    expect(await codes("bidanL")).toEqual(["63.11.05", w.desa.l0].sort());
    expect(await codes("kaderP")).toEqual([]);
    expect(await codes("admin", "?level=kecamatan")).toContain("63.11.05");
    expect((await codes("admin", "?level=desa&parentCode=63.11.05")).every((c) => c.startsWith("63.11.05."))).toBe(true);
    expect(await codes("puskP", "?parentCode=63.11.05")).toEqual([]);
  });
});

describe("accounts by area", () => {
  const newAccount = (role: string, area: object) => ({
    username: `u${Math.random().toString(36).slice(2, 10)}`,
    name: "Staf Baru",
    password: PASSWORD,
    role,
    ...area,
  });

  it("lets a puskesmas create bidan and kader in its own area only", async () => {
    expect((await post("puskP", "/api/v1/accounts", newAccount("bidan", { desaCode: w.desa.p1 }))).statusCode).toBe(201);
    expect((await post("puskP", "/api/v1/accounts", newAccount("kader", { posyanduId: w.posyandu.p1 }))).statusCode).toBe(201);
    expect((await post("puskP", "/api/v1/accounts", newAccount("bidan", { desaCode: w.desa.l0 }))).statusCode).toBe(403);
    expect((await post("puskP", "/api/v1/accounts", newAccount("kader", { posyanduId: w.posyandu.l0 }))).statusCode).toBe(403);
    expect((await post("puskP", "/api/v1/accounts", newAccount("puskesmas", { puskesmasId: w.puskesmas.P }))).statusCode).toBe(403);
    expect((await post("puskP", "/api/v1/accounts", newAccount("pokja_admin", {}))).statusCode).toBe(403);
    expect((await post("bidanP", "/api/v1/accounts", newAccount("kader", { posyanduId: w.posyandu.p0 }))).statusCode).toBe(403);
    expect((await post("kaderP", "/api/v1/accounts", newAccount("kader", { posyanduId: w.posyandu.p0 }))).statusCode).toBe(403);
  });

  it("requires the area field of the role and no other", async () => {
    const missing = await post("admin", "/api/v1/accounts", newAccount("bidan", {}));
    expect(missing.json()).toMatchObject({ error: "validation_failed", fields: [{ field: "body.desaCode" }] });
    const stray = await post("admin", "/api/v1/accounts", newAccount("bidan", { desaCode: w.desa.p0, posyanduId: w.posyandu.p0 }));
    expect(stray.json()).toMatchObject({ fields: [{ field: "body.posyanduId" }] });
  });

  it("lists accounts within the area", async () => {
    const usernames = async (who: Who) =>
      ((await get(who, "/api/v1/accounts?limit=200&active=true")).json() as { items: { username: string; role: string }[] }).items
        .filter((a) => !a.username.startsWith("u"))
        .map((a) => a.username);
    expect(await usernames("puskP")).toEqual(["bidan.paringin", "kader.paringin", "pusk.paringin"]);
    expect(await usernames("kaderL")).toEqual(["kader.lampihong"]);
    expect((await usernames("admin")).length).toBe(7);
    expect((await get("puskP", `/api/v1/accounts/${w.accounts.bidanL.id}`)).statusCode).toBe(404);
    expect((await get("bidanL", `/api/v1/accounts/${w.accounts.bidanL.id}`)).statusCode).toBe(200);
  });

  it("lets a puskesmas deactivate a bidan of its area but not of another", async () => {
    const patch = (who: Who, id: string) =>
      app.inject({ method: "PATCH", url: `/api/v1/accounts/${id}`, payload: { active: false }, headers: { cookie: w.cookie[who] } });
    expect((await patch("puskP", w.accounts.bidanL.id)).statusCode).toBe(404);
    expect((await patch("bidanP", w.accounts.kaderP.id)).statusCode).toBe(403);
    expect((await patch("puskP", w.accounts.puskP.id)).statusCode).toBe(403);
    const made = await post("puskP", "/api/v1/accounts", newAccount("bidan", { desaCode: w.desa.p0 }));
    const id = (made.json() as { account: { id: string } }).account.id;
    const res = await patch("puskP", id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ account: { active: false } });
  });
});

describe("kader approvals", () => {
  it("lists pending kader in the approver's area; bidan and kader may not approve", async () => {
    const ids = async (who: Who) =>
      ((await get(who, "/api/v1/kader-approvals")).json() as { items: { id: string }[] }).items.map((i) => i.id);
    expect(await ids("puskP")).toEqual([w.people.kP]);
    expect(await ids("puskL")).toEqual([w.people.kL]);
    expect((await ids("admin")).sort()).toEqual([w.people.kP, w.people.kL].sort());
    expect((await get("bidanP", "/api/v1/kader-approvals")).statusCode).toBe(403);
    expect((await get("kaderP", "/api/v1/kader-approvals")).statusCode).toBe(403);
  });

  it("approves only in scope and assigns the posyandu; the kader is told in chat, in their language", async () => {
    expect((await post("puskP", `/api/v1/kader-approvals/${w.people.kL}/approve`, { posyanduId: w.posyandu.l0 })).statusCode).toBe(404);
    expect((await post("puskP", `/api/v1/kader-approvals/${w.people.kP}/approve`, { posyanduId: w.posyandu.l0 })).statusCode).toBe(404);
    const ok = await post("puskP", `/api/v1/kader-approvals/${w.people.kP}/approve`, { posyanduId: w.posyandu.p1 });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ person: { kaderStatus: "active", posyanduId: w.posyandu.p1, desaCode: w.desa.p1 } });
    expect((await post("puskP", `/api/v1/kader-approvals/${w.people.kP}/approve`, { posyanduId: w.posyandu.p1 })).statusCode).toBe(409);
    const queued = await rt.db.query.outbox.findMany({ where: (o, { eq: is }) => is(o.contactId, w.people.kP) });
    expect(queued).toHaveLength(1);
    // The approval, then the kader commands they can now use.
    expect(queued[0]!.message.text).toBe(
      `${rt.i18n.t("bjn", "admin:kader.approved", { posyandu: "Posyandu Mawar" })}\n\n${rt.i18n.t("bjn", "conversation:kader_commands")}`,
    );
    // Now active at posyandu p1: its kader account sees it, the posyandu p0 kader does not.
    const deact = await post("puskP", `/api/v1/kaders/${w.people.kP}/deactivate`, { reason: "pindah ke luar daerah" });
    expect(deact.json()).toMatchObject({ person: { kaderStatus: "inactive" } });
  });

  it("rejects with a reason", async () => {
    expect((await post("puskL", `/api/v1/kader-approvals/${w.people.kL}/reject`, {})).statusCode).toBe(400);
    const res = await post("puskL", `/api/v1/kader-approvals/${w.people.kL}/reject`, { reason: "bukan warga desa" });
    expect(res.json()).toMatchObject({ person: { kaderStatus: "inactive" } });
    const [row] = await rt.db.select().from(contacts).where(eq(contacts.id, w.people.kL));
    expect(row?.kaderStatus).toBe("inactive");
  });
});
