// WhatsApp through a linked account (Baileys 7). The adapter only moves messages: Baileys events →
// InboundMessage → sink, and OutboundMessage → paced sendMessage. It also keeps the socket alive
// (reconnects per DisconnectReason), pairs (QR or pairing code) and, on PostgreSQL, makes sure
// only one instance holds the socket.
import {
  DisconnectReason,
  makeCacheableSignalKeyStore,
  makeWASocket,
  type BaileysEventMap,
  type SignalKeyStore,
  type UserFacingSocketConfig,
  type WAMessageKey,
  type proto,
} from "@whiskeysockets/baileys";
import { and, eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import PQueue from "p-queue";
import QRCode from "qrcode";
import type { Runtime } from "../../runtime.js";
import { SendError, type ChannelAdapter, type InboundSink, type OutboundMessage, type SendResult } from "../channel.js";
import { outbox } from "../channels.sql.js";
import { useDatabaseAuthState, type DatabaseAuthState } from "./auth-state.js";
import { disconnectAction, disconnectStatusCode, reconnectDelayMs } from "./connection.js";
import { formatOutbound } from "./map.js";
import { createInboundQueue } from "./inbound.js";
import { createOwnerLock, type OwnerLock } from "./owner-lock.js";
import type { FastifyRequest } from "fastify";
import { whatsAppQrRoutes } from "./routes.js";


type Listener<K extends keyof BaileysEventMap> = (arg: BaileysEventMap[K]) => void;

/** The part of Baileys' socket the adapter uses; tests pass an EventEmitter-based fake. */
export interface WhatsAppSocket {
  ev: {
    on<K extends keyof BaileysEventMap>(event: K, listener: Listener<K>): void;
    off<K extends keyof BaileysEventMap>(event: K, listener: Listener<K>): void;
  };
  sendMessage(jid: string, content: { text: string }): Promise<{ key: { id?: string | null } } | undefined>;
  end(error: Error | undefined): unknown;
  logout(msg?: string): Promise<void>;
  requestPairingCode(phoneNumber: string): Promise<string>;
  user?: { id: string } | undefined;
}

export type WhatsAppSocketFactory = (config: UserFacingSocketConfig) => WhatsAppSocket;

export interface WhatsAppAdapterOptions {
  rt: Runtime;
  sink: InboundSink;
  /** WHATSAPP_PHONE: pair by code for this number instead of scanning a QR. */
  phone?: string;
  /** WHATSAPP_SEND_INTERVAL_MS: the least time between two sent messages. */
  sendIntervalMs: number;
  /** Baileys' makeWASocket by default. */
  socketFactory?: WhatsAppSocketFactory;
  /** Extra random wait before each send, in ms; 0–1000 by default. */
  jitterMs?: () => number;
  /** Where the terminal QR drawing goes; stdout by default (not the JSON log). */
  printQr?: (drawing: string) => void;
  /** How often a waiting instance tries the ownership lock, and the owner re-checks it; 10 s (takeover after a crash within ~10 s). */
  lockRetryMs?: number;
  /** Wait before the n-th reconnect after a lost connection; reconnectDelayMs (1 s … 60 s). */
  reconnectDelay?: (attempt: number) => number;
  /** Who may fetch the pairing QR over HTTP besides the bootstrap token (a Pokja admin). */
  isPokjaAdmin?: (request: FastifyRequest) => Promise<boolean>;
  /** True once a pokja_admin account exists (the bootstrap token then no longer opens the QR). */
  adminExists?: () => Promise<boolean>;
}

export type WhatsAppStatus = "stopped" | "waiting-for-lock" | "connecting" | "open" | "logged-out" | "replaced";

export interface WhatsAppAdapter extends ChannelAdapter {
  readonly name: "whatsapp";
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The QR string waiting to be scanned, or null. */
  currentQr(): string | null;
  status(): WhatsAppStatus;
  /** Fastify plugin with GET /admin/whatsapp/qr. */
  routes: (app: FastifyInstance) => Promise<void>;
}

/** Random pause added to each send: a steady machine rhythm is one of the things WhatsApp flags. */
const defaultJitter = (): number => Math.random() * 1000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createWhatsAppAdapter(options: WhatsAppAdapterOptions): WhatsAppAdapter {
  const { rt, sink, phone } = options;
  const log = rt.log.child({ channel: "whatsapp" });
  // Baileys logs JIDs and message details below error level; keep it to errors (UU PDP).
  const baileysLog = rt.log.child({ channel: "whatsapp", lib: "baileys" }, { level: rt.log.levelVal > 50 ? rt.log.level : "error" });
  const socketFactory: WhatsAppSocketFactory = options.socketFactory ?? ((config) => makeWASocket(config));
  const jitter = options.jitterMs ?? defaultJitter;
  const printQr = options.printQr ?? ((drawing: string) => void process.stdout.write(`${drawing}\n`));
  const lockRetryMs = options.lockRetryMs ?? 10_000;
  const reconnectDelay = options.reconnectDelay ?? reconnectDelayMs;
  const lock: OwnerLock | null =
    rt.config.database === "postgres" && rt.config.DATABASE_URL ? createOwnerLock(rt.config.DATABASE_URL) : null;

  let status: WhatsAppStatus = "stopped";
  let running = false;
  let socket: WhatsAppSocket | null = null;
  let detach: (() => void) | null = null;
  let auth: DatabaseAuthState | null = null;
  // One cache over the key store per run, reused across reconnects (each cache holds a timer).
  let cachedKeys: SignalKeyStore | null = null;
  let isOpen = false;
  let qr: string | null = null;
  let attempt = 0;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let lockTimer: NodeJS.Timeout | null = null;

  // One send at a time; each waits for the interval since the previous send, plus jitter.
  const sendQueue = new PQueue({ concurrency: 1 });
  let lastSendEndedAt = 0;

  const clearTimers = () => {
    if (reconnectTimer) clearTimeout(reconnectTimer);
    if (lockTimer) clearTimeout(lockTimer);
    reconnectTimer = lockTimer = null;
  };

  const closeSocket = () => {
    detach?.();
    detach = null;
    const s = socket;
    socket = null;
    isOpen = false;
    qr = null;
    if (!s) return;
    try {
      void Promise.resolve(s.end(undefined)).catch(() => {});
    } catch {
      // already closed
    }
  };

  // Inbound messages in order per chat; a database outage is waited out (inbound.ts).
  const inbound = createInboundQueue({ sink, log, clock: rt.clock, isRunning: () => running });
  const onUpsert = inbound.onUpsert;

  const scheduleReconnect = (statusCode?: number) => {
    status = "connecting";
    const delay = reconnectDelay(attempt++);
    log.warn({ statusCode, delayMs: delay, attempt }, "WhatsApp connection lost; reconnecting");
    reconnectTimer = setTimeout(() => void connect(), delay);
  };

  /** Stops for good after a logout or a takeover; a restart (or new pairing) is needed. */
  const halt = async (final: WhatsAppStatus) => {
    running = false;
    clearTimers();
    closeSocket();
    cachedKeys = null;
    status = final;
    await lock?.release().catch(() => {});
  };

  const onClose = async (error: unknown) => {
    closeSocket();
    if (!running) return;
    const statusCode = disconnectStatusCode(error);
    switch (disconnectAction(statusCode)) {
      case "reconnect-now":
        log.info({ statusCode }, "WhatsApp asked for a restart (normal after pairing); reconnecting");
        await connect();
        return;
      case "reconnect-later":
        scheduleReconnect(statusCode);
        return;
      case "logged-out": {
        const creds = auth;
        await halt("logged-out");
        await creds?.clear().catch((err: unknown) => log.error({ err }, "could not clear the WhatsApp credentials"));
        log.error(
          { statusCode, alert: "whatsapp_logged_out" },
          "WhatsApp unlinked this device (logged out or refused). Credentials cleared: restart the service and pair again (QR or pairing code).",
        );
        return;
      }
      case "replaced":
        await halt("replaced");
        log.error(
          { statusCode, alert: "whatsapp_replaced" },
          "Another client took over this WhatsApp link (connection replaced); this instance stopped WhatsApp.",
        );
        return;
    }
  };

  const onConnectionUpdate = (s: WhatsAppSocket, creds: DatabaseAuthState, pairing: { requested: boolean }) =>
    (update: BaileysEventMap["connection.update"]) => {
      if (s !== socket) return;
      if (update.isNewLogin) qr = null; // scanned: the QR is spent
      if (update.qr) {
        qr = update.qr;
        // WhatsApp answered, so the connection itself works: after the QRs run out (a timeout
        // close), the next round of QRs comes after the shortest wait.
        attempt = 0;
        if (phone && !creds.state.creds.registered) {
          if (!pairing.requested) {
            pairing.requested = true;
            s.requestPairingCode(phone).then(
              // The code is useless without the phone in hand; the number itself is never logged.
              (code) => log.warn({ pairingCode: code }, "WhatsApp pairing code: on the phone open Linked devices → Link with phone number, and enter it"),
              (err: unknown) => log.error({ err }, "requesting a WhatsApp pairing code failed"),
            );
          }
        } else {
          QRCode.toString(update.qr, { type: "terminal", small: true }).then(
            (drawing) => {
              printQr(drawing);
              log.warn("WhatsApp is not linked: scan the QR code above (or GET /admin/whatsapp/qr) in Linked devices");
            },
            (err: unknown) => log.error({ err }, "drawing the WhatsApp QR code failed"),
          );
        }
      }
      if (update.connection === "open") {
        isOpen = true;
        qr = null;
        attempt = 0;
        status = "open";
        log.info("WhatsApp connected");
      } else if (update.connection === "close") {
        void onClose(update.lastDisconnect?.error).catch((err: unknown) => log.error({ err }, "handling a WhatsApp disconnect failed"));
      }
    };

  /**
   * A message this account sent, for Baileys to encrypt again when a recipient's phone could not
   * decrypt it (otherwise the parent sees "waiting for this message"). Read from the outbox.
   */
  async function sentMessage(key: WAMessageKey): Promise<proto.IMessage | undefined> {
    if (!key.id) return undefined;
    const [row] = await rt.db
      .select({ message: outbox.message })
      .from(outbox)
      .where(and(eq(outbox.channel, "whatsapp"), eq(outbox.externalId, key.id)))
      .limit(1);
    return row ? { conversation: formatOutbound(row.message) } : undefined;
  }

  async function connect(): Promise<void> {
    reconnectTimer = null;
    if (!running) return;
    status = "connecting";
    let creds: DatabaseAuthState;
    let s: WhatsAppSocket;
    try {
      creds = await useDatabaseAuthState(rt.db);
      if (!running) return;
      cachedKeys ??= makeCacheableSignalKeyStore(creds.state.keys, baileysLog);
      s = socketFactory({
        auth: { creds: creds.state.creds, keys: cachedKeys },
        logger: baileysLog,
        // A health bot answers what comes in now; old chats are neither needed nor ours to copy.
        syncFullHistory: false,
        shouldSyncHistoryMessage: () => false,
        // Stay "offline" so the phone still gets notifications for people a kader answers by hand.
        markOnlineOnConnect: false,
        getMessage: sentMessage,
      });
    } catch (err) {
      log.error({ err }, "opening the WhatsApp socket failed");
      scheduleReconnect();
      return;
    }
    auth = creds;
    socket = s;
    isOpen = false;
    const pairing = { requested: false };
    const onCreds = () => void creds.saveCreds().catch((err: unknown) => log.error({ err }, "saving WhatsApp credentials failed"));
    const onUpdate = onConnectionUpdate(s, creds, pairing);
    s.ev.on("creds.update", onCreds);
    s.ev.on("connection.update", onUpdate);
    s.ev.on("messages.upsert", onUpsert);
    detach = () => {
      s.ev.off("creds.update", onCreds);
      s.ev.off("connection.update", onUpdate);
      s.ev.off("messages.upsert", onUpsert);
    };
  }

  /** Takes the ownership lock (PostgreSQL) and connects; otherwise tries again later. */
  async function own(): Promise<void> {
    lockTimer = null;
    if (!running) return;
    if (!lock) return connect();
    let held = false;
    try {
      held = await lock.tryAcquire();
    } catch (err) {
      log.warn({ err }, "could not reach PostgreSQL for the WhatsApp lock; retrying");
    }
    if (!running) return;
    if (!held) {
      status = "waiting-for-lock";
      log.info({ retryMs: lockRetryMs }, "another instance holds WhatsApp; standing by");
      lockTimer = setTimeout(() => void own(), lockRetryMs);
      return;
    }
    if (!socket && !reconnectTimer) await connect();
    lockTimer = setTimeout(() => void watchLock(), lockRetryMs);
  }

  /** While owning: if the lock's connection dropped, the lock is gone, so give up the socket. */
  async function watchLock(): Promise<void> {
    lockTimer = null;
    if (!running || !lock) return;
    if (await lock.isHeld()) {
      lockTimer = setTimeout(() => void watchLock(), lockRetryMs);
      return;
    }
    log.warn("lost the WhatsApp ownership lock; closing the socket until it is taken again");
    if (reconnectTimer) clearTimeout(reconnectTimer);
    reconnectTimer = null;
    closeSocket();
    await own();
  }

  async function send(address: string, message: OutboundMessage): Promise<SendResult> {
    const text = formatOutbound(message);
    const notConnected = () => new SendError("WhatsApp is not connected", true);
    return sendQueue.add(async () => {
      // Fail fast while disconnected: a backlog must not sit through the pacing only to fail.
      if (!socket || !isOpen) throw notConnected();
      const wait = Math.max(0, lastSendEndedAt + options.sendIntervalMs - Date.now()) + Math.max(0, jitter());
      if (wait > 0) await sleep(wait);
      const s = socket;
      if (!s || !isOpen) throw notConnected();
      try {
        const sent = await s.sendMessage(address, { text });
        const id = sent?.key.id;
        return id ? { externalId: id } : {};
      } catch (err) {
        const closed = disconnectStatusCode(err) === DisconnectReason.connectionClosed;
        throw new SendError(closed ? "WhatsApp connection closed" : "WhatsApp refused the message", closed);
      } finally {
        lastSendEndedAt = Date.now();
      }
    });
  }

  return {
    name: "whatsapp",
    send: (address, message) => send(address, message),
    canSend: () => Boolean(socket && isOpen),
    async start() {
      if (running) return;
      running = true;
      attempt = 0;
      await own();
    },
    async stop() {
      if (!running && !socket) return;
      running = false; // no new inbound turns; replies of turns in flight still go out
      clearTimers();
      await inbound.drain();
      await sendQueue.onIdle();
      closeSocket();
      cachedKeys = null;
      status = "stopped";
      await lock?.release().catch(() => {});
    },
    currentQr: () => qr,
    status: () => status,
    routes: whatsAppQrRoutes({
      currentQr: () => qr,
      status: () => status,
      adminToken: rt.config.ADMIN_BOOTSTRAP_TOKEN,
      isPokjaAdmin: options.isPokjaAdmin,
      adminExists: options.adminExists,
    }),
  };
}
