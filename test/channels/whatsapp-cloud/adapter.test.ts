import { createHmac } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildApp } from "../../../src/app.js";
import {
  InboundUnavailableError,
  SendError,
  type InboundMessage,
  type MessageKind,
  type SendContext,
} from "../../../src/channels/channel.js";
import { inboundMessages, outbox } from "../../../src/channels/channels.sql.js";
import { ChannelHub } from "../../../src/channels/hub.js";
import { createWhatsAppCloudAdapter, type WhatsAppCloudAdapter } from "../../../src/channels/whatsapp-cloud/index.js";
import type { CloudStatus } from "../../../src/channels/whatsapp-cloud/map.js";
import { createInboundSink } from "../../../src/conversation/index.js";
import { createLogger } from "../../../src/lib/log.js";
import { createTestRuntime, type TestRuntime } from "../../helpers/runtime.js";
import { FIXTURE_TIME, PHONE_ID, fixture } from "./fixtures.js";
import { startGraphStandIn, type GraphStandIn } from "./graph-stand-in.js";

const SECRET = "test-app-secret";
const VERIFY = "test-verify-token";
const TOKEN = "test-access-token";

const sign = (raw: string) => `sha256=${createHmac("sha256", SECRET).update(raw).digest("hex")}`;

let rt: TestRuntime;
let graph: GraphStandIn;
let app: FastifyInstance;
let adapter: WhatsAppCloudAdapter;
// The real path: webhook → conversation (real database) → outbox → this adapter → Graph stand-in.
let e2eApp: FastifyInstance;
let cloud: WhatsAppCloudAdapter;
// Replies are sent after the message is handled; tests wait for that too.
let sinkIdle: () => Promise<void>;
const received: InboundMessage[] = [];
const statuses: CloudStatus[] = [];

beforeAll(async () => {
  graph = await startGraphStandIn();
  rt = await createTestRuntime({
    // Ahead of the wall clock: outbox rows are due from the database's now(), and the test clock
    // stands still, so it must not be behind it.
    now: new Date(Date.now() + 3_600_000).toISOString(),
    env: {
      WHATSAPP_CLOUD_TOKEN: TOKEN,
      WHATSAPP_CLOUD_PHONE_ID: PHONE_ID,
      WHATSAPP_CLOUD_APP_SECRET: SECRET,
      WHATSAPP_CLOUD_VERIFY_TOKEN: VERIFY,
      WHATSAPP_CLOUD_API_ROOT: graph.root,
      WHATSAPP_CLOUD_TEMPLATES: JSON.stringify({
        reminder: { id: "balanting_pengingat", bjn: "balanting_pengingat_bjn" },
        erasure: { id: "balanting_hapus_data" },
      }),
    },
  });
  adapter = createWhatsAppCloudAdapter({
    config: rt.config,
    // A sink that records, standing in for the conversation (tested end to end in e2e.test.ts).
    sink: async (m) => {
      received.push(m);
    },
    onStatuses: async (s) => {
      statuses.push(...s);
    },
    log: rt.log,
    i18n: rt.i18n,
    clock: rt.clock,
    // The default (15 s): a busy machine may take a while to answer; only the timeout test waits on purpose.
  });
  app = await buildApp(rt, { hub: new ChannelHub().register(adapter) });
  // Another JSON route of the app, to show the raw-body parser stays inside the webhook plugin.
  app.post("/echo", async (request) => ({ got: request.body }));
  await app.ready();

  const hub = new ChannelHub();
  const sink = createInboundSink(rt, hub);
  sinkIdle = () => sink.idle();
  cloud = createWhatsAppCloudAdapter({ config: rt.config, sink, log: rt.log, i18n: rt.i18n, clock: rt.clock });
  e2eApp = await buildApp(rt, { hub: hub.register(cloud) });
  await e2eApp.ready();
});

afterAll(async () => {
  await app?.close();
  await e2eApp?.close();
  await graph?.close();
  await rt?.close();
});

beforeEach(() => {
  received.length = 0;
  statuses.length = 0;
  graph.requests.length = 0;
});

async function post(raw: string, headers: Record<string, string>) {
  const res = await app.inject({
    method: "POST",
    url: "/webhooks/whatsapp",
    payload: raw,
    headers: { "content-type": "application/json", ...headers },
  });
  await adapter.whenIdle();
  return res;
}

