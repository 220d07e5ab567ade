// Linking the service's number to the adapter: when WhatsApp offers a QR, either a pairing code is
// asked for the configured number (once per socket), or the QR is drawn on the terminal.
import type { WAMessageKey, proto } from "@whiskeysockets/baileys";
import { and, eq } from "drizzle-orm";
import QRCode from "qrcode";
import type { DbOrTx } from "../../db/client.js";
import type { Logger } from "../../lib/log.js";
import { outbox } from "../channels.sql.js";
import { formatOutbound } from "./map.js";

export interface PairingOffer {
  /** WHATSAPP_PHONE: pair by code for this number instead of scanning a QR. */
  phone: string | undefined;
  /** Whether the stored credentials are registered already (then a QR, never a code). */
  registered: boolean;
  /** Per socket: whether a pairing code was asked for already. */
  pairing: { requested: boolean };
  requestPairingCode: (phone: string) => Promise<string>;
  printQr: (drawing: string) => void;
  log: Logger;
}

/** WhatsApp offered a QR (not linked yet): a pairing code for the configured number, or the QR on the terminal. */
export function offerPairing(qr: string, o: PairingOffer): void {
  if (o.phone && !o.registered) {
    if (o.pairing.requested) return;
    o.pairing.requested = true;
    o.requestPairingCode(o.phone).then(
      // The code is useless without the phone in hand; the number itself is never logged.
      (code) =>
        o.log.warn({ pairingCode: code }, "WhatsApp pairing code: on the phone open Linked devices → Link with phone number, and enter it"),
      (err: unknown) => o.log.error({ err }, "requesting a WhatsApp pairing code failed"),
    );
    return;
  }
  QRCode.toString(qr, { type: "terminal", small: true }).then(
    (drawing) => {
      o.printQr(drawing);
      o.log.warn("WhatsApp is not linked: scan the QR code above (or GET /admin/whatsapp/qr) in Linked devices");
    },
    (err: unknown) => o.log.error({ err }, "drawing the WhatsApp QR code failed"),
  );
}

/**
 * A message this account sent, for Baileys to encrypt again when a recipient's phone could not
 * decrypt it (otherwise the parent sees "waiting for this message"). Read from the outbox.
 */
export async function sentMessage(db: DbOrTx, key: WAMessageKey): Promise<proto.IMessage | undefined> {
  if (!key.id) return undefined;
  const [row] = await db
    .select({ message: outbox.message })
    .from(outbox)
    .where(and(eq(outbox.channel, "whatsapp"), eq(outbox.externalId, key.id)))
    .limit(1);
  return row ? { conversation: formatOutbound(row.message) } : undefined;
}
