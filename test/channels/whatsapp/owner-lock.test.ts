// Needs PostgreSQL (DATABASE_URL): with PGlite there is one process and no lock to take.
import postgres from "../../../src/db/postgres.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createWhatsAppAdapter } from "../../../src/channels/whatsapp/index.js";
import { createOwnerLock, WHATSAPP_LOCK_KEY } from "../../../src/channels/whatsapp/owner-lock.js";
import type { Runtime } from "../../../src/runtime.js";
import { createTestRuntime, onPostgres, type TestRuntime } from "../../helpers/runtime.js";
import { fakeFactory } from "./fake-socket.js";

const url = process.env.DATABASE_URL ?? "";
// A key of its own, so this test never meets a real instance's lock on a shared server.
const TEST_KEY = 0x7e57_0001 + (process.pid % 1000);

describe.skipIf(!onPostgres)("WhatsApp ownership lock (PostgreSQL)", () => {
  it("lets one holder at a time take the lock, and frees it on release", async () => {
    const a = createOwnerLock(url, TEST_KEY);
    const b = createOwnerLock(url, TEST_KEY);
    try {
      expect(await a.tryAcquire()).toBe(true);
      expect(await a.tryAcquire()).toBe(true); // taking it again is harmless
      expect(await a.isHeld()).toBe(true);
      expect(await b.tryAcquire()).toBe(false);
      expect(await b.isHeld()).toBe(false);
      await a.release();
      expect(await a.isHeld()).toBe(false);
      expect(await b.tryAcquire()).toBe(true);
    } finally {
      await a.release();
      await b.release();
    }
  });

  describe("two instances", () => {
    let base: TestRuntime;
    let rt: Runtime;
    beforeAll(async () => {
      base = await createTestRuntime();
      // The runtime as a production instance on PostgreSQL sees it.
      rt = { ...base, config: { ...base.config, database: "postgres", DATABASE_URL: url } };
    });
    afterAll(async () => {
      await base?.close();
    });

    it("only the lock holder opens a socket; the other takes over when it stops", async () => {
      const first = fakeFactory();
      const second = fakeFactory();
      const common = { rt, sink: async () => {}, sendIntervalMs: 0, jitterMs: () => 0, printQr: () => {}, lockRetryMs: 50 };
      const a = createWhatsAppAdapter({ ...common, socketFactory: first.factory });
      const b = createWhatsAppAdapter({ ...common, socketFactory: second.factory });
      try {
        await a.start();
        await b.start();
        expect(first.sockets).toHaveLength(1);
        expect(second.sockets).toHaveLength(0);
        expect(b.status()).toBe("waiting-for-lock");

        await a.stop();
        await vi.waitFor(() => expect(second.sockets).toHaveLength(1), { timeout: 90_000 });
        expect(first.sockets).toHaveLength(1);
      } finally {
        await a.stop();
        await b.stop();
      }
    });

    it("gives the socket up when the lock's connection drops, then takes the lock again", async () => {
      const fake = fakeFactory();
      const adapter = createWhatsAppAdapter({
        rt,
        sink: async () => {},
        sendIntervalMs: 0,
        printQr: () => {},
        lockRetryMs: 50,
        socketFactory: fake.factory,
      });
      const admin = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await adapter.start();
        expect(fake.sockets).toHaveLength(1);
        // Kill the session holding the lock, as a database restart or network cut would.
        await admin`select pg_terminate_backend(pid) from pg_locks
                    where locktype = 'advisory' and classid = 0 and objid::bigint = ${WHATSAPP_LOCK_KEY}::bigint`;
        await vi.waitFor(() => expect(fake.sockets).toHaveLength(2), { timeout: 90_000 });
        expect(fake.sockets[0]?.ended).toBe(true);
      } finally {
        await adapter.stop();
        await admin.end();
      }
    });
  });
});
