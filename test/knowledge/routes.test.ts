import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestChannels, WebChatPeople } from "../helpers/web-chat.js";
import { buildApp } from "../../src/app.js";
import { refreshKnowledge } from "../../src/knowledge/index.js";
import { seedWorld, type Who, type World } from "../admin/fixture.js";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.js";

const topic = (answer: string) => ({
  section: "D",
  danger: false,
  source: "Dinkes P2KB Kabupaten Balangan, 2026",
  keywords: { id: ["ikan haruan", "gabus"], bjn: ["iwak haruan"] },
  examples: { id: ["apakah ikan haruan bagus untuk mpasi", "ikan gabus untuk bayi"], bjn: ["iwak haruan nyaman gasan anak kah"] },
  texts: {
    id: { title: "Ikan haruan (gabus) untuk MP-ASI", answer },
    bjn: { title: "Iwak haruan gasan MP-ASI", answer: `${answer} (bjn)` },
  },
});

describe("FAQ overrides through the admin API", () => {
  let rt: TestRuntime;
  let app: FastifyInstance;
  let w: World;
  const call = (who: Who, method: "GET" | "PUT" | "DELETE", url: string, payload?: object) =>
    app.inject({ method, url, payload, headers: { cookie: w.cookie[who] } });
  let people: WebChatPeople;
  const ask = async (text: string) => (await people.send("tanya-1", text)).map((r) => r.text).join("\n");

  beforeAll(async () => {
    rt = await createTestRuntime();
    w = await seedWorld(rt);
    app = await buildApp(rt, { hub: await createTestChannels(rt), admin: { loginRateLimit: 10_000 } });
    people = new WebChatPeople(() => app);
    await refreshKnowledge(rt, rt.db, true);
  });
  afterAll(async () => {
    await app?.close();
    await rt?.close();
  });

  it("adds a topic the bot answers at once, in both languages, without a restart", async () => {
    const put = await call(
      "admin",
      "PUT",
      "/api/v1/faq/topics/ikan-haruan",
      topic("Ikan haruan kaya protein hewani; berikan mulai 6 bulan, dihaluskan dan tanpa duri."),
    );
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ id: "ikan-haruan", origin: "override" });
    expect(await ask("apakah ikan haruan bagus buat mpasi anak saya")).toMatch(/Ikan haruan kaya protein hewani/);
    const list = (await call("bidanP", "GET", "/api/v1/faq/topics")).json();
    expect(list.items.map((t: { id: string }) => t.id)).toContain("ikan-haruan");
  });

  it("overrides a content topic's text and withdraws the override again", async () => {
    const original = rt.i18n.t("id", "faq:skm.answer");
    const before = (await call("admin", "GET", "/api/v1/faq/topics/skm")).json();
    const put = await call("admin", "PUT", "/api/v1/faq/topics/skm", {
      ...before,
      id: undefined,
      origin: undefined,
      texts: {
        ...before.texts,
        id: { ...before.texts.id, answer: "Teks baru dari Pokja tentang susu kental manis: bukan susu untuk anak." },
      },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(rt.i18n.t("id", "faq:skm.answer")).toMatch(/Teks baru dari Pokja/);
    expect((await call("admin", "DELETE", "/api/v1/faq/topics/skm")).statusCode).toBe(204);
    expect(rt.i18n.t("id", "faq:skm.answer")).toBe(original);
  });

  it("lets only the Pokja change topics, and validates them", async () => {
    expect((await call("puskP", "PUT", "/api/v1/faq/topics/x-topic", topic("Jawaban yang cukup panjang untuk diuji."))).statusCode).toBe(
      403,
    );
    const tooLong = await call("admin", "PUT", "/api/v1/faq/topics/x-topic", topic("a".repeat(601)));
    expect(tooLong.statusCode).toBe(400);
    const bad = await call("admin", "PUT", "/api/v1/faq/topics/Bad_Id", topic("Jawaban yang cukup panjang untuk diuji."));
    expect(bad.statusCode).toBe(400);
    expect((await call("admin", "DELETE", "/api/v1/faq/topics/never-there")).statusCode).toBe(404);
  });

  it("disables a topic so it is no longer answered", async () => {
    await call("admin", "PUT", "/api/v1/faq/topics/ikan-haruan", {
      ...topic("Ikan haruan kaya protein hewani; berikan mulai 6 bulan."),
      disabled: true,
    });
    expect(await ask("apakah ikan haruan bagus buat mpasi anak saya")).not.toMatch(/Ikan haruan kaya protein hewani/);
  });
});
