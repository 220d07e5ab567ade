// GET /metrics (Prometheus text, behind METRICS_TOKEN) counts what a real message does on its way
// through the Telegram webhook, the conversation and the outbound engine; and every log line
// written while handling a request carries the request's id.
import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import type { Update } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { buildApp } from "../../src/app.js";
import { campaignRecipients, campaignRuns, campaigns } from "../../src/campaigns/campaigns.sql.js";
import { contactChannels } from "../../src/contacts/contacts.sql.js";
import { ChannelHub } from "../../src/channels/hub.js";
import { createTelegramAdapter } from "../../src/channels/telegram/index.js";
import { createInboundSink } from "../../src/conversation/index.js";
import { startJobs } from "../../src/jobs/index.js";
import { systemClock } from "../../src/lib/clock.js";
import { createLogger } from "../../src/lib/log.js";
import type { Runtime } from "../../src/runtime.js";
import { BotApiStandIn, TEST_TOKEN } from "../channels/telegram/bot-api-stand-in.js";
import { createTestRuntime } from "../helpers/runtime.js";

const SECRET = "metrics_secret";
const TOKEN = "metrics-token-0123456789abcdef";

const lines: Record<string, unknown>[] = [];
const raw: string[] = [];
const capture = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString().split("\n")) {
      if (!line.trim()) continue;
      raw.push(line);
      lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    done();
  },
});

let rt: Runtime;
let api: BotApiStandIn;
let app: FastifyInstance;
let hub: ChannelHub;

beforeAll(async () => {
  const base = await createTestRuntime({ env: { METRICS_TOKEN: TOKEN } });
  // Real time: the outbox's rows are due by the database's now().
  rt = { ...base, clock: systemClock, log: createLogger("info", capture) };
  api = new BotApiStandIn();
  const apiRoot = await api.listen();
  hub = new ChannelHub();
  const sink = createInboundSink(rt, hub);
  hub.onStopped(() => sink.idle()); // hub.idle() waits for the replies to be sent
  hub.register(createTelegramAdapter({ token: TEST_TOKEN, apiRoot, mode: "webhook", webhookSecret: SECRET, log: rt.log, sink }));
  app = await buildApp(rt, { hub });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await api.close();
  await rt.close();
});

