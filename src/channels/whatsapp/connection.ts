// What to do when WhatsApp closes the socket, and how long to wait before trying again.
import { DisconnectReason } from "@whiskeysockets/baileys";

export type DisconnectAction =
  /** The normal step after pairing (515): open a new socket with the fresh credentials now. */
  | "reconnect-now"
  /** A network or server hiccup: try again later, waiting longer each time. */
  | "reconnect-later"
  /** The phone unlinked this device or WhatsApp refused it: forget the credentials, pair again. */
  | "logged-out"
  /** Another client took over this linked device: it owns the account, so this one stops. */
  | "replaced";

/** The action for a close, from the status code on Baileys' Boom error (DisconnectReason). */
export function disconnectAction(statusCode: number | undefined): DisconnectAction {
  switch (statusCode) {
    case DisconnectReason.restartRequired:
      return "reconnect-now";
    case DisconnectReason.loggedOut:
    case DisconnectReason.forbidden:
      return "logged-out";
    case DisconnectReason.connectionReplaced:
      return "replaced";
    default:
      return "reconnect-later";
  }
}

/** Status code carried by the error of a `connection.update` close (a Boom), if any. */
export function disconnectStatusCode(error: unknown): number | undefined {
  if (!error || typeof error !== "object") return undefined;
  const output = (error as { output?: { statusCode?: unknown } }).output;
  return typeof output?.statusCode === "number" ? output.statusCode : undefined;
}

export const RECONNECT_BASE_MS = 1_000;
/** Waiting more than a minute only delays replies; WhatsApp does not punish reconnecting. */
export const RECONNECT_CAP_MS = 60_000;

/** Exponential backoff for the n-th consecutive failed attempt (0-based): 1 s, 2 s, 4 s … 60 s. */
export function reconnectDelayMs(attempt: number): number {
  const n = Math.max(0, Math.floor(attempt));
  return Math.min(RECONNECT_CAP_MS, RECONNECT_BASE_MS * 2 ** Math.min(n, 16));
}