describe("GET /webhooks/whatsapp (subscription handshake)", () => {
  it("echoes hub.challenge as text when the verify token matches", async () => {
    const res = await app.inject({ url: `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444` });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    expect(res.body).toBe("1158201444");
  });

  it.each([
    `hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`,
    `hub.mode=unsubscribe&hub.verify_token=${VERIFY}&hub.challenge=1`,
    `hub.challenge=1`,
  ])("refuses %s with 403", async (query) => {
    const res = await app.inject({ url: `/webhooks/whatsapp?${query}` });
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain("1158201444");
  });
});

describe("POST /webhooks/whatsapp", () => {
  const raw = JSON.stringify(fixture("text"));

  it("accepts a signed body and hands its message to the sink", async () => {
    const res = await post(raw, { "x-hub-signature-256": sign(raw) });
    expect(res.statusCode).toBe(200);
    expect(received).toEqual([
      {
        channel: "whatsapp-cloud",
        externalId: "wamid.TEST1",
        address: "6281234567890",
        phone: "6281234567890",
        text: "halo, jadwal posyandu kapan?",
        receivedAt: FIXTURE_TIME,
      },
    ]);
  });

  it("checks the signature over the raw bytes, as sent (spacing and key order kept)", async () => {
    const pretty = JSON.stringify(fixture("button-reply"), null, 2);
    const res = await post(pretty, { "x-hub-signature-256": sign(pretty), "content-type": "application/json; charset=utf-8" });
    expect(res.statusCode).toBe(200);
    expect(received.map((m) => m.payload)).toEqual(["lang:bjn"]);
  });

  it.each([
    ["no signature", {}],
    ["a wrong signature", { "x-hub-signature-256": sign(raw).replace(/.$/, (c) => (c === "0" ? "1" : "0")) }],
    ["another body's signature", { "x-hub-signature-256": sign(raw.replace("halo", "hola")) }],
    ["a signature with another secret", { "x-hub-signature-256": `sha256=${createHmac("sha256", "nope").update(raw).digest("hex")}` }],
  ])("refuses %s with 401, and nothing reaches the sink", async (_why, headers) => {
    const res = await post(raw, headers);
    expect(res.statusCode).toBe(401);
    expect(received).toEqual([]);
  });

  it("answers 400 to a signed body that is not JSON", async () => {
    const res = await post("{not json", { "x-hub-signature-256": sign("{not json") });
    expect(res.statusCode).toBe(400);
    expect(received).toEqual([]);
  });

  it("passes delivery statuses on, not as messages", async () => {
    const body = JSON.stringify(fixture("status-failed"));
    const res = await post(body, { "x-hub-signature-256": sign(body) });
    expect(res.statusCode).toBe(200);
    expect(received).toEqual([]);
    expect(statuses).toEqual([{ externalId: "wamid.OUT2", status: "failed", at: new Date(1795744870 * 1000), errorCodes: [131047] }]);
  });

  it("leaves the app's own JSON parsing alone", async () => {
    const res = await app.inject({ method: "POST", url: "/echo", payload: { a: 1 } });
    expect(res.json()).toEqual({ got: { a: 1 } });
  });

  it("hands one person's messages to the sink in order, one at a time", async () => {
    const order: string[] = [];
    const slow = createWhatsAppCloudAdapter({
      config: rt.config,
      sink: async (m) => {
        order.push(`start ${m.externalId}`);
        await new Promise((r) => setTimeout(r, m.externalId === "wamid.A" ? 30 : 1));
        order.push(`end ${m.externalId}`);
      },
      log: rt.log,
      i18n: rt.i18n,
    });
    const body = fixture("text") as { entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[] };
    const [first] = body.entry[0]!.changes[0]!.value.messages;
    body.entry[0]!.changes[0]!.value.messages = [
      { ...first, id: "wamid.A" },
      { ...first, id: "wamid.B" },
    ];
    expect(await slow.receive(body)).toBe("ok");
    await slow.whenIdle();
    expect(order).toEqual(["start wamid.A", "end wamid.A", "start wamid.B", "end wamid.B"]);
    await slow.stop?.();
    expect(await slow.receive(body)).toBe("stopping");
  });

  it("answers 200 only once the message is stored, and 503 when it could not be, so Meta delivers it again", async () => {
    let databaseAway = true;
    const stored: string[] = [];
    let sinkStarted!: () => void;
    const started = new Promise<void>((resolve) => (sinkStarted = resolve));
    let store!: () => void;
    const stores = new Promise<void>((resolve) => (store = resolve));
    const flaky = createWhatsAppCloudAdapter({
      config: rt.config,
      sink: async (m) => {
        if (databaseAway) throw new InboundUnavailableError();
        sinkStarted();
        await stores;
        stored.push(m.externalId);
      },
      log: rt.log,
      i18n: rt.i18n,
    });
    const flakyApp = await buildApp(rt, { hub: new ChannelHub().register(flaky) });
    try {
      const deliver = () =>
        flakyApp.inject({
          method: "POST",
          url: "/webhooks/whatsapp",
          payload: raw,
          headers: { "content-type": "application/json", "x-hub-signature-256": sign(raw) },
        });
      const refused = await deliver();
      expect(refused.statusCode).toBe(503);
      expect(refused.headers["retry-after"]).toBe("5");
      expect(stored).toEqual([]);

      databaseAway = false;
      let answered = false;
      const again = deliver().then((res) => ((answered = true), res));
      await started;
      // The message is in the sink but not yet stored: Meta has no answer yet.
      expect(answered).toBe(false);
      store();
      expect((await again).statusCode).toBe(200);
      expect(stored).toEqual(["wamid.TEST1"]);
    } finally {
      await flakyApp.close();
    }
  });
});

