// Telegram long polling as operators run it: one poller per bot across instances (a PostgreSQL
// lock, taken over when the holder stops), 409 Conflict waited out rather than polling stopping
// for good, /ready telling a dead poller, and an update that could not be stored fetched again
// rather than skipped.
import { EventEmitter, once } from "node:events";
import type { FastifyInstance } from "fastify";
import type { Update } from "grammy/types";
import postgres from "../../../src/db/postgres.js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { buildApp } from "../../../src/app.js";
import { InboundUnavailableError, type ChannelAdapter, type InboundMessage } from "../../../src/channels/channel.js";
import { ChannelHub } from "../../../src/channels/hub.js";
import { createTelegramAdapter } from "../../../src/channels/telegram/index.js";
import { createOwnerLock } from "../../../src/channels/whatsapp/owner-lock.js";
import { createLogger } from "../../../src/lib/log.js";
import { createTestRuntime, onPostgres, type TestRuntime } from "../../helpers/runtime.js";
import { BotApiStandIn, TEST_TOKEN } from "./bot-api-stand-in.js";

const log = createLogger("silent");

function textUpdate(updateId: number, chatId: number, text: string): Update {
  const person = { id: chatId, is_bot: false, first_name: "Ibu" };
  return {
    update_id: updateId,
    message: { message_id: updateId, date: 1795744700, chat: { id: chatId, type: "private", first_name: "Ibu" }, from: person, text },
  } as Update;
}

/** Resolves when `check` holds, re-checking after each poll the stand-in receives. */
async function untilPolled(api: BotApiStandIn, check: () => boolean): Promise<void> {
  while (!check()) await api.waitFor("getUpdates", api.callsTo("getUpdates").length + 1);
}

let api: BotApiStandIn;
let apiRoot: string;
beforeAll(async () => {
  api = new BotApiStandIn();
  apiRoot = await api.listen();
});
afterAll(async () => {
  await api.close();
});
beforeEach(() => {
  api.calls.length = 0; // a poller stopped by the previous block confirms its offset after that block
});
afterEach(() => {
  api.calls.length = 0;
  api.pendingUpdates.length = 0;
  api.override = undefined;
});

describe("409 Conflict and /ready", () => {
  let rt: TestRuntime;
  let app: FastifyInstance;
  let telegram: ChannelAdapter;
  const received: InboundMessage[] = [];
  beforeAll(async () => {
    rt = await createTestRuntime();
    const hub = new ChannelHub();
    telegram = createTelegramAdapter({
      token: TEST_TOKEN,
      apiRoot,
      mode: "polling",
      log,
      pollTimeoutSeconds: 1,
      staleAfterMs: 0,
      sink: async (m) => void received.push(m),
    });
    hub.register(telegram);
    app = await buildApp(rt, { hub });
  });
  afterAll(async () => {
    await telegram.stop?.();
    await app.close();
    await rt.close();
  });

  it("keeps polling through 409, says so on /ready meanwhile, and answers once the other poller is gone", async () => {
    let conflict = true;
    api.override = (c) =>
      c.method === "getUpdates" && conflict
        ? { status: 409, body: { ok: false, error_code: 409, description: "Conflict: terminated by other getUpdates request" } }
        : undefined;
    await telegram.start?.();
    await api.waitFor("getUpdates", 2); // the second try comes after the first 409 was taken in
    const during = await app.inject({ method: "GET", url: "/ready" });
    expect(during.statusCode).toBe(503);
    expect(during.json()).toMatchObject({ reason: expect.stringMatching(/telegram.*409/) });

    conflict = false;
    api.pendingUpdates.push([textUpdate(9501, 555001, "halo")]);
    await untilPolled(api, () => received.length > 0);
    expect(received.map((m) => m.externalId)).toEqual(["msg:555001:9501"]);
    await api.waitFor("getUpdates", api.callsTo("getUpdates").length + 1);
    expect((await app.inject({ method: "GET", url: "/ready" })).statusCode).toBe(200);
  });
});

