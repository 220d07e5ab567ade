// Everything of the WhatsApp channel that needs a database, on one runtime (building one costs
// seconds): the auth state, the adapter over a fake Baileys socket, and the whole inbound path.
import type { WAMessage } from "@whiskeysockets/baileys";
import { randomBytes } from "node:crypto";
import { DisconnectReason, initAuthCreds, type SignalDataSet } from "@whiskeysockets/baileys";
import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../../src/app.js";
import { SendError, type InboundMessage, type SendContext } from "../../../src/channels/channel.js";
import { inboundMessages, outbox } from "../../../src/channels/channels.sql.js";
import { ChannelHub } from "../../../src/channels/hub.js";
import { useDatabaseAuthState } from "../../../src/channels/whatsapp/auth-state.js";
import { createWhatsAppAdapter, type WhatsAppAdapter, type WhatsAppAdapterOptions } from "../../../src/channels/whatsapp/index.js";
import { contactChannels } from "../../../src/contacts/contacts.sql.js";
import { createInboundSink } from "../../../src/conversation/index.js";
import { queryRows } from "../../../src/db/client.js";
import { systemClock } from "../../../src/lib/clock.js";
import { createLogger } from "../../../src/lib/log.js";
import type { Runtime } from "../../../src/runtime.js";
import { createTestRuntime, type TestRuntime } from "../../helpers/runtime.js";
import { eventually } from "../../helpers/wait.js";
import { fakeFactory, textMessage } from "./fake-socket.js";

const ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
const CONTEXT: SendContext = { kind: "reply", lang: "id", lastInboundAt: null };
/** Short reconnect backoff for tests; the real schedule (1 s … 60 s) is tested in connection.test.ts. */
const RECONNECT_MS = 60;

const LID = "123456789012345@lid";

// One value of every key type Baileys 7 stores (SignalDataTypeMap), including the v7 LID ones.
const keys = {
  "pre-key": { "1": { public: randomBytes(32), private: randomBytes(32) } },
  session: { "123456789012345_1.0": randomBytes(120) },
  "sender-key": { "120363000000000000@g.us::123456789012345_1::0": randomBytes(64) },
  "sender-key-memory": { "120363000000000000@g.us": { "123456789012345:1@lid": true } },
  "app-state-sync-key": {
    AAAAAJ3m: { keyData: randomBytes(32), fingerprint: { rawId: 7, currentIndex: 1, deviceIndexes: [0, 1] }, timestamp: 1_795_000_000 },
  },
  "app-state-sync-version": {
    regular_high: { version: 12, hash: randomBytes(128), indexValueMap: { abc: { valueMac: randomBytes(32) } } },
  },
  "lid-mapping": { "6281234567890": "123456789012345", "123456789012345_reverse": "6281234567890" },
  "device-list": { "123456789012345": ["0", "1", "23"] },
  tctoken: { "123456789012345@lid": { token: randomBytes(24), timestamp: "1795000000", senderTimestamp: 1_795_000_001 } },
  "identity-key": { "123456789012345.0": randomBytes(33) },
} satisfies SignalDataSet;

type KeyType = keyof typeof keys;