describe("send", () => {
  const now = () => rt.clock.now();
  const inside = (kind: MessageKind = "reply", lang: SendContext["lang"] = "id"): SendContext => ({
    kind,
    lang,
    lastInboundAt: new Date(now().getTime() - 3_600_000),
  });
  const outside = (kind: MessageKind, lang: SendContext["lang"] = "id"): SendContext => ({
    kind,
    lang,
    lastInboundAt: new Date(now().getTime() - 30 * 3_600_000),
  });

  it("sends free text inside the window and returns the wamid", async () => {
    graph.respond({
      status: 200,
      body: {
        messaging_product: "whatsapp",
        contacts: [{ input: "6281234567890", wa_id: "6281234567890" }],
        messages: [{ id: "wamid.REPLY1" }],
      },
    });
    const result = await adapter.send("6281234567890", { text: "Posyandu buka jam 8." }, inside());
    expect(result).toEqual({ externalId: "wamid.REPLY1" });
    expect(graph.requests).toHaveLength(1);
    const [req] = graph.requests;
    expect(req?.method).toBe("POST");
    expect(req?.path).toBe(`/v21.0/${PHONE_ID}/messages`);
    expect(req?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req?.body).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "6281234567890",
      type: "text",
      text: { preview_url: false, body: "Posyandu buka jam 8." },
    });
  });

  it("sends up to three choices as reply buttons", async () => {
    const buttons = [
      { label: "Bahasa Indonesia", payload: "lang:id" },
      { label: "Bahasa Banjar", payload: "lang:bjn" },
    ];
    await adapter.send("6281234567890", { text: "Pilih bahasa", buttons }, inside());
    expect(graph.requests[0]?.body).toMatchObject({
      type: "interactive",
      interactive: {
        type: "button",
        action: { buttons: [{ reply: { id: "lang:id", title: "Bahasa Indonesia" } }, { reply: { id: "lang:bjn" } }] },
      },
    });
  });

  it("sends 4–10 choices as a list whose button is labelled in the person's language", async () => {
    const buttons = ["Gizi", "Imunisasi", "Posyandu", "Kehamilan"].map((label) => ({ label, payload: `menu:${label.toLowerCase()}` }));
    await adapter.send("6281234567890", { text: "Menu", buttons }, inside("reply", "bjn"));
    const body = graph.requests[0]?.body as { interactive: { type: string; action: { button: string; sections: { rows: unknown[] }[] } } };
    expect(body.interactive.type).toBe("list");
    expect(body.interactive.action.button).toBe(rt.i18n.t("bjn", "channels:whatsappCloud.listButton"));
    expect(body.interactive.action.button).not.toBe(rt.i18n.t("id", "channels:whatsappCloud.listButton"));
    expect(body.interactive.action.sections[0]?.rows).toHaveLength(4);
  });

  it("sends the configured template outside the window, the text as its parameter", async () => {
    await adapter.send("6281234567890", { text: "Isuk ada posyandu.\nJangan kada datang." }, outside("reminder", "bjn"));
    expect(graph.requests[0]?.body).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "6281234567890",
      type: "template",
      template: {
        name: "balanting_pengingat_bjn",
        language: { code: "id" },
        components: [{ type: "body", parameters: [{ type: "text", text: "Isuk ada posyandu. · Jangan kada datang." }] }],
      },
    });
  });

  it("refuses outside the window without a template, without calling Meta", async () => {
    const attempt = adapter.send("6281234567890", { text: "Halo" }, outside("reply"));
    await expect(attempt).rejects.toBeInstanceOf(SendError);
    await expect(attempt).rejects.toMatchObject({ retryable: false, message: "outside the 24-hour window and no template for reply" });
    expect(graph.requests).toHaveLength(0);
  });

  it.each([
    ["HTTP 429 with Retry-After", { status: 429, headers: { "retry-after": "9" }, body: { error: { code: 130429 } } }, true, 9_000],
    ["pair rate limit 131056", { status: 400, body: { error: { code: 131056, message: "pair rate limit hit" } } }, true, 6_000],
    ["a server error", { status: 502, body: {} }, true, undefined],
    ["re-engagement 131047", { status: 400, body: { error: { code: 131047, message: "Re-engagement message" } } }, false, undefined],
    ["undeliverable 131026", { status: 400, body: { error: { code: 131026 } } }, false, undefined],
    ["a bad token", { status: 401, body: { error: { code: 190 } } }, false, undefined],
  ])("maps %s to the right SendError", async (_why, response, retryable, retryAfterMs) => {
    graph.respond(response);
    const error = await adapter.send("6281234567890", { text: "Halo" }, inside()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SendError);
    expect(error).toMatchObject({ retryable, retryAfterMs });
  });

  it("treats a request that gets no answer in time as retryable", async () => {
    // The stand-in never answers this one, so a short time-out gives the same outcome at any speed.
    const impatient = createWhatsAppCloudAdapter({
      config: rt.config,
      sink: async () => {},
      log: rt.log,
      i18n: rt.i18n,
      clock: rt.clock,
      requestTimeoutMs: 300,
    });
    graph.respond({ status: 200, hang: true });
    const error = await impatient.send("6281234567890", { text: "Halo" }, inside()).catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: true, message: "whatsapp-cloud: network timeout" });
  });
});