describe("an update that could not be stored", () => {
  it("is tried again and never moved past while the database is away", async () => {
    let down = true;
    const attempts: string[] = [];
    const received: string[] = [];
    const sinkCalled = new EventEmitter();
    /** Resolves once `check` holds, re-checked after each call of the sink. */
    const untilSink = async (check: () => boolean) => {
      while (!check()) await once(sinkCalled, "call");
    };
    const telegram = createTelegramAdapter({
      token: TEST_TOKEN,
      apiRoot,
      mode: "polling",
      log,
      pollTimeoutSeconds: 1,
      sinkRetryDelaysMs: [5],
      sink: async (m) => {
        attempts.push(m.externalId);
        try {
          if (down) throw new InboundUnavailableError();
          received.push(m.externalId);
        } finally {
          sinkCalled.emit("call");
        }
      },
    });
    api.pendingUpdates.push([textUpdate(9601, 555002, "satu"), textUpdate(9602, 555002, "dua")]);
    await telegram.start?.();
    // Far more tries than the retry list: an unavailable database is waited out, not given up.
    await untilSink(() => attempts.length >= 20);
    expect(new Set(attempts)).toEqual(new Set(["msg:555002:9601"]));
    expect(api.callsTo("getUpdates")).toHaveLength(1);
    down = false;
    await untilSink(() => received.length >= 2);
    await telegram.stop?.();
    expect(received).toEqual(["msg:555002:9601", "msg:555002:9602"]);
    expect(api.callsTo("getUpdates").at(-1)?.payload).toMatchObject({ offset: 9603 });
  });

  it("stopping meanwhile does not confirm it with Telegram", async () => {
    const telegram = createTelegramAdapter({
      token: TEST_TOKEN,
      apiRoot,
      mode: "polling",
      log,
      pollTimeoutSeconds: 1,
      sinkRetryDelaysMs: [5],
      sink: async () => {
        throw new InboundUnavailableError();
      },
    });
    api.pendingUpdates.push([textUpdate(9701, 555003, "halo")]);
    await telegram.start?.();
    await api.waitFor("getUpdates", 1);
    await telegram.stop?.();
    for (const call of api.callsTo("getUpdates")) expect(Number(call.payload.offset ?? 0)).toBeLessThanOrEqual(9701);
  });
});

describe.skipIf(!onPostgres)("two instances (PostgreSQL lock)", () => {
  const url = process.env.DATABASE_URL as string;
  // A key of this test run's own: other test files on the same server never contend for it.
  const key = 0x7e000000 + (process.pid % 0xffff);

  it("only the lock holder polls; when it stops, the other takes over and answers", async () => {
    const second = new BotApiStandIn(); // what the standby would see, kept apart to count its calls
    const secondRoot = await second.listen();
    const received: string[] = [];
    const make = (root: string) =>
      createTelegramAdapter({
        token: TEST_TOKEN,
        apiRoot: root,
        mode: "polling",
        log,
        pollTimeoutSeconds: 1,
        lockRetryMs: 20,
        pollingLock: createOwnerLock(url, key, "balanting-telegram-poller-test"),
        sink: async (m) => void received.push(m.externalId),
      });
    const a = make(apiRoot);
    const b = make(secondRoot);
    try {
      await a.start?.();
      await api.waitFor("getUpdates", 1);
      await b.start?.();
      await api.waitFor("getUpdates", api.callsTo("getUpdates").length + 5);
      expect(second.callsTo("getUpdates")).toHaveLength(0);
      expect(b.health?.()).toMatchObject({ ok: true, reason: expect.stringMatching(/standby/) });

      await a.stop?.(); // the holder goes away
      second.pendingUpdates.push([textUpdate(9801, 555004, "halo")]);
      while (received.length === 0) await second.waitFor("getUpdates", second.callsTo("getUpdates").length + 1);
      expect(received).toEqual(["msg:555004:9801"]);
      expect(b.health?.()).toMatchObject({ ok: true });
    } finally {
      await a.stop?.();
      await b.stop?.();
      await second.close();
    }
  });

  it("a holder whose lock connection was killed stops polling until it holds the lock again", async () => {
    const lock = createOwnerLock(url, key + 1, "balanting-telegram-poller-kill");
    const a = createTelegramAdapter({
      token: TEST_TOKEN,
      apiRoot,
      mode: "polling",
      log,
      pollTimeoutSeconds: 1,
      lockRetryMs: 20,
      pollingLock: lock,
      sink: async () => {},
    });
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await a.start?.();
      await api.waitFor("getUpdates", 1);
      expect(await lock.isHeld()).toBe(true);
      // What a crash of the instance looks like to PostgreSQL: its session ends, the lock is free.
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'balanting-telegram-poller-kill'`;
      const other = createOwnerLock(url, key + 1, "balanting-telegram-poller-other");
      // Another instance takes the freed lock before this one tries it again.
      expect(await other.tryAcquire()).toBe(true);
      await vi.waitFor(() => expect(a.health?.().reason).toMatch(/standby/), { timeout: 90_000, interval: 5 });
      const polls = api.callsTo("getUpdates").length;
      await other.release(); // and goes away: this one polls again
      await api.waitFor("getUpdates", polls + 1);
      expect(await lock.isHeld()).toBe(true);
    } finally {
      await a.stop?.();
      await admin.end();
    }
  });
});