describe("WhatsApp channel (Baileys) on a real database", () => {
  let rt: Runtime;
  let base: TestRuntime;
  /** The adapter logs into memory, so tests can read the alerts and check nothing personal leaks. */
  const logLines: { level: number; msg: string; alert?: string }[] = [];
  const logText: string[] = [];
  const running: WhatsAppAdapter[] = [];

  beforeAll(async () => {
    base = await createTestRuntime({ env: { ADMIN_BOOTSTRAP_TOKEN: ADMIN_TOKEN } });
    const log = createLogger("info", {
      write: (line: string) => {
        logText.push(line);
        logLines.push(JSON.parse(line) as { level: number; msg: string; alert?: string });
      },
    });
    rt = { ...base, log };
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((a) => a.stop()));
  });
  afterAll(async () => {
    await base?.close();
  });

  describe("useDatabaseAuthState", () => {
    it("starts with fresh credentials and stores them on saveCreds", async () => {
      const first = await useDatabaseAuthState(rt.db);
      expect(first.state.creds.registered).toBe(false);
      first.state.creds.registered = true;
      first.state.creds.me = { id: "6281234567890:5@s.whatsapp.net", lid: "123456789012345:5@lid" };
      await first.saveCreds();

      const again = await useDatabaseAuthState(rt.db);
      expect(again.state.creds.registered).toBe(true);
      expect(again.state.creds.me?.lid).toBe("123456789012345:5@lid");
      // Buffers inside the credentials come back as Buffers with the same bytes.
      expect(Buffer.isBuffer(again.state.creds.noiseKey.private)).toBe(true);
      expect(Buffer.from(again.state.creds.noiseKey.private).equals(Buffer.from(first.state.creds.noiseKey.private))).toBe(true);
      expect(again.state.creds.signedPreKey.signature).toEqual(Buffer.from(first.state.creds.signedPreKey.signature));
    });

    it("round-trips every signal key type through a reopened state, Buffers included", async () => {
      const writer = await useDatabaseAuthState(rt.db);
      await writer.state.keys.set(keys);

      const reader = await useDatabaseAuthState(rt.db);
      for (const type of Object.keys(keys) as KeyType[]) {
        const wanted = keys[type] as Record<string, unknown>;
        const got = await reader.state.keys.get(type, [...Object.keys(wanted), "missing-id"]);
        expect(Object.keys(got).sort(), type).toEqual(Object.keys(wanted).sort());
        for (const [id, value] of Object.entries(wanted)) {
          if (type === "app-state-sync-key") {
            // Baileys wants its protobuf class back; compare the fields.
            const v = got[id] as { keyData?: Uint8Array; fingerprint?: { rawId?: number; deviceIndexes?: number[] } };
            expect(Buffer.from(v.keyData ?? []).equals((value as { keyData: Buffer }).keyData), type).toBe(true);
            expect(v.fingerprint?.rawId).toBe(7);
            expect(v.fingerprint?.deviceIndexes).toEqual([0, 1]);
            continue;
          }
          expect(got[id], `${type}/${id}`).toEqual(value);
        }
      }
    });

    it("overwrites a key, and deletes it when set to null", async () => {
      const state = await useDatabaseAuthState(rt.db);
      await state.state.keys.set({ "lid-mapping": { "6281234567890": "999" } });
      expect(await state.state.keys.get("lid-mapping", ["6281234567890"])).toEqual({ "6281234567890": "999" });

      await state.state.keys.set({ session: { "123456789012345_1.0": null }, "pre-key": { "1": null } });
      const reopened = await useDatabaseAuthState(rt.db);
      expect(await reopened.state.keys.get("session", ["123456789012345_1.0"])).toEqual({});
      expect(await reopened.state.keys.get("pre-key", ["1"])).toEqual({});
      // Other types are untouched.
      expect(await reopened.state.keys.get("device-list", ["123456789012345"])).toEqual({ "123456789012345": ["0", "1", "23"] });
    });

    it("keeps the last value when one call writes a key twice", async () => {
      const state = await useDatabaseAuthState(rt.db);
      await state.state.keys.set({ "device-list": { a: ["1"] } });
      await state.state.keys.set({ "device-list": { a: ["2"], b: ["3"] } });
      expect(await state.state.keys.get("device-list", ["a", "b"])).toEqual({ a: ["2"], b: ["3"] });
    });

    it("clear() forgets the account: the next load starts unregistered with no keys", async () => {
      const state = await useDatabaseAuthState(rt.db);
      await state.clear();
      const [row] = await queryRows<{ n: number }>(rt.db, sql`select count(*)::int as n from whatsapp_auth`);
      expect(row?.n).toBe(0);
      const fresh = await useDatabaseAuthState(rt.db);
      expect(fresh.state.creds.registered).toBe(false);
      expect(fresh.state.creds.noiseKey.private).not.toEqual(initAuthCreds().noiseKey.private);
      expect(await fresh.state.keys.get("tctoken", ["123456789012345@lid"])).toEqual({});
    });
  });

  /** Starts an adapter whose sink records what it is given. */
  async function startAdapter(over: Partial<WhatsAppAdapterOptions> = {}) {
    const fake = fakeFactory();
    const received: InboundMessage[] = [];
    const printed: string[] = [];
    const adapter = createWhatsAppAdapter({
      rt,
      sink: async (m) => void received.push(m),
      sendIntervalMs: 0,
      jitterMs: () => 0,
      printQr: (drawing) => void printed.push(drawing),
      socketFactory: fake.factory,
      reconnectDelay: () => RECONNECT_MS,
      ...over,
    });
    running.push(adapter);
    await adapter.start();
    return { adapter, fake, received, printed };
  }

  describe("inbound", () => {
    it("opens the socket without history sync", async () => {
      const { fake, adapter } = await startAdapter();
      const config = fake.latest().config;
      expect(config.syncFullHistory).toBe(false);
      expect(config.shouldSyncHistoryMessage?.({})).toBe(false);
      expect(adapter.status()).toBe("connecting");
      fake.latest().open();
      expect(adapter.status()).toBe("open");
    });

    it("hands each new message to the sink once, skipping groups, own messages and status", async () => {
      const { fake, received, adapter } = await startAdapter();
      const s = fake.latest();
      s.open();
      s.upsert([
        textMessage("A1", "halo"),
        textMessage("A2", "mun grup", { remoteJid: "120363000000000000@g.us", participant: "123456789012345@lid" }),
        textMessage("A3", "ulun sorang", { fromMe: true }),
        textMessage("A4", "status", { remoteJid: "status@broadcast" }),
        textMessage("A5", "jadwal posyandu"),
      ]);
      await adapter.stop(); // waits for every message in hand: `received` is final
      expect(received.map((m) => [m.externalId, m.text])).toEqual([
        ["A1", "halo"],
        ["A5", "jadwal posyandu"],
      ]);
      expect(received[0]).toMatchObject({ channel: "whatsapp", address: "123456789012345@lid", phone: "6281234567890" });
    });

    it("skips a malformed message in a batch, logs where it is wrong without its content, and hands on the others", async () => {
      const { fake, received, adapter } = await startAdapter();
      const s = fake.latest();
      s.open();
      logLines.length = 0;
      logText.length = 0;
      const broken = {
        ...textMessage("B2", "rahasia ibu"),
        messageTimestamp: "kemarin",
        message: { conversation: 42 },
      } as unknown as WAMessage;
      s.upsert([textMessage("B1", "halo"), broken, textMessage("B3", "jadwal posyandu")]);
      await adapter.stop(); // waits for every message in hand
      expect(received.map((m) => m.externalId)).toEqual(["B1", "B3"]);
      const warning = logLines.find((l) => l.msg === "whatsapp message malformed; ignored") as { issues?: string[] } | undefined;
      expect(warning?.issues).toEqual(expect.arrayContaining(["messageTimestamp: invalid_union", "message.conversation: invalid_type"]));
      expect(logText.join("")).not.toContain("rahasia");
    });

    it("ignores 'append' upserts (messages from before this connection)", async () => {
      const { fake, received, adapter } = await startAdapter();
      fake.latest().upsert([textMessage("OLD1", "lama")], "append");
      await adapter.stop(); // waits for every message in hand
      expect(received).toEqual([]);
    });

    it("passes a redelivered message on with the same externalId (the core drops duplicates)", async () => {
      const { fake, received } = await startAdapter();
      fake.latest().upsert([textMessage("DUP1", "halo")]);
      fake.latest().upsert([textMessage("DUP1", "halo")]);
      await eventually(() => expect(received).toHaveLength(2));
      expect(received.map((m) => m.externalId)).toEqual(["DUP1", "DUP1"]);
    });

    it("keeps one chat's messages in order even when the sink is slow", async () => {
      const order: string[] = [];
      const { fake } = await startAdapter({
        sink: async (m) => {
          if (m.externalId === "O1") await new Promise((r) => setTimeout(r, 40));
          order.push(m.externalId);
        },
      });
      fake.latest().upsert([textMessage("O1", "satu")]);
      fake.latest().upsert([textMessage("O2", "dua")]);
      await eventually(() => expect(order).toHaveLength(2));
      expect(order).toEqual(["O1", "O2"]);
    });

    it("saves credentials on creds.update, so a restart stays linked", async () => {
      const { fake } = await startAdapter();
      const s = fake.latest();
      s.config.auth.creds.registered = true;
      s.ev.emit("creds.update", { registered: true });
      await eventually(async () => expect((await useDatabaseAuthState(rt.db)).state.creds.registered).toBe(true));
    });
  });

  describe("connection.update per DisconnectReason", () => {
    it("restartRequired (515, after pairing) → a new socket at once", async () => {
      const { fake, adapter } = await startAdapter();
      fake.latest().close(DisconnectReason.restartRequired);
      await eventually(() => expect(fake.sockets).toHaveLength(2));
      expect(fake.sockets[0]?.ended).toBe(true);
      expect(adapter.status()).toBe("connecting");
    });

    it.each([
      ["connectionClosed", DisconnectReason.connectionClosed],
      ["connectionLost", DisconnectReason.connectionLost],
      ["unavailableService", DisconnectReason.unavailableService],
    ])("%s → reconnects after a backoff, not at once", async (_name, code) => {
      const backoffs: number[] = [];
      const { fake } = await startAdapter({ reconnectDelay: (attempt) => (backoffs.push(attempt), RECONNECT_MS) });
      fake.latest().open();
      fake.latest().close(code);
      // The close is handled as it is emitted: a backoff was asked for and no socket made yet.
      expect(backoffs).toEqual([0]);
      expect(fake.sockets).toHaveLength(1);
      await eventually(() => expect(fake.sockets).toHaveLength(2));
    });

    it.each([
      ["loggedOut", DisconnectReason.loggedOut],
      ["forbidden", DisconnectReason.forbidden],
    ])("%s → stops, clears the auth state and alerts", async (_name, code) => {
      const backoffs: number[] = [];
      const { fake, adapter } = await startAdapter({ reconnectDelay: (attempt) => (backoffs.push(attempt), RECONNECT_MS) });
      fake.latest().ev.emit("creds.update", {});
      await eventually(async () => {
        const [row] = await queryRows<{ n: number }>(rt.db, sql`select count(*)::int as n from whatsapp_auth`);
        expect(row?.n).toBeGreaterThan(0);
      });
      fake.latest().close(code);
      await eventually(() => expect(adapter.status()).toBe("logged-out"));
      await eventually(async () => {
        const [row] = await queryRows<{ n: number }>(rt.db, sql`select count(*)::int as n from whatsapp_auth`);
        expect(row?.n).toBe(0);
      });
      // The alert is the last thing the close handler does (after clearing the credentials).
      await eventually(() => expect(logLines.some((l) => l.level === 50 && l.alert === "whatsapp_logged_out")).toBe(true));
      // Halted: no reconnect was scheduled (nor made at once), and the adapter is no longer running.
      expect(backoffs).toEqual([]);
      expect(fake.sockets).toHaveLength(1);
      expect(logLines.filter((l) => l.level === 50 && l.alert === "whatsapp_logged_out")).toHaveLength(1);
      logLines.length = 0;
    });

    it("connectionReplaced (440) → stops and keeps the credentials", async () => {
      const backoffs: number[] = [];
      const { fake, adapter } = await startAdapter({ reconnectDelay: (attempt) => (backoffs.push(attempt), RECONNECT_MS) });
      fake.latest().ev.emit("creds.update", {});
      await eventually(async () => {
        const [row] = await queryRows<{ n: number }>(rt.db, sql`select count(*)::int as n from whatsapp_auth where key = 'creds'`);
        expect(row?.n).toBe(1);
      });
      fake.latest().close(DisconnectReason.connectionReplaced);
      await eventually(() => expect(adapter.status()).toBe("replaced"));
      // The alert is the last thing the close handler does (after releasing the lock).
      await eventually(() => expect(logLines.some((l) => l.level === 50 && l.alert === "whatsapp_replaced")).toBe(true));
      expect(backoffs).toEqual([]);
      expect(fake.sockets).toHaveLength(1);
      const [row] = await queryRows<{ n: number }>(rt.db, sql`select count(*)::int as n from whatsapp_auth where key = 'creds'`);
      expect(row?.n).toBe(1);
    });

    it("after stop(), a close does not reconnect", async () => {
      const { fake, adapter } = await startAdapter();
      const s = fake.latest();
      await adapter.stop();
      expect(s.ended).toBe(true);
      expect(adapter.status()).toBe("stopped");
      s.close(DisconnectReason.restartRequired); // handled as it is emitted: a reconnect would start here
      expect(fake.sockets).toHaveLength(1);
      expect(adapter.status()).toBe("stopped");
    });
  });

  describe("sending", () => {
    it("paces sends: three messages take at least 2 × the interval, in order", async () => {
      const interval = 50;
      const { adapter, fake } = await startAdapter({ sendIntervalMs: interval });
      const s = fake.latest();
      s.open();
      const t0 = performance.now();
      const results = await Promise.all(["satu", "dua", "tiga"].map((text) => adapter.send("123456789012345@lid", { text }, CONTEXT)));
      const elapsed = performance.now() - t0;
      expect(elapsed).toBeGreaterThanOrEqual(2 * interval);
      expect(s.sent.map((m) => m.text)).toEqual(["satu", "dua", "tiga"]);
      for (let i = 1; i < s.sent.length; i++) {
        expect((s.sent[i]?.at ?? 0) - (s.sent[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(interval - 1);
      }
      expect(results.map((r) => r.externalId)).toEqual(["OUT1", "OUT2", "OUT3"]);
    });

    it("adds the jitter on top of the interval", async () => {
      const { adapter, fake } = await startAdapter({ sendIntervalMs: 0, jitterMs: () => 60 });
      fake.latest().open();
      const t0 = performance.now();
      await adapter.send("123456789012345@lid", { text: "a" }, CONTEXT);
      await adapter.send("123456789012345@lid", { text: "b" }, CONTEXT);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(2 * 60 - 2);
    });

    it("sends buttons as a numbered list", async () => {
      const { adapter, fake } = await startAdapter();
      fake.latest().open();
      await adapter.send(
        "6281234567890@s.whatsapp.net",
        {
          text: "Pilih:",
          buttons: [
            { label: "Ya", payload: "yes" },
            { label: "Tidak", payload: "no" },
          ],
        },
        CONTEXT,
      );
      expect(fake.latest().sent).toMatchObject([{ jid: "6281234567890@s.whatsapp.net", text: "Pilih:\n\n1. Ya\n2. Tidak" }]);
    });

    it("fails retryably while not connected or when the connection closes, otherwise not", async () => {
      // An hour between sends: were a send that cannot go to sit through the pacing, this test
      // would run into its time-out. A backlog fails fast while disconnected.
      let { adapter, fake } = await startAdapter({ sendIntervalMs: 3_600_000 });
      fake.latest().open();
      await adapter.send("1@lid", { text: "x" }, CONTEXT);
      fake.latest().close(DisconnectReason.connectionLost);
      const notOpen = await adapter.send("1@lid", { text: "x" }, CONTEXT).catch((e: unknown) => e);
      expect(notOpen).toBeInstanceOf(SendError);
      expect((notOpen as SendError).retryable).toBe(true);
      await adapter.stop();

      ({ adapter, fake } = await startAdapter());

      const s = fake.latest();
      s.open();
      s.failNextSend = Object.assign(new Error("Connection Closed"), { output: { statusCode: DisconnectReason.connectionClosed } });
      const closed = await adapter.send("1@lid", { text: "x" }, CONTEXT).catch((e: unknown) => e);
      expect(closed).toBeInstanceOf(SendError);
      expect((closed as SendError).retryable).toBe(true);

      s.failNextSend = new Error("not-acceptable");
      const refused = await adapter.send("1@lid", { text: "x" }, CONTEXT).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(SendError);
      expect((refused as SendError).retryable).toBe(false);
    });
  });

  describe("pairing", () => {
    it("keeps the QR for the admin route and draws it in the terminal", async () => {
      const { adapter, fake, printed } = await startAdapter();
      fake.latest().ev.emit("connection.update", { qr: "2@abc,def,ghi" });
      expect(adapter.currentQr()).toBe("2@abc,def,ghi");
      await eventually(() => expect(printed).toHaveLength(1));
      expect(printed[0]?.length).toBeGreaterThan(100);
      fake.latest().ev.emit("connection.update", { isNewLogin: true, qr: undefined });
      expect(adapter.currentQr()).toBeNull();
    });

    it("with WHATSAPP_PHONE, asks for a pairing code once instead of drawing a QR", async () => {
      const { fake, printed } = await startAdapter({ phone: "6281234567890" });
      const s = fake.latest();
      s.ev.emit("connection.update", { qr: "2@one" });
      s.ev.emit("connection.update", { qr: "2@two" });
      // Each QR is handled as it is emitted (a drawing would have been started then); the code's
      // answer is logged once it comes.
      await eventually(() => expect(logLines.some((l) => l.msg.startsWith("WhatsApp pairing code"))).toBe(true));
      expect(s.pairingRequests).toEqual(["6281234567890"]);
      expect(printed).toEqual([]);
    });

    it("GET /admin/whatsapp/qr: 401 without the admin token, 404 with no QR, 200 SVG with one", async () => {
      // No Pokja admin yet: the bootstrap token still opens the QR (qr-auth.test covers the refusal after).
      const { adapter, fake } = await startAdapter({ adminExists: async () => false });
      const app = await buildApp(rt, { hub: new ChannelHub().register(adapter) });
      try {
        const url = "/admin/whatsapp/qr";
        expect((await app.inject({ method: "GET", url })).statusCode).toBe(401);
        const wrong = await app.inject({ method: "GET", url, headers: { authorization: "Bearer not-the-token-at-all-0000000" } });
        expect(wrong.statusCode).toBe(401);
        const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
        expect((await app.inject({ method: "GET", url, headers: auth })).statusCode).toBe(404);

        fake.latest().ev.emit("connection.update", { qr: "2@abc,def,ghi" });
        const ok = await app.inject({ method: "GET", url, headers: auth });
        expect(ok.statusCode).toBe(200);
        expect(ok.headers["content-type"]).toMatch(/^image\/svg\+xml/);
        expect(ok.headers["cache-control"]).toBe("no-store");
        expect(ok.body).toMatch(/^<svg/);
      } finally {
        await app.close();
      }
    });
  });

  // The whole inbound path with only WhatsApp faked: adapter → real conversation core and outbox
  // on a real database → the adapter's paced send. Wording belongs to the core; this checks that a
  // reply goes out, to the right chat, exactly once per WhatsApp message.
  describe("WhatsApp end to end (fake socket, real core and database)", () => {
    let adapter: WhatsAppAdapter;
    const fake = fakeFactory();
    /** externalIds whose handling by the core has finished, in order (watched, not replaced). */
    const handled: string[] = [];

    beforeAll(async () => {
      // Real time: the outbox stamps rows with the database's now() and sends those due by rt.clock,
      // so the standing-still test clock would never find a reply due.
      const live: Runtime = { ...rt, clock: systemClock };
      const hub = new ChannelHub();
      const sink = createInboundSink(live, hub);
      adapter = createWhatsAppAdapter({
        rt: live,
        sink: async (m) => {
          try {
            await sink(m);
          } finally {
            handled.push(m.externalId);
          }
        },
        sendIntervalMs: 0,
        jitterMs: () => 0,
        printQr: () => {},
        socketFactory: fake.factory,
      });
      hub.register(adapter);
      await adapter.start();
      fake.latest().open();
    });
    afterAll(async () => {
      await adapter?.stop();
    });

    /** Waits until every WhatsApp reply queued so far has gone out; returns the outbox rows. */
    const allSent = async () => {
      let rows: (typeof outbox.$inferSelect)[] = [];
      await eventually(
        async () => {
          rows = await rt.db.select().from(outbox).where(eq(outbox.channel, "whatsapp"));
          expect(rows.filter((r) => r.status !== "sent")).toEqual([]);
        },
        { timeout: 90_000, interval: 20 },
      );
      return rows;
    };

    const inboundCount = async (externalId: string) => {
      const [row] = await queryRows<{ n: number }>(
        rt.db,
        sql`select count(*)::int as n from ${inboundMessages} where ${inboundMessages.channel} = 'whatsapp' and ${inboundMessages.externalId} = ${externalId}`,
      );
      return row?.n ?? 0;
    };

    it("answers an unknown person's 'halo' in the same chat, and stores the phone WhatsApp gave", async () => {
      fake.latest().upsert([textMessage("E2E1", "halo")]);
      // The replies are queued in the turn's transaction, then sent: wait for the turn, then for them.
      await eventually(() => expect(handled).toContain("E2E1"));
      const rows = await allSent();
      const sent = fake.latest().sent;
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.every((m) => m.jid === LID && m.text.length > 0)).toBe(true);
      expect(await inboundCount("E2E1")).toBe(1);

      expect(rows.length).toBe(sent.length);
      expect(rows.every((r) => r.status === "sent" && r.address === LID && r.externalId?.startsWith("OUT"))).toBe(true);

      const [channel] = await rt.db
        .select()
        .from(contactChannels)
        .where(and(eq(contactChannels.channel, "whatsapp"), eq(contactChannels.address, LID)));
      expect(channel?.phone ?? null).toBe("6281234567890");
    });

    it("gives Baileys the text of a sent message again when a phone asks for a retry", async () => {
      // The first reply queued is the first sent (one chat, sent in order).
      const [row] = await rt.db.select().from(outbox).where(eq(outbox.channel, "whatsapp")).orderBy(asc(outbox.id)).limit(1);
      const getMessage = fake.latest().config.getMessage;
      expect(row?.externalId).toBeTruthy();
      expect(await getMessage?.({ id: row?.externalId, remoteJid: LID, fromMe: true })).toEqual({
        conversation: fake.latest().sent[0]?.text,
      });
      expect(await getMessage?.({ id: "NOT-OURS", remoteJid: LID, fromMe: true })).toBeUndefined();
    });

    it("answers a redelivered message only once", async () => {
      const before = fake.latest().sent.length;
      fake.latest().upsert([textMessage("E2E2", "menu")]);
      await eventually(() => expect(handled).toContain("E2E2"));
      await allSent();
      const afterFirst = fake.latest().sent.length;
      expect(afterFirst).toBeGreaterThan(before);

      fake.latest().upsert([textMessage("E2E2", "menu")]);
      // Once the core has finished with the second delivery, anything it queued is in the outbox.
      await eventually(() => expect(handled.filter((id) => id === "E2E2")).toHaveLength(2));
      await allSent();
      expect(fake.latest().sent.length).toBe(afterFirst);
      expect(await inboundCount("E2E2")).toBe(1);
    });
  });

  it("never logs phone numbers, JIDs, message text or the pairing phone (UU PDP)", () => {
    // Defined last, so it runs last: by now every path above has logged what it logs.
    const all = logText.join("");
    expect(all.length).toBeGreaterThan(0);
    for (const secret of ["6281234567890", "123456789012345", "@lid", "@s.whatsapp.net", "halo", "jadwal posyandu", "Pilih:"]) {
      expect(all).not.toContain(secret);
    }
  });
});