describe("end to end: webhook → conversation → outbox → Graph API", () => {
  const PERSON = "6289900000001";
  /** A signed "halo" from someone new, sent now (inside the 24-hour window). */
  function halo(id: string) {
    const body = fixture("text") as {
      entry: { changes: { value: { contacts: { wa_id: string }[]; messages: Record<string, unknown>[] } }[] }[];
    };
    const value = body.entry[0]!.changes[0]!.value;
    value.contacts[0]!.wa_id = PERSON;
    value.messages[0] = {
      ...value.messages[0],
      id,
      from: PERSON,
      text: { body: "halo" },
      timestamp: String(rt.clock.now().getTime() / 1000),
    };
    const raw = JSON.stringify(body);
    return {
      method: "POST" as const,
      url: "/webhooks/whatsapp",
      payload: raw,
      headers: { "content-type": "application/json", "x-hub-signature-256": sign(raw) },
    };
  }
  const ledger = (id: string) =>
    rt.db
      .select()
      .from(inboundMessages)
      .where(and(eq(inboundMessages.channel, "whatsapp-cloud"), eq(inboundMessages.externalId, id)));

  it("answers a new person's halo once, and not again when Meta redelivers it", async () => {
    const first = await e2eApp.inject(halo("wamid.E2E1"));
    expect(first.statusCode).toBe(200);
    await cloud.whenIdle();
    await sinkIdle();

    expect(graph.requests.length).toBeGreaterThan(0);
    expect(graph.requests.every((r) => r.body.to === PERSON)).toBe(true);
    const sentRows = await rt.db.select().from(outbox).where(eq(outbox.address, PERSON));
    expect(sentRows.length).toBe(graph.requests.length);
    expect(sentRows.every((r) => r.channel === "whatsapp-cloud" && r.status === "sent" && r.externalId?.startsWith("wamid.SENT"))).toBe(
      true,
    );
    expect(await ledger("wamid.E2E1")).toHaveLength(1);

    const calls = graph.requests.length;
    const again = await e2eApp.inject(halo("wamid.E2E1"));
    expect(again.statusCode).toBe(200);
    await cloud.whenIdle();
    await sinkIdle();
    expect(graph.requests.length).toBe(calls);
    expect(await rt.db.select().from(outbox).where(eq(outbox.address, PERSON))).toHaveLength(sentRows.length);
    expect(await ledger("wamid.E2E1")).toHaveLength(1);
  });

  it("handles a message delivered twice at the same moment once", async () => {
    const before = graph.requests.length;
    const results = await Promise.all([e2eApp.inject(halo("wamid.E2E2")), e2eApp.inject(halo("wamid.E2E2"))]);
    expect(results.map((r) => r.statusCode)).toEqual([200, 200]);
    await cloud.whenIdle();
    await sinkIdle();
    const replies = graph.requests.length - before;
    expect(replies).toBeGreaterThan(0);
    expect(await ledger("wamid.E2E2")).toHaveLength(1);
    // Once more, alone: nothing new is sent.
    await e2eApp.inject(halo("wamid.E2E2"));
    await cloud.whenIdle();
    await sinkIdle();
    expect(graph.requests.length - before).toBe(replies);
  });
});

