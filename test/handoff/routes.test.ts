import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outbox } from "../../src/channels/channels.sql.js";
import { submitQuestion } from "../../src/handoff/index.js";
import { auditLog } from "../../src/platform/audit.sql.js";
import { eq } from "drizzle-orm";
import { buildAdminApp, seedWorld, type Who, type World } from "../admin/fixture.js";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.js";

describe("handoff inbox API", () => {
  let rt: TestRuntime;
  let app: FastifyInstance;
  let w: World;
  const ids: Record<string, string> = {};
  const call = (who: Who | null, method: "GET" | "POST", url: string, payload?: object) =>
    app.inject({ method, url, payload, headers: who ? { cookie: w.cookie[who] } : {} });

  beforeAll(async () => {
    rt = await createTestRuntime();
    w = await seedWorld(rt);
    app = await buildAdminApp(rt);
    for (const [key, contactId, desaCode] of [
      ["paringin", w.people.cP0, w.desa.p0],
      ["lampihong", w.people.cL0, w.desa.l0],
    ] as const) {
      const q = await submitQuestion(
        rt.db,
        rt.i18n,
        { contactId, channel: "web", address: `addr-${key}`, lang: "id", desaCode, question: `pertanyaan dari ${key}` },
        rt.clock.now(),
      );
      ids[key] = q.id;
    }
  });
  afterAll(async () => {
    await app?.close();
    await rt?.close();
  });

  it("lists only the questions of the caller's area, without the asker's address", async () => {
    const bidan = (await call("bidanP", "GET", "/api/v1/handoff-questions")).json();
    expect(bidan.items.map((q: { question: string }) => q.question)).toEqual(["pertanyaan dari paringin"]);
    expect(JSON.stringify(bidan)).not.toContain("addr-paringin");
    const admin = (await call("admin", "GET", "/api/v1/handoff-questions?status=open")).json();
    expect(admin.total).toBe(2);
    expect((await call("puskL", "GET", `/api/v1/handoff-questions/${ids.paringin}`)).statusCode).toBe(404);
    expect((await call("kaderP", "GET", "/api/v1/handoff-questions")).statusCode).toBe(403);
    expect((await call(null, "GET", "/api/v1/handoff-questions")).statusCode).toBe(401);
  });

  it("claims and answers, sends the answer to the asker and writes the audit log", async () => {
    const claimed = await call("puskP", "POST", `/api/v1/handoff-questions/${ids.paringin}/claim`);
    expect(claimed.json()).toMatchObject({ status: "claimed", claimedBy: w.accounts.puskP.id });
    expect((await call("bidanP", "POST", `/api/v1/handoff-questions/${ids.paringin}/answer`, { answer: "x" })).statusCode).toBe(400);
    expect(
      (await call("bidanP", "POST", `/api/v1/handoff-questions/${ids.paringin}/answer`, { answer: "Boleh", extra: 1 })).statusCode,
    ).toBe(400);
    expect((await call("bidanL", "POST", `/api/v1/handoff-questions/${ids.paringin}/answer`, { answer: "Boleh" })).statusCode).toBe(404);
    const answered = await call("bidanP", "POST", `/api/v1/handoff-questions/${ids.paringin}/answer`, { answer: "Boleh, secukupnya." });
    expect(answered.json()).toMatchObject({ status: "answered", answer: "Boleh, secukupnya.", answeredBy: w.accounts.bidanP.id });
    expect((await call("bidanP", "POST", `/api/v1/handoff-questions/${ids.paringin}/answer`, { answer: "lagi" })).statusCode).toBe(409);

    const sent = await rt.db.select().from(outbox).where(eq(outbox.address, "addr-paringin"));
    expect(sent.map((r) => r.message.text).join()).toMatch(/Boleh, secukupnya\./);
    const audit = await rt.db.select().from(auditLog).where(eq(auditLog.entityId, ids.paringin!));
    expect(audit.map((a) => a.action).sort()).toEqual(["handoff.answer", "handoff.claim"]);
  });
});
