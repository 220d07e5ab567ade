// NIK at rest: sealed with AES-256-GCM (a random IV per value), so a copy of the database or of a
// backup does not reveal children's NIK without the key, which lives outside the database
// (NIK_KEY, or a key file beside the data). Equality search (CARI by NIK, matching on import) uses
// a keyed HMAC of the NIK, never the NIK itself. UU PDP No. 27/2022 art. 35: the controller
// protects personal data with technical measures, encryption named among them.
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, hkdfSync, randomBytes } from "node:crypto";
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

const PREFIX = "v1:";

export interface NikVault {
  /** The stored form of a NIK: the sealed value and its search hash (both null for no NIK). */
  seal(nik: string | null): { nik: string | null; nikHash: string | null };
  /** The NIK of a stored value; a value stored before sealing existed is returned as it is. */
  open(stored: string | null): string | null;
  /** The search hash of a NIK typed by someone. */
  hashOf(nik: string): string;
}

/** A vault over a 32-byte master key; separate keys for sealing and hashing are derived from it. */
export function nikVault(master: Buffer): NikVault {
  if (master.length !== 32) throw new Error("the NIK key must be 32 bytes");
  const derive = (info: string) => Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), info, 32));
  // Key objects made once: a raw key would be imported again for every NIK sealed or opened (an
  // export opens one per row).
  const sealKey = createSecretKey(derive("balanting nik seal v1"));
  const hashKey = createSecretKey(derive("balanting nik hash v1"));
  const hashOf = (nik: string) => createHmac("sha256", hashKey).update(nik).digest("base64url");
  return {
    hashOf,
    seal(nik) {
      if (!nik) return { nik: null, nikHash: null };
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", sealKey, iv);
      const body = Buffer.concat([cipher.update(nik, "utf8"), cipher.final()]);
      return { nik: PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url"), nikHash: hashOf(nik) };
    },
    open(stored) {
      if (!stored) return null;
      if (!stored.startsWith(PREFIX)) return stored;
      const raw = Buffer.from(stored.slice(PREFIX.length), "base64url");
      const decipher = createDecipheriv("aes-256-gcm", sealKey, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
    },
  };
}

export const isSealed = (stored: string | null) => Boolean(stored?.startsWith(PREFIX));

/** "6311************0001": enough for staff to tell two children apart, never the whole NIK. */
export const maskNik = (nik: string | null) => (nik && nik.length === 16 ? `${nik.slice(0, 4)}${"*".repeat(8)}${nik.slice(12)}` : null);

/**
 * The master key: NIK_KEY (64 hex characters or base64 of 32 bytes) when set, else a key file
 * made on first use with owner-only permissions (NIK_KEY_FILE). Losing the key makes stored NIK
 * unreadable: README says to back it up apart from the database.
 */
export function loadNikKey(config: { NIK_KEY?: string; NIK_KEY_FILE: string }): { key: Buffer; source: "env" | "file" | "new-file" } {
  if (config.NIK_KEY) {
    const text = config.NIK_KEY.trim();
    const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, "hex") : Buffer.from(text, "base64");
    if (key.length !== 32) throw new Error("NIK_KEY must be 32 bytes: 64 hex characters or base64");
    return { key, source: "env" };
  }
  const file = resolve(config.NIK_KEY_FILE);
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, "utf8").trim(), "hex");
    if (key.length !== 32) throw new Error(`${file} does not hold a 64-character hex key`);
    return { key, source: "file" };
  }
  mkdirSync(dirname(file), { recursive: true });
  // Written whole to a private file first, then linked into place: link fails if another process
  // made the key meanwhile, and nobody ever reads a half-written key.
  const key = randomBytes(32);
  const draft = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(draft, `${key.toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(draft, 0o600);
  try {
    linkSync(draft, file);
    return { key, source: "new-file" };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return loadNikKey(config);
  } finally {
    unlinkSync(draft);
  }
}
