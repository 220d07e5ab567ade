// Staff decide parents' child-link requests through the admin API: only for children of their
// area, seeing only a hint of the requester's phone; approval links the parent, starts the child's
// reminders and tells the parent; every decision is audited and made once.
import { and, eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outbox } from "../../src/channels/channels.sql.js";
import { children } from "../../src/children/children.sql.js";
import { insertChild } from "../../src/children/index.js";
import { openLinkRequest } from "../../src/children/linking.js";
import { contactChannels } from "../../src/contacts/contacts.sql.js";
import { auditLog } from "../../src/platform/audit.sql.js";
import { reminderPlans } from "../../src/reminders/reminders.sql.js";
import { buildAdminApp, seedWorld, type Who, type World } from "../admin/fixture.js";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.js";

describe("child link requests API", () => {
  let rt: TestRuntime;
  let app: FastifyInstance;
  let w: World;
  let first = 0;
  let second = 0;
  let childId = "";
  const call = (who: Who | null, method: "GET" | "POST", url: string, payload?: object) =>
    app.inject({ method, url, payload, headers: who ? { cookie: w.cookie[who] } : {} });

  beforeAll(async () => {
    rt = await createTestRuntime();
    w = await seedWorld(rt);
    app = await buildAdminApp(rt);
    const now = rt.clock.now();
    const child = await insertChild(rt.db, {
      name: "Nur",
      sex: "P",
      birthDate: "2025-06-01",
      desaCode: w.desa.p0,
      posyanduId: w.posyandu.p0,
      parentPhone: "6281299990000",
    });
    const other = await insertChild(rt.db, {
      name: "Rafi",
      sex: "L",
      birthDate: "2025-02-01",
      desaCode: w.desa.p0,
      posyanduId: w.posyandu.p0,
    });
    childId = child.id;
    first = (await openLinkRequest(rt.db, child.id, w.people.cP1, now)).request.number;
    second = (await openLinkRequest(rt.db, other.id, w.people.cL0, now)).request.number;
  });
  afterAll(async () => {
    await app?.close();
    await rt?.close();
  });

  it("lists the requests of the caller's area only, with a phone hint instead of the phone", async () => {
    const bidan = await call("bidanP", "GET", "/api/v1/child-link-requests?status=pending");
    expect(bidan.statusCode).toBe(200);
    expect(bidan.json().total).toBe(2);
    const nur = bidan.json().items.find((r: { number: number }) => r.number === first);
    const [channel] = await rt.db.select().from(contactChannels).where(eq(contactChannels.contactId, w.people.cP1));
    expect(nur).toMatchObject({
      status: "pending",
      childName: "Nur",
      requesterChannel: "telegram",
      requesterPhoneHint: `…${channel!.phone!.slice(-4)}`,
    });
    expect(JSON.stringify(bidan.json())).not.toContain(channel!.phone!);
    expect((await call("kaderP", "GET", "/api/v1/child-link-requests")).json().total).toBe(2);
    expect((await call("bidanL", "GET", "/api/v1/child-link-requests")).json().total).toBe(0);
    expect((await call("puskL", "GET", "/api/v1/child-link-requests")).json().total).toBe(0);
    expect((await call(null, "GET", "/api/v1/child-link-requests")).statusCode).toBe(401);
    expect((await call("admin", "GET", "/api/v1/child-link-requests?status=maybe")).statusCode).toBe(400);
  });

  it("approves once: the parent is linked, reminders start, the parent is told, the audit log has it", async () => {
    expect((await call("bidanL", "POST", `/api/v1/child-link-requests/${first}/decision`, { decision: "approve" })).statusCode).toBe(404);
    expect((await call("bidanP", "POST", `/api/v1/child-link-requests/${first}/decision`, { decision: "yes" })).statusCode).toBe(400);
    expect((await call("bidanP", "POST", `/api/v1/child-link-requests/abc/decision`, { decision: "approve" })).statusCode).toBe(400);
    const res = await call("bidanP", "POST", `/api/v1/child-link-requests/${first}/decision`, { decision: "approve" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ number: first, outcome: "approved" });
    const [child] = await rt.db.select().from(children).where(eq(children.id, childId));
    expect(child?.parentContactId).toBe(w.people.cP1);
    expect(
      await rt.db
        .select()
        .from(reminderPlans)
        .where(and(eq(reminderPlans.contactId, w.people.cP1))),
    ).not.toHaveLength(0);
    const told = await rt.db.select().from(outbox).where(eq(outbox.contactId, w.people.cP1));
    expect(told.map((m) => (m.message as { text: string }).text).join("\n")).toContain("Nur");
    const audit = await rt.db.select().from(auditLog).where(eq(auditLog.action, "child_link.approve"));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorAccountId: w.accounts.bidanP.id, entity: "child_link_request" });
    const again = await call("admin", "POST", `/api/v1/child-link-requests/${first}/decision`, { decision: "reject" });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toBe("already_decided");
  });

  it("rejects without linking, and the request shows as decided", async () => {
    const res = await call("kaderP", "POST", `/api/v1/child-link-requests/${second}/decision`, { decision: "reject" });
    expect(res.json()).toEqual({ number: second, outcome: "rejected" });
    const [other] = await rt.db.select().from(children).where(eq(children.name, "Rafi"));
    expect(other?.parentContactId).toBeNull();
    const list = (await call("admin", "GET", "/api/v1/child-link-requests?status=rejected")).json();
    expect(list.items.map((r: { number: number }) => r.number)).toEqual([second]);
    expect(list.items[0].decidedAt).not.toBeNull();
  });
});
