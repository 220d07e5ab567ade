// WhatsApp through a linked account (Baileys 7). The adapter only moves messages: Baileys events →
// InboundMessage → sink, and OutboundMessage → paced sendMessage. It also keeps the socket alive
// (reconnects per DisconnectReason), pairs (QR or pairing code) and, on PostgreSQL, makes sure
// only one instance holds the socket. WhatsApp's warnings about the number go to the safety
// keeper (safety-keeper.ts), which decides what is held back.
import {
  DisconnectReason,
  makeCacheableSignalKeyStore,
  makeWASocket,
  type BaileysEventMap,
  type SignalKeyStore,
  type UserFacingSocketConfig,
} from "@whiskeysockets/baileys";
import type { FastifyInstance } from "fastify";
import PQueue from "p-queue";
import type { Runtime } from "../../runtime.js";
import { SendError, type ChannelAdapter, type InboundSink, type OutboundMessage, type SendResult } from "../channel.js";
import { useDatabaseAuthState, type DatabaseAuthState } from "./auth-state.js";
import { disconnectAction, disconnectStatusCode, reconnectDelayMs } from "./connection.js";
import { formatOutbound } from "./map.js";
import { createInboundQueue } from "./inbound.js";
import { createOwnerLock, type OwnerLock } from "./owner-lock.js";
import { offerPairing, sentMessage } from "./pairing.js";
import type { FastifyRequest } from "fastify";
import { whatsAppQrRoutes } from "./routes.js";
import { createSafetyKeeper, type SafetyView } from "./safety-keeper.js";
import { accountOf } from "./safety-store.js";

export type { SafetyView } from "./safety-keeper.js";

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
  /** Asks WhatsApp for the reach-out time lock; Baileys emits the answer as connection.update. */
  fetchAccountReachoutTimelock?(): Promise<unknown>;
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
  /** WHATSAPP_SAFETY_PAUSE_MINUTES in ms: the pause after a warning with no end time (error 463). */
  safetyPauseMs?: number;
}

export type WhatsAppStatus = "stopped" | "waiting-for-lock" | "connecting" | "open" | "logged-out" | "replaced";

export interface WhatsAppAdapter extends ChannelAdapter {
  readonly name: "whatsapp";
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The QR string waiting to be scanned, or null. */
  currentQr(): string | null;
  status(): WhatsAppStatus;
  /** WhatsApp's restrictions on the linked number in force now (bulk and first contacts wait). */
  safety(): SafetyView;
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
  // WhatsApp's restrictions on the linked number (safety-keeper.ts), loaded before the socket opens.
  const safety = createSafetyKeeper({
    rt,
    log,
    pauseMs: options.safetyPauseMs ?? rt.config.WHATSAPP_SAFETY_PAUSE_MINUTES * 60_000,
    isRunning: () => running,
  });

  // One send at a time; each waits for the interval since the previous send, plus jitter.
  const sendQueue = new PQueue({ concurrency: 1 });
  let lastSendEndedAt = 0;

  const clearTimers = () => {
    if (reconnectTimer) clearTimeout(reconnectTimer);
    if (lockTimer) clearTimeout(lockTimer);
    reconnectTimer = lockTimer = null;
    safety.stop();
  };

  /** Asks WhatsApp for the time lock (the answer comes back as connection.update); best effort. */
  const askTimelock = (s: WhatsAppSocket) => {
    if (!s.fetchAccountReachoutTimelock) return;
    s.fetchAccountReachoutTimelock().catch((err: unknown) => log.warn({ err }, "asking WhatsApp for the reach-out time lock failed"));
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

  const onConnectionUpdate =
    (s: WhatsAppSocket, creds: DatabaseAuthState, pairing: { requested: boolean }) => (update: BaileysEventMap["connection.update"]) => {
      if (s !== socket) return;
      if (update.reachoutTimeLock) safety.onReachoutTimelock(update.reachoutTimeLock);
      if (update.isNewLogin) qr = null; // scanned: the QR is spent
      if (update.qr) {
        qr = update.qr;
        // WhatsApp answered, so the connection itself works: after the QRs run out (a timeout
        // close), the next round of QRs comes after the shortest wait.
        attempt = 0;
        offerPairing(update.qr, {
          phone,
          registered: Boolean(creds.state.creds.registered),
          pairing,
          requestPairingCode: (number) => s.requestPairingCode(number),
          printQr,
          log,
        });
      }
      if (update.connection === "open") {
        isOpen = true;
        qr = null;
        attempt = 0;
        status = "open";
        log.info("WhatsApp connected");
        // A new pairing may have linked another number: its own restrictions, then WhatsApp's word.
        const linked = accountOf(s.user?.id);
        void (linked !== safety.account() && s.user?.id ? safety.load(linked) : safety.settled()).then(() => {
          if (s === socket) askTimelock(s);
        });
      } else if (update.connection === "close") {
        void onClose(update.lastDisconnect?.error).catch((err: unknown) => log.error({ err }, "handling a WhatsApp disconnect failed"));
      }
    };

  async function connect(): Promise<void> {
    reconnectTimer = null;
    if (!running) return;
    status = "connecting";
    let creds: DatabaseAuthState;
    let s: WhatsAppSocket;
    try {
      creds = await useDatabaseAuthState(rt.db);
      if (!running) return;
      await safety.load(accountOf(creds.state.creds.me?.id));
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
        getMessage: (key) => sentMessage(rt.db, key),
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
    const onAcks = (updates: BaileysEventMap["messages.update"]) => safety.onMessagesUpdate(updates, () => askTimelock(s));
    const onCapping = (info: BaileysEventMap["message-capping.update"]) => safety.onCapping(info);
    s.ev.on("creds.update", onCreds);
    s.ev.on("connection.update", onUpdate);
    s.ev.on("messages.upsert", onUpsert);
    s.ev.on("messages.update", onAcks);
    s.ev.on("message-capping.update", onCapping);
    detach = () => {
      s.ev.off("creds.update", onCreds);
      s.ev.off("connection.update", onUpdate);
      s.ev.off("messages.upsert", onUpsert);
      s.ev.off("messages.update", onAcks);
      s.ev.off("message-capping.update", onCapping);
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
    holdUntil: (_address, context) => safety.holdUntil(context),
    safety: (): SafetyView => safety.view(),
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
      safety: () => safety.view(),
      adminToken: rt.config.ADMIN_BOOTSTRAP_TOKEN,
      isPokjaAdmin: options.isPokjaAdmin,
      adminExists: options.adminExists,
    }),
  };
}
