import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestChannels, WebChatPeople } from "../helpers/web-chat.js";
import { buildApp } from "../../src/app.js";
import { purgeOldTexts } from "../../src/privacy/retention.js";
import { flushTopicCounts } from "../../src/knowledge/backlog.js";
import { seedWorld, type Who, type World } from "../admin/fixture.js";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.js";

// The Pokja's content backlog: what families asked that the FAQ could not answer with
// confidence, listed for staff without who asked.
describe("FAQ content backlog through the admin API", () => {
  let rt: TestRuntime;
  let app: FastifyInstance;
  let w: World;
  let people: WebChatPeople;
  const call = (who: Who | null, method: "GET" | "DELETE", url: string) =>
    app.inject({ method, url, headers: who ? { cookie: w.cookie[who] } : {} });
  const ask = async (person: string, text: string) => (await people.send(person, text)).map((r) => r.text).join("\n");
  interface Item {
    id: string;
    question: string;
    reason: string;
    count: number;
    topics: string[];
    confidence: number;
  }
  const backlog = async (query = "") =>
    (await call("bidanP", "GET", `/api/v1/knowledge/backlog${query}`)).json() as { items: Item[]; total: number };

  beforeAll(async () => {
    rt = await createTestRuntime();
    w = await seedWorld(rt);
    app = await buildApp(rt, { hub: await createTestChannels(rt), admin: { loginRateLimit: 10_000 } });
    people = new WebChatPeople(() => app);
  });
  afterAll(async () => {
    await app?.close();
    await rt?.close();
  });

  it("counts each answered question for its topic and day, and nothing about who asked", async () => {
    const answered = async () =>
      (
        (await call("admin", "GET", "/api/v1/reports/reach?from=2026-11-01&to=2026-11-30")).json() as {
          questions: { answeredByTopic: { topic: string; count: number }[] };
        }
      ).questions.answeredByTopic.find((t) => t.topic === "stunting-definisi")?.count ?? 0;
    await ask("tanya-topik", "apa itu stunting?");
    await ask("tanya-topik-2", "stunting itu apa sih");
    // Counted in memory on the message path, written by the minute job (and at shutdown).
    expect(await answered()).toBe(0);
    expect(await flushTopicCounts(rt)).toBe(1); // one row: same day, topic and language
    expect(await answered()).toBe(2);
    expect(await flushTopicCounts(rt)).toBe(0); // nothing new: nothing written twice
    await ask("tanya-topik-3", "apa itu stunting");
    await flushTopicCounts(rt);
    expect(await answered()).toBe(3); // added to the day's row
  });

  it("keeps a declined question once, counted, with phone numbers masked and nobody's identity", async () => {
    expect(await ask("tanya-1", "cara ternak bebek biar cepat besar, wa saya 081234567890")).toMatch(/Maaf|hanya bisa/i);
    expect(await ask("tanya-2", "Cara ternak bebek biar cepat besar? WA saya 081234567890")).toMatch(/Maaf|hanya bisa/i);
    const { items, total } = await backlog();
    const item = items.find((i) => /bebek/i.test(i.question));
    expect(item, JSON.stringify(items)).toBeDefined();
    expect(item).toMatchObject({ reason: "offtopic", count: 2 });
    expect(item!.question).not.toMatch(/081234567890/);
    expect(total).toBeGreaterThanOrEqual(1);
    // Nothing that points to a person: no contact, channel or chat id.
    expect(Object.keys(item!).sort()).toEqual(
      ["confidence", "count", "firstAt", "id", "lang", "question", "reason", "topics", "lastAt"].sort(),
    );
  });

  it("leaves confident answers, danger signs and greetings out", async () => {
    await ask("tanya-3", "apa itu stunting?");
    await ask("tanya-3", "bayi baru lahir tidak mau menyusu sejak pagi");
    await ask("tanya-3", "halo bu");
    const questions = (await backlog()).items.map((i) => i.question);
    expect(questions.some((q) => /stunting|menyusu|halo/i.test(q))).toBe(false);
  });

  it("filters by reason, is for staff only, and lets the Pokja remove a handled entry", async () => {
    const offtopic = await backlog("?reason=offtopic");
    expect(offtopic.items.every((i) => i.reason === "offtopic")).toBe(true);
    expect((await call(null, "GET", "/api/v1/knowledge/backlog")).statusCode).toBe(401);
    expect((await call("bidanP", "GET", "/api/v1/knowledge/backlog?reason=bogus")).statusCode).toBe(400);
    const id = offtopic.items[0]!.id;
    expect((await call("bidanP", "DELETE", `/api/v1/knowledge/backlog/${id}`)).statusCode).toBe(403);
    expect((await call("admin", "DELETE", `/api/v1/knowledge/backlog/${id}`)).statusCode).toBe(204);
    expect((await call("admin", "DELETE", `/api/v1/knowledge/backlog/${id}`)).statusCode).toBe(404);
    expect((await backlog()).items.some((i) => i.id === id)).toBe(false);
  });

  it("forgets questions not asked again within the retention period", async () => {
    await ask("tanya-4", "cara ternak ikan lele di kolam terpal");
    expect((await backlog()).items.some((i) => /lele/.test(i.question))).toBe(true);
    const later = new Date(rt.clock.now().getTime() + 200 * 86_400_000);
    const purged = await purgeOldTexts(rt.db, later, 180);
    expect(purged.faqBacklog).toBeGreaterThanOrEqual(1);
    expect((await backlog()).total).toBe(0);
  });
});
