// One linked WhatsApp device may have one open socket: a second one makes WhatsApp close the first
// (connectionReplaced), and two instances would then take turns forever. With PostgreSQL, the
// instance holding a session-level advisory lock owns the socket; the lock lives on a dedicated
// connection, so it is released by WhatsApp's owner stopping or dying (the server drops it).
import type { Sql } from "postgres";

/** Advisory lock key ("BWA1" in ASCII); below 2^32, so pg_locks shows it as classid 0, objid KEY. */
export const WHATSAPP_LOCK_KEY = 0x42_57_41_31;

export interface OwnerLock {
  /** Takes the lock if free; true when this process holds it (again or already). */
  tryAcquire(): Promise<boolean>;
  /** Whether the lock is still held: false after the connection dropped (the server released it). */
  isHeld(): Promise<boolean>;
  /** Releases the lock and closes its connection. */
  release(): Promise<void>;
}

/** A lock over its own single connection to `url` (also Telegram polling's: one poller per bot). */
export function createOwnerLock(url: string, key: number = WHATSAPP_LOCK_KEY, name = "balanting-whatsapp-owner"): OwnerLock {
  let client: Sql | null = null;
  const connect = async (): Promise<Sql> => {
    // Loaded when a lock is first taken (PostgreSQL only): importing the driver registers its
    // module load hook, after which every module Node loads goes through the loader thread; the
    // embedded default never needs it, and its start is faster without it.
    const { default: postgres } = await import("../../db/postgres.js");
    return (client ??= postgres(url, {
      max: 1,
      // Never recycle the connection: a new connection would silently not hold the lock.
      idle_timeout: 0,
      max_lifetime: null,
      onnotice: () => {},
      connection: { application_name: name },
    }));
  };

  const isHeld = async (): Promise<boolean> => {
    if (!client) return false;
    try {
      const rows = await client<{ held: boolean }[]>`
        select exists (
          select 1 from pg_locks
          where locktype = 'advisory' and classid = 0 and objid::bigint = ${key}::bigint and objsubid = 1
            and pid = pg_backend_pid() and granted
        ) as held`;
      return rows[0]?.held === true;
    } catch {
      return false;
    }
  };

  return {
    async tryAcquire() {
      if (await isHeld()) return true;
      const rows = await (await connect())<{ locked: boolean }[]>`select pg_try_advisory_lock(${key}::bigint) as locked`;
      return rows[0]?.locked === true;
    },
    isHeld,
    async release() {
      const c = client;
      client = null;
      if (!c) return;
      // Closing the session releases the lock even if the unlock fails.
      await c`select pg_advisory_unlock(${key}::bigint)`.catch(() => {});
      await c.end({ timeout: 5 });
    },
  };
}
