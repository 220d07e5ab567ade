// Texts older than RETENTION_DAYS go: sent outbox rows, the inbound ledger, answered questions' texts.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverOutbox } from "../../src/channels/outbox.js";
import { inboundMessages, outbox } from "../../src/channels/channels.sql.js";
import { handoffQuestions } from "../../src/handoff/handoff.sql.js";
import { retentionJob } from "../../src/privacy/retention.js";
import { createWebChat, type WebChatHarness } from "../helpers/web-chat.js";

let chat: WebChatHarness;
const DAY = 86_400_000;

beforeAll(async () => {
  chat = await createWebChat({ env: { RETENTION_DAYS: "30" } });
});
afterAll(async () => {
  await chat?.close();
});

describe("retention job", () => {
  it("deletes sent message bodies and the ledger older than RETENTION_DAYS, keeps newer ones", async () => {
    await chat.send("lama", "brp kali bumil hrs periksa");
    await chat.send("lama", "tanya bidan");
    await chat.send("lama", "pertanyaan lama sekali quuxold");
    await deliverOutbox(chat.rt, chat.hub);
    const [q] = await chat.rt.db.select().from(handoffQuestions);
    await chat.rt.db
      .update(handoffQuestions)
      .set({ status: "answered", answer: "jawaban lama", answeredAt: chat.rt.clock.now() })
      .where(eq(handoffQuestions.id, q!.id));
    const oldRows = (await chat.rt.db.select().from(outbox)).length;
    expect(oldRows).toBeGreaterThan(0);

    chat.rt.clock.advance(31 * DAY);
    await chat.send("baru", "halo");
    await deliverOutbox(chat.rt, chat.hub);
    const stats = await retentionJob.run(chat.rt);
    expect(stats.outbox).toBeGreaterThanOrEqual(oldRows - 1);
    expect(stats.questions).toBe(1);
    const left = await chat.rt.db.select().from(outbox);
    expect(left.length).toBeGreaterThan(0);
    for (const row of left) expect(row.createdAt.getTime()).toBeGreaterThan(chat.rt.clock.now().getTime() - 30 * DAY);
    const ledger = await chat.rt.db.select().from(inboundMessages);
    expect(ledger.length).toBe(1);
    const [after] = await chat.rt.db.select().from(handoffQuestions);
    expect(after).toMatchObject({ question: "[dihapus]", answer: "[dihapus]" });
  });
});
