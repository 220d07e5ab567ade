// Programme reach through the admin API, with every expectation written out from the seed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { contactChannels, contacts } from "../../src/contacts/contacts.sql.js";
import { reminderFires, reminderPlans } from "../../src/reminders/reminders.sql.js";
import { faqBacklog, faqTopicDays } from "../../src/knowledge/backlog.sql.js";
import type { TestRuntime } from "../helpers/runtime.js";
import { getAs, startReportWorld } from "./fixture.js";
import type { Who, World } from "../admin/fixture.js";

let rt: TestRuntime;
let app: FastifyInstance;
let w: World;

// People (besides the fixture's), registered in 2026-08 unless said:
//  A p0 parent  id  telegram   reminders: imm sent 08-03 done; imm sent 08-10 not done; tip sent 08-11 (not confirmable)
//  B p0 parent  bjn whatsapp   opted out 08-15 "terlalu banyak pesan"; anc sent 07-30 (before the range) done 08-02
//  C l0 pregnant bjn telegram+web  opted out 08-20 "terlalu banyak pesan"; anc sent 08-05 done
//  D l0 parent  id  web        opted out 2026-06-01 (before the range), reason null
//  E p1 parent  id  telegram   registered 2026-09-10 (after the range)
const people = [
  { key: "A", desa: "p0", role: "parent", lang: "id", channels: ["telegram"], registered: "2026-08-01", optedOut: null, reason: null },
  {
    key: "B",
    desa: "p0",
    role: "parent",
    lang: "bjn",
    channels: ["whatsapp"],
    registered: "2026-08-01",
    optedOut: "2026-08-15",
    reason: "terlalu banyak pesan",
  },
  {
    key: "C",
    desa: "l0",
    role: "pregnant",
    lang: "bjn",
    channels: ["telegram", "web"],
    registered: "2026-08-01",
    optedOut: "2026-08-20",
    reason: "terlalu banyak pesan",
  },
  { key: "D", desa: "l0", role: "parent", lang: "id", channels: ["web"], registered: "2026-05-01", optedOut: "2026-06-01", reason: null },
  { key: "E", desa: "p1", role: "parent", lang: "id", channels: ["telegram"], registered: "2026-09-10", optedOut: null, reason: null },
] as const;
const fires = [
  { who: "A", kind: "immunization", sent: "2026-08-03", done: true, confirmable: true },
  { who: "A", kind: "immunization", sent: "2026-08-10", done: false, confirmable: true },
  { who: "A", kind: "tip", sent: "2026-08-11", done: false, confirmable: false },
  { who: "B", kind: "anc", sent: "2026-07-30", done: true, confirmable: true },
  { who: "C", kind: "anc", sent: "2026-08-05", done: true, confirmable: true },
] as const;

beforeAll(async () => {
  ({ rt, app, w } = await startReportWorld("2026-09-15T02:00:00Z"));
  const idOf: Record<string, string> = {};
  for (const p of people) {
    const [c] = await rt.db
      .insert(contacts)
      .values({
        role: p.role,
        lang: p.lang,
        desaCode: w.desa[p.desa],
        registeredAt: new Date(`${p.registered}T02:00:00Z`),
        optedOutAt: p.optedOut ? new Date(`${p.optedOut}T02:00:00Z`) : null,
        optOutReason: p.reason,
      })
      .returning({ id: contacts.id });
    idOf[p.key] = c!.id;
    for (const ch of p.channels) await rt.db.insert(contactChannels).values({ contactId: c!.id, channel: ch, address: `${ch}-${p.key}` });
  }
  for (const f of fires) {
    const [plan] = await rt.db
      .insert(reminderPlans)
      .values({ contactId: idOf[f.who]!, programme: "child", anchor: "2026-01-01" })
      .returning({ id: reminderPlans.id });
    await rt.db.insert(reminderFires).values({
      planId: plan!.id,
      contactId: idOf[f.who]!,
      ruleKey: `${f.kind}-x`,
      occurrence: f.sent,
      kind: f.kind,
      confirmable: f.confirmable,
      messageKey: "reminders:x",
      dueDate: f.sent,
      untilDate: f.sent,
      sendAt: new Date(`${f.sent}T01:00:00Z`),
      status: f.done ? "done" : "sent",
      sentAt: new Date(`${f.sent}T01:00:00Z`),
      doneAt: f.done ? new Date(`${f.sent}T05:00:00Z`) : null,
    });
  }
  // Questions: two days of answers (one outside the range) and a declined question asked 4 times.
  await rt.db.insert(faqTopicDays).values([
    { day: "2026-08-02", topic: "stunting", lang: "id", count: 2 },
    { day: "2026-08-03", topic: "stunting", lang: "bjn", count: 1 },
    { day: "2026-08-03", topic: "asi-eksklusif", lang: "id", count: 1 },
    { day: "2026-09-01", topic: "stunting", lang: "id", count: 9 },
  ]);
  await rt.db.insert(faqBacklog).values({
    normalized: "harga motor",
    question: "harga motor",
    lang: "id",
    reason: "offtopic",
    topics: [],
    confidence: 0.1,
    count: 4,
    firstAt: new Date("2026-08-05T00:00:00Z"),
    lastAt: new Date("2026-08-20T00:00:00Z"),
  });
}, 300_000);
afterAll(async () => {
  await app?.close();
  await rt?.close();
});

const get = (who: Who, url: string) => getAs({ app, w }, who, url);

describe("GET /api/v1/reports/reach", () => {
  it("counts reminders sent and confirmed per kind, opt-outs with reasons, and people by role, language and channel", async () => {
    const { status, body } = await get("admin", "/api/v1/reports/reach?from=2026-08-01&to=2026-08-31");
    expect(status).toBe(200);
    expect(body.reminders).toEqual([
      { kind: "anc", sent: 1, confirmable: 1, confirmed: 1, confirmedPercent: 100 },
      { kind: "immunization", sent: 2, confirmable: 2, confirmed: 1, confirmedPercent: 50 },
      { kind: "tip", sent: 1, confirmable: 0, confirmed: 0, confirmedPercent: null },
    ]);
    expect(body.questions).toEqual({
      answeredByTopic: [
        { topic: "stunting", count: 3 },
        { topic: "asi-eksklusif", count: 1 },
      ],
      unanswered: [{ reason: "offtopic", questions: 1, times: 4 }],
    });
    expect(body.optOuts).toEqual({ inRange: 2, reasons: [{ reason: "terlalu banyak pesan", count: 2 }], optedOutNow: 3 });
    // The fixture's own contacts are not registered (no registeredAt), so only A–D count.
    expect(body.people.registered).toBe(4);
    expect(body.people.byRole).toEqual({ parent: 3, pregnant: 1 });
    expect(body.people.byLanguage).toEqual({ bjn: 2, id: 2 });
    expect(body.people.byChannel).toEqual({ telegram: 2, web: 2, whatsapp: 1 });
  });

  it("keeps a bidan to her desa", async () => {
    const { body } = await get("bidanL", "/api/v1/reports/reach?from=2026-08-01&to=2026-08-31");
    expect(body.people.registered).toBe(2); // C and D in l0
    expect(body.reminders.map((r: { kind: string }) => r.kind)).toEqual(["anc"]);
    expect(body.optOuts.inRange).toBe(1);
  });

  it("answers a reversed range with 400", async () => {
    expect((await get("admin", "/api/v1/reports/reach?from=2026-09-01&to=2026-08-31")).status).toBe(400);
  });
});