describe("HAPUS DATA on WhatsApp Cloud (UU PDP: the person hears that the data is gone)", () => {
  const PERSON = "6289900000002";
  /** A signed text from PERSON, sent `hoursAgo` before now (Meta redelivers for up to 7 days). */
  function text(id: string, body: string, hoursAgo = 0) {
    const payload = fixture("text") as {
      entry: { changes: { value: { contacts: { wa_id: string }[]; messages: Record<string, unknown>[] } }[] }[];
    };
    const value = payload.entry[0]!.changes[0]!.value;
    value.contacts[0]!.wa_id = PERSON;
    const at = Math.floor((rt.clock.now().getTime() - hoursAgo * 3_600_000) / 1000);
    value.messages[0] = { ...value.messages[0], id, from: PERSON, text: { body }, timestamp: String(at) };
    const raw = JSON.stringify(payload);
    return {
      method: "POST" as const,
      url: "/webhooks/whatsapp",
      payload: raw,
      headers: { "content-type": "application/json", "x-hub-signature-256": sign(raw) },
    };
  }
  const send = async (id: string, body: string, hoursAgo = 0) => {
    expect((await e2eApp.inject(text(id, body, hoursAgo))).statusCode).toBe(200);
    await sinkIdle();
    await cloud.whenIdle();
  };

  it("gets the confirmation as free text inside the window", async () => {
    await send("wamid.DEL1", "halo");
    await send("wamid.DEL2", "HAPUS DATA");
    graph.requests.length = 0;
    await send("wamid.DEL3", "YA");
    const done = rt.i18n.t("id", "conversation:delete.done");
    expect(graph.requests.map((r) => r.body)).toEqual([
      expect.objectContaining({ to: PERSON, type: "text", text: expect.objectContaining({ body: done }) }),
    ]);
  });

  it("gets it as the configured erasure template when the YES reached us after the window closed", async () => {
    await send("wamid.DEL4", "halo", 27);
    await send("wamid.DEL5", "HAPUS DATA", 26);
    graph.requests.length = 0;
    await send("wamid.DEL6", "YA", 25);
    const done = rt.i18n.t("id", "conversation:delete.done");
    expect(graph.requests.map((r) => r.body)).toEqual([
      {
        messaging_product: "whatsapp",
        recipient_type: "individual",
        to: PERSON,
        type: "template",
        template: {
          name: "balanting_hapus_data",
          language: { code: "id" },
          components: [{ type: "body", parameters: [{ type: "text", text: done }] }],
        },
      },
    ]);
    // Sent, then forgotten with the person: no row keeps their number.
    expect(await rt.db.select().from(outbox).where(eq(outbox.address, PERSON))).toEqual([]);
  });
});

describe("logs (UU PDP: ids and counts only)", () => {
  it("never carry the number, the text or the verify token, and show failure codes", async () => {
    const lines: string[] = [];
    const log = createLogger("debug", { write: (line: string) => void lines.push(line) });
    const logged = createWhatsAppCloudAdapter({ config: rt.config, sink: async () => {}, log, i18n: rt.i18n, clock: rt.clock });
    const loggedApp = await buildApp({ ...rt, log }, { hub: new ChannelHub().register(logged) });
    try {
      await loggedApp.inject({ url: `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=42` });
      for (const name of ["text", "status-failed", "reaction"]) {
        const raw = JSON.stringify(fixture(name));
        await loggedApp.inject({
          method: "POST",
          url: "/webhooks/whatsapp",
          payload: raw,
          headers: { "content-type": "application/json", "x-hub-signature-256": sign(raw) },
        });
      }
      await loggedApp.inject({ method: "POST", url: "/webhooks/whatsapp", payload: "{}", headers: { "content-type": "application/json" } });
      await logged.whenIdle();
      graph.respond({ status: 400, body: { error: { code: 131047, message: "to 6281234567890" } } });
      await logged
        .send("6281234567890", { text: "halo rahasia" }, { kind: "reply", lang: "id", lastInboundAt: rt.clock.now() })
        .catch(() => {});
    } finally {
      await loggedApp.close();
    }
    const all = lines.join("");
    expect(lines.length).toBeGreaterThan(3);
    for (const secret of ["6281234567890", "halo", "Ibu Contoh", "posyandu", VERIFY, SECRET, TOKEN]) expect(all).not.toContain(secret);
    expect(all).toContain("131047");
  });
});
