// WhatsApp's warnings about the service's number (Baileys 7 events: the reach-out time lock in
// connection.update, message-capping.update, the 463 ack error in messages.update), driven
// through the Baileys socket stand-in into the real adapter, outbound engine and database: bulk and
// first-contact sends wait, replies and staff alerts go, the Pokja admins are told, the pause
// survives a restart and lifts by itself.
import { and, eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { staffAccounts, staffChatLinks } from "../../../src/admin/accounts.sql.js";
import { buildApp } from "../../../src/app.js";
import { outbox, whatsappSafety } from "../../../src/channels/channels.sql.js";
import { engineFor, engineSettings, type OutboundEngine } from "../../../src/channels/engine.js";
import { ChannelHub } from "../../../src/channels/hub.js";
import { enqueue } from "../../../src/channels/outbox.js";
import { useDatabaseAuthState } from "../../../src/channels/whatsapp/auth-state.js";
import { createWhatsAppAdapter, type WhatsAppAdapter } from "../../../src/channels/whatsapp/index.js";
import { contactChannels, contacts } from "../../../src/contacts/contacts.sql.js";
import { queryRows } from "../../../src/db/client.js";
import { systemClock } from "../../../src/lib/clock.js";
import { createLogger } from "../../../src/lib/log.js";
import { registry } from "../../../src/metrics/index.js";
import type { Runtime } from "../../../src/runtime.js";
import { createTestRuntime, type TestRuntime } from "../../helpers/runtime.js";
import { fakeFactory, type FakeSocket } from "./fake-socket.js";

const ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
const ADMIN_CHAT = "111111111111111@lid";
const WROTE_IN = "222222222222222@lid";
const STRANGER = "333333333333333@lid";

describe("WhatsApp safety: WhatsApp's warnings pause bulk and first-contact sends", () => {
  let base: TestRuntime;
  let rt: Runtime;
  const logLines: { msg: string; alert?: string; cause?: string }[] = [];
  const logText: string[] = [];
  const people: Record<string, string> = {};
  let stopAll: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    base = await createTestRuntime({ env: { ADMIN_BOOTSTRAP_TOKEN: ADMIN_TOKEN } });
    const log = createLogger("info", {
      write: (line: string) => {
        logText.push(line);
        logLines.push(JSON.parse(line) as { msg: string; alert?: string });
      },
    });
    // Real time: lift times are WhatsApp's wall-clock times, and the outbox sends what is due by rt.clock.
    rt = { ...base, log, clock: systemClock };
    // The linked number, as Baileys stores it after pairing: the pause is kept per number.
    const auth = await useDatabaseAuthState(rt.db);
    auth.state.creds.me = { id: "6280000000001:7@s.whatsapp.net", lid: "999999999999999:7@lid" };
    await auth.saveCreds();
    // A Pokja admin whose WhatsApp chat is linked; a mother who wrote in; someone who never did.
    const now = new Date();
    for (const [key, address, wrote] of [
      ["admin", ADMIN_CHAT, true],
      ["wrote", WROTE_IN, true],
      ["stranger", STRANGER, false],
    ] as const) {
      const [c] = await rt.db.insert(contacts).values({ lang: "id" }).returning();
      await rt.db.insert(contactChannels).values({ contactId: c!.id, channel: "whatsapp", address, lastInboundAt: wrote ? now : null });
      people[key] = c!.id;
    }
    const [account] = await rt.db
      .insert(staffAccounts)
      .values({ username: "pokja.safety", name: "Pokja", role: "pokja_admin" })
      .returning();
    await rt.db.insert(staffChatLinks).values({ accountId: account!.id, contactId: people.admin! });
  });
  afterEach(async () => {
    for (const stop of stopAll.reverse()) await stop();
    stopAll = [];
    await rt.db.delete(outbox);
  });
  afterAll(async () => {
    await base?.close();
  });

  /** The adapter over a Baileys socket stand-in, with the outbound engine sending continuously (unpaced). */
  async function start(
    pauseMs = 3_600_000,
  ): Promise<{ adapter: WhatsAppAdapter; socket: FakeSocket; engine: OutboundEngine; hub: ChannelHub }> {
    const fake = fakeFactory();
    const hub = new ChannelHub();
    const adapter = createWhatsAppAdapter({
      rt,
      sink: async () => {},
      sendIntervalMs: 0,
      jitterMs: () => 0,
      printQr: () => {},
      socketFactory: fake.factory,
      safetyPauseMs: pauseMs,
      adminExists: async () => false,
    });
    hub.register(adapter);
    const settings = engineSettings(rt.config);
    const engine = engineFor(rt, hub, { ...settings, pollMs: 50, pacing: { whatsapp: {} } });
    await adapter.start();
    const socket = fake.latest();
    socket.open();
    await engine.start();
    stopAll.push(async () => {
      await engine.stop();
      await adapter.stop();
    });
    return { adapter, socket, engine, hub };
  }

  const queue = (address: string, contact: string, kind: "reply" | "reminder" | "broadcast" | "alert", text: string) =>
    enqueue(rt.db, [{ contactId: people[contact]!, channel: "whatsapp", address, kind, message: { text } }], new Date());

  const rowOf = async (id: number) => (await rt.db.select().from(outbox).where(eq(outbox.id, id)))[0]!;
  const sentTo = (socket: FakeSocket, jid: string) => socket.sent.filter((m) => m.jid === jid).map((m) => m.text);
  const metric = async (name: string) => (await registry.getSingleMetricAsString(name)).split("\n").filter((l) => !l.startsWith("#"));

  it("a reach-out time lock holds bulk and first contacts until its end; replies and alerts go; lifted → the held ones go", async () => {
    const { adapter, socket, hub } = await start();
    await vi.waitFor(() => expect(socket.timelockQueries).toBe(1)); // asked WhatsApp on connecting
    const ends = Math.floor(Date.now() / 1000) + 3600;
    socket.timelockNotification({ is_active: true, time_enforcement_ends: String(ends), enforcement_type: "BIZ_QUALITY" });
    await vi.waitFor(() => expect(adapter.safety().paused).toBe(true));
    expect(adapter.safety().restrictions).toEqual([
      {
        cause: "reachout-timelock",
        since: expect.any(String),
        liftsAt: new Date(ends * 1000).toISOString(),
        detail: { enforcement: "BIZ_QUALITY" },
      },
    ]);
    // Persisted for this number (a restart keeps it).
    const [row] = await rt.db.select().from(whatsappSafety);
    expect(row).toMatchObject({ account: "6280000000001", cause: "reachout-timelock" });
    expect(row?.liftsAt.toISOString()).toBe(new Date(ends * 1000).toISOString());

    // The Pokja admin is told on chat (an alert to someone who wrote in goes despite the lock).
    await vi.waitFor(() => expect(sentTo(socket, ADMIN_CHAT).some((t) => t.includes("WhatsApp membatasi nomor layanan"))).toBe(true), {
      timeout: 10_000,
    });
    expect(sentTo(socket, ADMIN_CHAT).find((t) => t.includes("membatasi"))).toContain("kunci waktu menghubungi kontak baru");
    expect(logLines.some((l) => l.alert === "whatsapp_safety_paused" && l.cause === "reachout-timelock")).toBe(true);
    expect(await metric("balanting_whatsapp_restricted")).toContain('balanting_whatsapp_restricted{cause="reachout-timelock"} 1');

    const [bulk] = await queue(WROTE_IN, "wrote", "broadcast", "kampanye posyandu");
    const [first] = await queue(STRANGER, "stranger", "reminder", "pengingat untuk orang baru");
    const [reply] = await queue(WROTE_IN, "wrote", "reply", "balasan untuk ibu");
    const [reminder] = await queue(WROTE_IN, "wrote", "reminder", "pengingat untuk ibu");
    await vi.waitFor(async () => expect((await rowOf(reply!)).status).toBe("sent"), { timeout: 10_000 });
    await vi.waitFor(async () => expect((await rowOf(reminder!)).status).toBe("sent"), { timeout: 10_000 });
    for (const id of [bulk!, first!]) {
      await vi.waitFor(async () => expect((await rowOf(id)).lastError).toMatch(/^whatsapp-safety:/), { timeout: 10_000 });
      const held = await rowOf(id);
      expect(held.status).toBe("queued");
      expect(held.attempts).toBe(0);
      expect(held.nextAttemptAt.toISOString()).toBe(new Date(ends * 1000).toISOString());
    }
    expect(socket.sent.map((m) => m.text)).not.toContain("kampanye posyandu");
    expect(socket.sent.map((m) => m.text)).not.toContain("pengingat untuk orang baru");
    expect(await metric("balanting_outbound_messages_total")).toContain(
      'balanting_outbound_messages_total{channel="whatsapp",lane="bulk",result="held"} 1',
    );

    // The status API shows it to the Pokja.
    const app = await buildApp(rt, { hub });
    try {
      const res = await app.inject({ method: "GET", url: "/admin/whatsapp/status", headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(res.json()).toMatchObject({
        status: "open",
        safety: { paused: true, restrictions: [{ cause: "reachout-timelock", liftsAt: new Date(ends * 1000).toISOString() }] },
      });
    } finally {
      await app.close();
    }

    // WhatsApp lifts it early: the held messages go now, and the admins hear so.
    socket.timelockNotification({ is_active: false });
    await vi.waitFor(async () => expect((await rowOf(bulk!)).status).toBe("sent"), { timeout: 10_000 });
    await vi.waitFor(async () => expect((await rowOf(first!)).status).toBe("sent"), { timeout: 10_000 });
    expect(adapter.safety()).toEqual({ paused: false, restrictions: [] });
    expect(await rt.db.select().from(whatsappSafety)).toEqual([]);
    await vi.waitFor(() => expect(sentTo(socket, ADMIN_CHAT).some((t) => t.includes("sudah berakhir"))).toBe(true), { timeout: 10_000 });
    expect(logLines.some((l) => l.alert === "whatsapp_safety_lifted")).toBe(true);
  });

  it("error 463 on a first message: the row fails, new chats pause (kept across a restart) and resume by themselves at the lift time", async () => {
    const first = await start(2_500);
    const [hello] = await queue(STRANGER, "stranger", "alert", "pesan pertama");
    await vi.waitFor(async () => expect((await rowOf(hello!)).status).toBe("sent"), { timeout: 10_000 });
    const externalId = (await rowOf(hello!)).externalId!;
    const queriesBefore = first.socket.timelockQueries;
    first.socket.ackError(externalId, STRANGER, "463");
    await vi.waitFor(() => expect(first.adapter.safety().paused).toBe(true));
    await vi.waitFor(async () => expect((await rowOf(hello!)).status).toBe("failed"));
    expect((await rowOf(hello!)).lastError).toBe("WhatsApp ack error 463");
    // It asked WhatsApp whether a time lock with an end time stands behind the 463 (none here).
    await vi.waitFor(() => expect(first.socket.timelockQueries).toBe(queriesBefore + 1));
    expect(first.adapter.safety().restrictions).toMatchObject([{ cause: "account-restricted", detail: { guessedEnd: true } }]);
    const liftsAt = first.adapter.safety().restrictions[0]!.liftsAt;

    // A restart before the lift time: the new process keeps the pause.
    await stopAll.pop()!();
    const second = await start(2_500);
    expect(second.adapter.safety()).toMatchObject({ paused: true, restrictions: [{ cause: "account-restricted", liftsAt }] });
    const [again] = await queue(STRANGER, "stranger", "reminder", "pengingat kedua");
    const [reply] = await queue(WROTE_IN, "wrote", "reply", "balasan biasa");
    await vi.waitFor(async () => expect((await rowOf(reply!)).status).toBe("sent"), { timeout: 10_000 });
    await vi.waitFor(async () => expect((await rowOf(again!)).nextAttemptAt.toISOString()).toBe(liftsAt), { timeout: 10_000 });

    // At the lift time it resumes by itself: the held message goes, the admins are told.
    await vi.waitFor(async () => expect((await rowOf(again!)).status).toBe("sent"), { timeout: 15_000 });
    await vi.waitFor(() => expect(second.adapter.safety().paused).toBe(false), { timeout: 15_000 });
    expect(sentTo(second.socket, STRANGER)).toContain("pengingat kedua");
    await vi.waitFor(() => expect(sentTo(second.socket, ADMIN_CHAT).some((t) => t.includes("sudah berakhir"))).toBe(true), {
      timeout: 10_000,
    });
    const [left] = await queryRows<{ n: number }>(rt.db, sql`select count(*)::int as n from whatsapp_safety`);
    expect(left?.n).toBe(0);
  });

  it("a message-capping warning pauses until the cycle ends; NONE lifts it; another number's pause does not apply", async () => {
    const { adapter, socket } = await start();
    // Another linked number's restriction in the table: not this one's.
    await rt.db
      .insert(whatsappSafety)
      .values({ account: "6289999999999", cause: "message-capping", since: new Date(), liftsAt: new Date(Date.now() + 86_400_000) });
    const end = Math.floor(Date.now() / 1000) + 7 * 86_400;
    socket.cappingNotification({
      capping_status: "SECOND_WARNING" as never,
      used_quota: 95,
      total_quota: 100,
      cycle_end_timestamp: String(end),
    });
    await vi.waitFor(() => expect(adapter.safety().paused).toBe(true));
    expect(adapter.safety().restrictions).toEqual([
      {
        cause: "message-capping",
        since: expect.any(String),
        liftsAt: new Date(end * 1000).toISOString(),
        detail: { capping: "SECOND_WARNING", used: 95, total: 100 },
      },
    ]);
    const [bulk] = await queue(WROTE_IN, "wrote", "broadcast", "kampanye kedua");
    await vi.waitFor(async () => expect((await rowOf(bulk!)).lastError).toMatch(/^whatsapp-safety:/), { timeout: 10_000 });
    socket.cappingNotification({ capping_status: "NONE" as never });
    await vi.waitFor(async () => expect((await rowOf(bulk!)).status).toBe("sent"), { timeout: 10_000 });
    const rows = await rt.db.select().from(whatsappSafety);
    expect(rows.map((r) => r.account)).toEqual(["6289999999999"]);
    await rt.db.delete(whatsappSafety).where(and(eq(whatsappSafety.account, "6289999999999")));
  });

  it("ignores events that are not warnings: other ack errors only fail their row, a time lock that is not active changes nothing", async () => {
    const { adapter, socket } = await start();
    const [msg] = await queue(WROTE_IN, "wrote", "reply", "balasan");
    await vi.waitFor(async () => expect((await rowOf(msg!)).status).toBe("sent"), { timeout: 10_000 });
    socket.ackError((await rowOf(msg!)).externalId!, WROTE_IN, "479");
    await vi.waitFor(async () => expect((await rowOf(msg!)).status).toBe("failed"));
    socket.ev.emit("connection.update", { reachoutTimeLock: { isActive: false } });
    socket.ev.emit("message-capping.update", {});
    socket.ev.emit("messages.update", [
      { key: { remoteJid: WROTE_IN, fromMe: false, id: "IN1" }, update: { status: 0, messageStubParameters: ["463"] } },
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(adapter.safety()).toEqual({ paused: false, restrictions: [] });
  });

  it("never logs the number, JIDs or message text (UU PDP)", () => {
    const all = logText.join("");
    expect(all.length).toBeGreaterThan(0);
    for (const secret of [
      "6280000000001",
      "222222222222222",
      "333333333333333",
      "111111111111111",
      "@lid",
      "kampanye posyandu",
      "balasan",
    ]) {
      expect(all).not.toContain(secret);
    }
  });
});
