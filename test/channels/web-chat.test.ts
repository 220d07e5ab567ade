// The web chat's identity is the server's: a session cookie, never a name the caller picks;
// staff roles stay off it by default; it is rate-limited; every route carries
// security headers; over-long texts get a polite answer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import { createChannels } from "../../src/channels/index.js";
import { DEFAULT_WEB_CHAT_LIMITS, WEB_CHAT_COOKIE } from "../../src/channels/web/routes.js";
import { MAX_INBOUND_TEXT_LENGTH } from "../../src/conversation/inbound.js";
import { posyandu } from "../../src/health-units/health-units.sql.js";
import { createLogger } from "../../src/lib/log.js";
import { seedWorld } from "../admin/fixture.js";
import { BATU_PIRING, makeKader } from "../growth/helpers.js";
import { createWebChat, WebChatPeople, type WebChatHarness } from "../helpers/web-chat.js";

describe("web chat identity", () => {
  let chat: WebChatHarness;
  beforeAll(async () => {
    chat = await createWebChat({ env: { WEB_CHAT_STAFF_ROLES: "off" } });
  });
  afterAll(async () => {
    await chat?.close();
  });

  it("needs a session the server issued, and refuses a caller-chosen sender", async () => {
    const bare = await chat.app.inject({ method: "POST", url: "/api/v1/chat/messages", payload: { text: "halo" } });
    expect(bare.statusCode).toBe(401);
    expect((await chat.app.inject({ method: "GET", url: "/api/v1/chat/messages" })).statusCode).toBe(401);
    const named = await chat.app.inject({ method: "POST", url: "/api/v1/chat/messages", payload: { from: "ana", text: "halo" } });
    expect(named.statusCode).toBe(400);

    const session = await chat.app.inject({ method: "POST", url: "/api/v1/chat/session" });
    expect(session.statusCode).toBe(201);
    const cookie = session.cookies.find((c) => c.name === WEB_CHAT_COOKIE)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/api/v1/chat" });
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("keeps one person's data and mailbox from anyone who knows only her address", async () => {
    await chat.send("ana", "DAFTAR");
    await chat.send("ana", "1");
    await chat.send("ana", { payload: "yes" });
    await chat.send("ana", { payload: "role:parent" });
    await chat.send("ana", "Muara Ninian");
    expect(await chat.say("ana", "DATAKU")).toMatch(/Peran: Orang tua/);

    // Someone else, even with a made-up cookie, is a different person with nothing stored.
    const forged = { headers: { cookie: `${WEB_CHAT_COOKIE}=${"A".repeat(43)}` } };
    const theirs = await chat.app.inject({ method: "POST", url: "/api/v1/chat/messages", payload: { text: "DATAKU" }, ...forged });
    expect(theirs.json().replies[0].text).toMatch(/belum menyimpan data pribadi/);
    expect(await chat.say("eve", "DATAKU")).toMatch(/belum menyimpan data pribadi/);

    // An answer for Ana waits in Ana's mailbox only.
    const web = chat.hub.adapters().find((a) => a.name === "web")!;
    await web.send(chat.addressOf("ana"), { text: "Jawaban bidan untuk Ana" }, { kind: "handoff", lang: "id", lastInboundAt: null });
    expect(await chat.inbox("eve")).toEqual([]);
    expect((await chat.app.inject({ method: "GET", url: "/api/v1/chat/messages", ...forged })).json()).toEqual({ replies: [] });
    expect(await chat.inbox("ana")).toEqual([{ text: "Jawaban bidan untuk Ana" }]);
  });

  it("offers no kader role and no staff commands unless WEB_CHAT_STAFF_ROLES is on", async () => {
    await chat.send("calon-kader", "DAFTAR");
    await chat.send("calon-kader", "1");
    const roles = await chat.send("calon-kader", { payload: "yes" });
    const payloads = roles.flatMap((r) => r.buttons ?? []).map((b) => b.payload);
    expect(payloads).toEqual(["role:parent", "role:pregnant"]);
    expect(await chat.say("calon-kader", { payload: "role:kader" })).not.toMatch(/kader/i);

    expect(await chat.say("tamu", "KODE 12345678")).toMatch(/tidak tersedia di chat percobaan/);
    expect(await chat.say("tamu", "JAWAB 1 minum obat")).toMatch(/tidak tersedia di chat percobaan/);
    // Even a contact that is an active kader in the database acts as nobody special here.
    const [unit] = await chat.rt.db.insert(posyandu).values({ name: "Posyandu Uji", desaCode: BATU_PIRING, dayOfMonth: 5 }).returning();
    await makeKader(chat, "kader-web", unit!.id, "id");
    expect(await chat.say("kader-web", "CARI Budi")).toMatch(/tidak tersedia di chat percobaan/);
    expect(await chat.say("kader-web", "UKUR A1 BB 7,2 PB 65")).toMatch(/tidak tersedia di chat percobaan/);
  });

  it("answers a 100,000-character message politely instead of reading it", async () => {
    const replies = await chat.send("panjang", "a".repeat(100_000));
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toMatch(new RegExp(`terlalu panjang[\\s\\S]*${MAX_INBOUND_TEXT_LENGTH}`));
    expect(await chat.say("panjang", `stunting itu apa ${"?".repeat(10)}`)).toMatch(/[Ss]tunting/);
  });
});

describe("web chat rate limits", () => {
  let chat: WebChatHarness;
  beforeAll(async () => {
    chat = await createWebChat();
  });
  afterAll(async () => {
    await chat?.close();
  });

  it("limits sessions and messages per client address", async () => {
    // The channels as the service builds them, with the default limits.
    const app = await buildApp(chat.rt, { hub: await createChannels(chat.rt) });
    try {
      const session = (remoteAddress: string) => app.inject({ method: "POST", url: "/api/v1/chat/session", remoteAddress });
      const perClient = DEFAULT_WEB_CHAT_LIMITS.sessionsPerClient.max;
      const codes: number[] = [];
      for (let i = 0; i <= perClient; i++) codes.push((await session("192.0.2.1")).statusCode);
      expect(codes.slice(0, perClient).every((c) => c === 201)).toBe(true);
      expect(codes[perClient]).toBe(429);
      expect((await session("192.0.2.2")).statusCode).toBe(201);

      // A client reading its mailbox too often waits, others do not.
      const people = new WebChatPeople(() => app);
      const { headers } = await people.as("poller");
      const get = (remoteAddress: string) => app.inject({ method: "GET", url: "/api/v1/chat/messages", headers, remoteAddress });
      const reads: number[] = [];
      for (let i = 0; i <= DEFAULT_WEB_CHAT_LIMITS.messagesPerClient.max; i++) reads.push((await get("192.0.2.9")).statusCode);
      expect(reads.at(-2)).toBe(200);
      expect(reads.at(-1)).toBe(429);
      expect((await get("192.0.2.10")).statusCode).toBe(200);
      chat.rt.clock.advance(DEFAULT_WEB_CHAT_LIMITS.messagesPerClient.windowMs);
      expect((await get("192.0.2.9")).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it("stops new identities and messages from all clients together at the global limit", async () => {
    const windowMs = 60_000;
    const hub = await createChannels(chat.rt, {
      webChatLimits: { sessionsGlobal: { max: 5, windowMs }, messagesGlobal: { max: 8, windowMs } },
    });
    const app = await buildApp(chat.rt, { hub });
    try {
      const people = new WebChatPeople(() => app);
      for (let i = 0; i < 5; i++) await people.as(`p${i}`); // each from an address of its own
      await expect(people.as("p5")).rejects.toThrow(/429/);
      for (let i = 0; i < 8; i++) expect(await people.inbox(`p${i % 5}`)).toEqual([]);
      await expect(people.inbox("p0")).rejects.toThrow(/429/);
      chat.rt.clock.advance(windowMs);
      expect(await people.inbox("p0")).toEqual([]);
      await people.as("p5");
    } finally {
      await app.close();
    }
  });
});

describe("security headers and logs", () => {
  let chat: WebChatHarness;
  beforeAll(async () => {
    chat = await createWebChat();
  });
  afterAll(async () => {
    await chat?.close();
  });

  it("sends security headers on every route, and a CSP the chat page's own script fits", async () => {
    for (const url of ["/", "/health", "/api/v1/me", "/no-such-page"]) {
      const res = await chat.app.inject({ method: "GET", url });
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
      expect(res.headers["content-security-policy"]).toMatch(/default-src 'self'/);
      expect(res.headers["content-security-policy"]).not.toMatch(/upgrade-insecure-requests/);
    }
    const page = await chat.app.inject({ method: "GET", url: "/" });
    const nonce = /script-src[^;]*'nonce-([^']+)'/.exec(page.headers["content-security-policy"] as string)?.[1];
    expect(nonce).toBeTruthy();
    expect(page.body).toContain(`<script nonce="${nonce}">`);
    // The public summary's own inline style is allowed by its nonce too.
    const publik = await chat.app.inject({ method: "GET", url: "/publik" });
    const styleNonce = /style-src[^;]*'nonce-([^']+)'/.exec(publik.headers["content-security-policy"] as string)?.[1];
    expect(publik.body).toContain(`<style nonce="${styleNonce}">`);
    const docs = await chat.app.inject({ method: "GET", url: "/docs/static/index.html" });
    expect(docs.headers["content-security-policy"]).toMatch(/script-src 'self'/);
  });

  it("keeps query strings (a child's name searched by staff) out of request logs", async () => {
    const lines: string[] = [];
    const log = createLogger("info", { write: (line: string) => void lines.push(line) });
    const w = await seedWorld(chat.rt);
    const app = await buildApp({ ...chat.rt, log });
    try {
      const res = await app.inject({ method: "GET", url: "/api/v1/children?q=Siti%20Rahmah", headers: { cookie: w.cookie.admin } });
      expect(res.statusCode).toBe(200);
      expect(lines.some((l) => l.includes("/api/v1/children"))).toBe(true);
      expect(lines.join("\n")).not.toMatch(/Siti|Rahmah|q=/);
    } finally {
      await app.close();
    }
  });
});
