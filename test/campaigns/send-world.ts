// The world for sending tests: the admin fixture's regency and staff (plus a second Pokja admin to
// approve), people on Telegram, the admin API, the conversation (inbound sink) and the outbound
// engine with real grammY against the local Bot API stand-in (test/channels/telegram).
import type { EventEmitter } from "node:events";
import { sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { staffAccounts } from "../../src/admin/accounts.sql.js";
import { createSession, hashPassword, SESSION_COOKIE } from "../../src/admin/auth.js";
import { buildApp } from "../../src/app.js";
import type { ChannelAdapter, InboundSink } from "../../src/channels/channel.js";
import { engineFor, type EngineSettings, type OutboundEngine } from "../../src/channels/engine.js";
import { ChannelHub } from "../../src/channels/hub.js";
import { createTelegramAdapter } from "../../src/channels/telegram/index.js";
import { contactChannels, contacts } from "../../src/contacts/contacts.sql.js";
import { createInboundSink } from "../../src/conversation/index.js";
import { queryRows } from "../../src/db/client.js";
import { createLogger } from "../../src/lib/log.js";
import { seedWorld, type Who, type World } from "../admin/fixture.js";
import { BotApiStandIn, TEST_TOKEN } from "../channels/telegram/bot-api-stand-in.js";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the JSON answers loosely
type LooseJson = any;

export interface SendWorld {
  rt: TestRuntime;
  w: World;
  app: FastifyInstance;
  api: BotApiStandIn;
  /** The stand-in's address (TELEGRAM_API_ROOT of another instance). */
  apiRoot: string;
  hub: ChannelHub;
  engine: OutboundEngine;
  sink: InboundSink;
  cookie: Record<Who | "admin2", string>;
  /** The admin API as a staff member; the JSON answer loosely typed. */
  call(
    who: Who | "admin2",
    method: "GET" | "POST" | "PATCH",
    url: string,
    payload?: object,
  ): Promise<{ status: number; body: LooseJson; text: string }>;
  close(): Promise<void>;
}

// A lease long enough that a busy test machine never lets it lapse under a live sender (the engine then
// re-queues what it holds: README "Pacing").
export const fastEngine: Omit<EngineSettings, "pacing"> = { pollMs: 50, leaseMs: 5_000, retryBaseMs: 0, retryMaxMs: 0, maxAttempts: 3 };

export async function startSendWorld(
  options: {
    env?: Record<string, string>;
    now?: string;
    pacing?: EngineSettings["pacing"];
    extraAdapters?: (rt: TestRuntime, sink: InboundSink) => ChannelAdapter[];
    start?: boolean;
    /** Where Telegram is (default: the in-process stand-in). */
    telegramApiRoot?: string;
  } = {},
): Promise<SendWorld> {
  const rt = await createTestRuntime({ env: options.env, now: options.now });
  const w = await seedWorld(rt);
  const api = new BotApiStandIn();
  const apiRoot = await api.listen();
  const hub = new ChannelHub();
  // The engine first, so the conversation's replies use it too (engineFor keeps one per hub).
  const engine = engineFor(rt, hub, { pacing: options.pacing ?? { telegram: { perSecond: 20, perRecipientPerSecond: 1 } }, ...fastEngine });
  const sink = createInboundSink(rt, hub);
  hub.register(
    createTelegramAdapter({
      token: TEST_TOKEN,
      apiRoot: options.telegramApiRoot ?? apiRoot,
      mode: "webhook",
      webhookSecret: "s3cret",
      log: createLogger("silent"),
      sink,
    }),
  );
  for (const adapter of options.extraAdapters?.(rt, sink) ?? []) hub.register(adapter);
  const app = await buildApp(rt, { admin: { loginRateLimit: 10_000 } });
  await app.ready();
  if (options.start !== false) await engine.start();
  const [admin2] = await rt.db
    .insert(staffAccounts)
    .values({
      username: "admin2",
      name: "admin2",
      role: "pokja_admin",
      passwordHash: await hashPassword("rahasia-yang-panjang"),
      createdAt: rt.clock.now(),
    })
    .returning();
  const cookie = { ...w.cookie, admin2: `${SESSION_COOKIE}=${(await createSession(rt.db, admin2!.id, rt.clock.now())).token}` };
  return {
    rt,
    w,
    app,
    api,
    apiRoot,
    hub,
    engine,
    sink,
    cookie,
    async call(who, method, url, payload) {
      // A fresh session each time: the tests move the clock past a session's 12 hours.
      const account = who === "admin2" ? admin2!.id : w.accounts[who].id;
      const fresh = `${SESSION_COOKIE}=${(await createSession(rt.db, account, rt.clock.now())).token}`;
      const res = await app.inject({ method, url, headers: { cookie: fresh }, ...(payload ? { payload } : {}) });
      let body: unknown = null;
      try {
        body = res.json();
      } catch {
        body = null;
      }
      return { status: res.statusCode, body, text: res.body };
    },
    async close() {
      await engine.stop();
      await app.close();
      await api.close();
      await rt.close();
    },
  };
}

/** People on Telegram who agreed to the notice, in a desa (chat ids from `firstChat`). */
export async function telegramPeople(
  rt: TestRuntime,
  n: number,
  place: { desaCode: string; posyanduId?: string | null },
  o: { lang?: "id" | "bjn"; firstChat: number; role?: "parent" | "pregnant" },
): Promise<{ id: string; chat: string }[]> {
  const now = rt.clock.now();
  const rows = await rt.db
    .insert(contacts)
    .values(
      Array.from({ length: n }, () => ({
        role: o.role ?? "parent",
        lang: o.lang ?? "id",
        desaCode: place.desaCode,
        posyanduId: place.posyanduId ?? null,
        consentVersion: "2026-12-v2",
        consentAt: now,
        registeredAt: now,
      })),
    )
    .returning({ id: contacts.id });
  const people = rows.map((r, i) => ({ id: r.id, chat: String(o.firstChat + i) }));
  for (let i = 0; i < people.length; i += 5000) {
    await rt.db
      .insert(contactChannels)
      .values(
        people.slice(i, i + 5000).map((p) => ({ contactId: p.id, channel: "telegram" as const, address: p.chat, lastInboundAt: now })),
      );
  }
  return people;
}

/** Waits until `check` holds, re-checking after each outcome the engines record. */
export async function until(check: () => Promise<boolean> | boolean, emitters: EventEmitter[]): Promise<void> {
  for (;;) {
    let fired = false;
    let wake = () => {};
    const listener = () => {
      fired = true;
      wake();
    };
    for (const e of emitters) e.on("outcome", listener);
    try {
      if (await check()) return;
      if (!fired) await new Promise<void>((resolve) => (wake = resolve));
    } finally {
      for (const e of emitters) e.off("outcome", listener);
    }
  }
}

/** Campaign rows the outbox still holds, by status. */
export async function campaignOutbox(rt: TestRuntime): Promise<Record<string, number>> {
  const rows = await queryRows<{ status: string; n: number }>(
    rt.db,
    sql`select status, count(*)::int as n from outbox where kind = 'campaign' group by status`,
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** A Telegram text message from a chat, through the conversation (as the webhook would hand it over). */
let updateId = 1;
export async function say(world: SendWorld, chat: string, message: { text?: string; payload?: string }): Promise<void> {
  const receipt = await world.sink({
    channel: "telegram",
    externalId: `u${updateId++}`,
    address: chat,
    receivedAt: world.rt.clock.now(),
    ...message,
  });
  if (receipt) await receipt.delivered;
}
