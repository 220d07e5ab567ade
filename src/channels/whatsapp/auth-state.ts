// Baileys' auth state (credentials and every Signal key) in the whatsapp_auth table instead of a
// folder of files (Baileys' useMultiFileAuthState is the model), so a linked WhatsApp survives
// restarts and container rebuilds. Rows: "creds", and "<type>:<id>" for each key.
import {
  BufferJSON,
  initAuthCreds,
  proto,
  type AuthenticationCreds,
  type AuthenticationState,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from "@whiskeysockets/baileys";
import { eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { whatsappAuth } from "../channels.sql.js";

const CREDS_KEY = "creds";

/** Row key of one Signal key; types never contain ":" so the prefix is unambiguous. */
export const authKey = (type: keyof SignalDataTypeMap, id: string): string => `${type}:${id}`;

// Buffers/Uint8Arrays become {type:"Buffer", data:<base64>} (Baileys' own convention), which
// jsonb stores as plain JSON; the reviver turns them back into Buffers on the way out. Every value
// sits in an envelope {v: …}: a bare JSON string such as a lid-mapping "123…" would otherwise be
// parsed twice on the way back by drizzle's jsonb mapping and come back as a number.
const toJson = (value: unknown): { v: unknown } => ({ v: JSON.parse(JSON.stringify(value, BufferJSON.replacer)) });
const fromJson = <T>(stored: unknown): T => JSON.parse(JSON.stringify((stored as { v: unknown }).v), BufferJSON.reviver) as T;

export interface DatabaseAuthState {
  /** Pass to makeWASocket as `auth` (wrap `keys` in makeCacheableSignalKeyStore). */
  state: AuthenticationState;
  /** Stores the current credentials; call on every `creds.update`. */
  saveCreds(): Promise<void>;
  /** Forgets the linked account (after a logout): the next start pairs anew. */
  clear(): Promise<void>;
}

/** Loads (or creates) the auth state kept in the database. */
export async function useDatabaseAuthState(db: Db): Promise<DatabaseAuthState> {
  const [row] = await db.select({ value: whatsappAuth.value }).from(whatsappAuth).where(eq(whatsappAuth.key, CREDS_KEY));
  const creds: AuthenticationCreds = row ? fromJson<AuthenticationCreds>(row.value) : initAuthCreds();

  const upsert = async (entries: { key: string; value: unknown }[]): Promise<void> => {
    if (entries.length === 0) return;
    await db
      .insert(whatsappAuth)
      .values(entries.map((e) => ({ key: e.key, value: toJson(e.value) })))
      .onConflictDoUpdate({ target: whatsappAuth.key, set: { value: sql`excluded.value`, updatedAt: sql`now()` } });
  };

  const keys: SignalKeyStore = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const found: { [id: string]: SignalDataTypeMap[T] } = {};
      if (ids.length === 0) return found;
      const byKey = new Map(ids.map((id) => [authKey(type, id), id]));
      const rows = await db
        .select({ key: whatsappAuth.key, value: whatsappAuth.value })
        .from(whatsappAuth)
        .where(inArray(whatsappAuth.key, [...byKey.keys()]));
      for (const r of rows) {
        const id = byKey.get(r.key);
        if (id === undefined) continue;
        let value = fromJson<SignalDataTypeMap[T]>(r.value);
        // Baileys expects this one as its protobuf class, not a plain object (as in its file store).
        if (type === "app-state-sync-key") {
          value = proto.Message.AppStateSyncKeyData.fromObject(value as object) as unknown as SignalDataTypeMap[T];
        }
        found[id] = value;
      }
      return found;
    },

    async set(data: SignalDataSet) {
      const writes: { key: string; value: unknown }[] = [];
      const deletes: string[] = [];
      for (const type of Object.keys(data) as (keyof SignalDataTypeMap)[]) {
        for (const [id, value] of Object.entries(data[type] ?? {})) {
          // null (or undefined) means "delete this key" in Baileys' store contract.
          if (value === null || value === undefined) deletes.push(authKey(type, id));
          else writes.push({ key: authKey(type, id), value });
        }
      }
      if (writes.length === 0 && deletes.length === 0) return;
      // The last write for a key wins within one call; Postgres refuses two rows for one key.
      const lastByKey = new Map(writes.map((w) => [w.key, w]));
      await db.transaction(async (tx) => {
        if (deletes.length > 0) await tx.delete(whatsappAuth).where(inArray(whatsappAuth.key, deletes));
        const entries = [...lastByKey.values()];
        if (entries.length > 0) {
          await tx
            .insert(whatsappAuth)
            .values(entries.map((e) => ({ key: e.key, value: toJson(e.value) })))
            .onConflictDoUpdate({ target: whatsappAuth.key, set: { value: sql`excluded.value`, updatedAt: sql`now()` } });
        }
      });
    },

    async clear() {
      await db.delete(whatsappAuth).where(sql`${whatsappAuth.key} <> ${CREDS_KEY}`);
    },
  };

  return {
    state: { creds, keys },
    saveCreds: () => upsert([{ key: CREDS_KEY, value: creds }]),
    clear: async () => {
      await db.delete(whatsappAuth);
    },
  };
}
