// Meta signs every webhook POST with the app secret: X-Hub-Signature-256 = "sha256=" + hex
// HMAC-SHA256 of the raw body bytes (Meta, "Webhooks: validate payloads"). Comparisons are
// timing-safe so the secret and the verify token cannot be guessed byte by byte.
import { createHmac, timingSafeEqual } from "node:crypto";

/** The X-Hub-Signature-256 value Meta sends for this body. */
export function hubSignature(appSecret: string, rawBody: Buffer): string {
  return `sha256=${createHmac("sha256", appSecret).update(rawBody).digest("hex")}`;
}

/** Equal strings, in time that does not depend on where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  // timingSafeEqual needs equal lengths; the length of a signature is public anyway.
  return x.length === y.length && timingSafeEqual(x, y);
}

/** True when the header is the body's signature under the app secret. */
export function verifyHubSignature(appSecret: string, rawBody: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== "string" || !header.startsWith("sha256=")) return false;
  // Hex is case-insensitive; Meta sends lowercase.
  return safeEqual(hubSignature(appSecret, rawBody), header.toLowerCase());
}

/** The subscription handshake (GET): hub.mode=subscribe and our verify token → echo hub.challenge. */
export function verifySubscription(query: Record<string, unknown>, verifyToken: string): { ok: true; challenge: string } | { ok: false } {
  const mode = query["hub.mode"];
  const token = query["hub.verify_token"];
  const challenge = query["hub.challenge"];
  if (mode !== "subscribe" || typeof token !== "string" || typeof challenge !== "string") return { ok: false };
  return safeEqual(token, verifyToken) ? { ok: true, challenge } : { ok: false };
}