const scrape = async () => {
  const res = await app.inject({ method: "GET", url: "/metrics", headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.statusCode).toBe(200);
  expect(res.headers["content-type"]).toContain("text/plain");
  return res.body;
};
/** The value of one sample (0 when absent), e.g. value(text, 'balanting_inbound_messages_total{channel="telegram",outcome="handled"}'). */
const value = (text: string, sample: string) => {
  const line = text.split("\n").find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
};
const post = (update: unknown) =>
  app.inject({
    method: "POST",
    url: "/webhooks/telegram",
    headers: { "x-telegram-bot-api-secret-token": SECRET },
    payload: update as object,
  });
const halo = (id: number): Update =>
  ({
    update_id: id,
    message: {
      message_id: 1,
      date: Math.floor(Date.now() / 1000),
      chat: { id, type: "private", first_name: "Ibu" },
      from: { id, is_bot: false, first_name: "Ibu" },
      text: "halo",
    },
  }) as Update;

describe("GET /metrics", () => {
  it("refuses without the bearer token, and is not there at all without METRICS_TOKEN", async () => {
    expect((await app.inject({ method: "GET", url: "/metrics" })).statusCode).toBe(401);
    expect((await app.inject({ method: "GET", url: "/metrics", headers: { authorization: "Bearer wrong" } })).statusCode).toBe(401);
    const plain = await buildApp({ ...rt, config: { ...rt.config, METRICS_TOKEN: undefined } });
    expect((await plain.inject({ method: "GET", url: "/metrics", headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(404);
    await plain.close();
    // A second app with the token in the same process (tests) builds and answers too.
    const second = await buildApp(rt);
    expect((await second.inject({ method: "GET", url: "/metrics", headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(200);
    await second.close();
  });

  it("counts a message in, its replies out, their latency, the HTTP answers, and reads the queue per lane", async () => {
    const before = await scrape();
    expect((await post(halo(990001))).statusCode).toBe(200);
    await hub.idle();
    const replies = api.callsTo("sendMessage").filter((c) => c.payload.chat_id === "990001").length;
    expect(replies).toBeGreaterThan(0);
    // A redelivery is counted as such.
    expect((await post(halo(990001))).statusCode).toBe(200);
    await hub.idle();
    const after = await scrape();
    const delta = (sample: string) => value(after, sample) - value(before, sample);

    expect(delta('balanting_inbound_messages_total{channel="telegram",outcome="handled"}')).toBe(1);
    expect(delta('balanting_inbound_messages_total{channel="telegram",outcome="duplicate"}')).toBe(1);
    expect(delta('balanting_inbound_handling_seconds_count{channel="telegram"}')).toBe(2);
    expect(delta('balanting_outbound_messages_total{channel="telegram",lane="reply",result="sent"}')).toBe(replies);
    expect(delta('balanting_reply_latency_seconds_count{channel="telegram"}')).toBe(replies);
    expect(delta('balanting_http_responses_total{route="/webhooks/telegram",status="2xx"}')).toBe(2);
    for (const lane of ["reply", "notice", "reminder", "bulk"]) {
      expect(value(after, `balanting_outbox_queued{lane="${lane}"}`)).toBe(0);
      expect(after).toContain(`balanting_outbox_oldest_due_seconds{lane="${lane}"}`);
    }
    expect(value(after, "balanting_reminders_due")).toBe(0);
    expect(value(after, "balanting_db_up")).toBe(1);
    expect(after).toContain("balanting_process_resident_memory_bytes");
    // Counts and labels only: no chat id in the figures.
    expect(after).not.toContain("990001");
  });

  it("shows a campaign's progress while it sends, by recipient status, and nothing once it is done", async () => {
    for (const id of [990011, 990012, 990013]) expect((await post(halo(id))).statusCode).toBe(200);
    await hub.idle();
    const people = await rt.db
      .select({ contactId: contactChannels.contactId, address: contactChannels.address })
      .from(contactChannels)
      .where(eq(contactChannels.channel, "telegram"));
    const three = people.filter((p) => ["990011", "990012", "990013"].includes(p.address));
    expect(three).toHaveLength(3);
    const now = new Date();
    const [campaign] = await rt.db
      .insert(campaigns)
      .values({
        name: "Uji",
        textId: "Halo",
        area: { role: "pokja_admin", puskesmasId: null, desaCode: null, posyanduId: null },
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: campaigns.id });
    const [run] = await rt.db
      .insert(campaignRuns)
      .values({
        campaignId: campaign!.id,
        occurrence: "once",
        sent: { textId: "Halo", textBjn: "Halo", buttons: [] },
        recipients: 3,
        startedAt: now,
      })
      .returning({ id: campaignRuns.id });
    const statuses = ["sent", "queued", "pending"] as const;
    await rt.db.insert(campaignRecipients).values(
      three.map((p, i) => ({
        runId: run!.id,
        campaignId: campaign!.id,
        contactId: p.contactId,
        channel: "telegram",
        address: p.address,
        lang: "id" as const,
        status: statuses[i]!,
      })),
    );
    const sending = await scrape();
    expect(value(sending, 'balanting_campaign_recipients{status="sent"}')).toBe(1);
    expect(value(sending, 'balanting_campaign_recipients{status="queued"}')).toBe(1);
    expect(value(sending, 'balanting_campaign_recipients{status="pending"}')).toBe(1);
    expect(value(sending, 'balanting_campaign_recipients{status="failed"}')).toBe(0);
    await rt.db.update(campaignRuns).set({ status: "done" }).where(eq(campaignRuns.id, run!.id));
    const done = await scrape();
    expect(value(done, 'balanting_campaign_recipients{status="sent"}')).toBe(0);
  });
});

describe("request ids in logs", () => {
  it("are on the lines the message path writes through the process logger, as on Fastify's own", async () => {
    lines.length = 0;
    raw.length = 0;
    const res = await post({ update_id: 990002, message: { message_id: 1, date: 1, chat: { id: 990002, type: "private" }, text: 12345 } });
    expect(res.statusCode).toBe(200);
    const skipped = lines.find((l) => String(l.msg).startsWith("telegram update malformed"));
    const completed = lines.find((l) => l.msg === "request completed");
    expect(skipped?.reqId).toBeTruthy();
    expect(skipped?.reqId).toBe(completed?.reqId);
    // Fastify's request logger binds it itself: once per line, not twice.
    expect(lines.filter((l) => l.reqId === completed?.reqId).length).toBeGreaterThanOrEqual(3);
    expect(raw.every((line) => line.split('"reqId"').length <= 2)).toBe(true);
  });

  it("are given to work that does not come through HTTP: each job run has one id on all its lines", async () => {
    lines.length = 0;
    const jobs = startJobs(rt, [
      {
        name: "probe",
        schedule: "0 0 1 1 *",
        run: async (r) => {
          r.log.info("probe step 1");
          await new Promise((resolve) => setImmediate(resolve));
          r.log.info("probe step 2");
          return { probed: 1 };
        },
      },
    ]);
    await jobs.runNow("probe");
    await jobs.runNow("probe");
    await jobs.stop();
    const ids = lines.filter((l) => String(l.msg).startsWith("probe step") || l.job === "probe").map((l) => l.reqId);
    expect(ids).toHaveLength(6);
    expect(ids.every((id) => typeof id === "string" && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(2); // two runs, one id each
  });

  it("are not on lines outside any request", () => {
    lines.length = 0;
    rt.log.info("outside");
    expect(lines[0]).not.toHaveProperty("reqId");
  });
});
