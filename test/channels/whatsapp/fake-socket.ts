// A stand-in for Baileys' socket: a real EventEmitter as `ev`, and sends recorded in memory.
// The adapter is the code under test; only the WhatsApp side is replaced.
import { EventEmitter } from "node:events";
import {
  ACCOUNT_RESTRICTED_TEXT,
  ReachoutTimelockEnforcementType,
  SERVER_ERROR_CODES,
  WAMessageStatus,
  type NewChatMessageCapInfo,
  type ReachoutTimelockState,
  type UserFacingSocketConfig,
  type WAMessage,
} from "@whiskeysockets/baileys";
import type { WhatsAppSocket } from "../../../src/channels/whatsapp/adapter.js";

export class FakeSocket implements WhatsAppSocket {
  readonly ev = new EventEmitter();
  readonly sent: { jid: string; text: string; at: number }[] = [];
  ended = false;
  loggedOut = false;
  pairingRequests: string[] = [];
  /** Thrown by the next sendMessage, when set. */
  failNextSend: Error | null = null;
  user?: { id: string };
  /** What fetchAccountReachoutTimelock answers (WhatsApp's side); no lock by default. */
  timelock: ReachoutTimelockState = { isActive: false, enforcementType: ReachoutTimelockEnforcementType.DEFAULT };
  timelockQueries = 0;
  private nextId = 1;

  constructor(readonly config: UserFacingSocketConfig) {}

  async sendMessage(jid: string, content: { text: string }) {
    if (this.failNextSend) {
      const err = this.failNextSend;
      this.failNextSend = null;
      throw err;
    }
    this.sent.push({ jid, text: content.text, at: Date.now() });
    return { key: { id: `OUT${this.nextId++}` } };
  }
  end(): void {
    this.ended = true;
  }
  async logout(): Promise<void> {
    this.loggedOut = true;
  }
  async requestPairingCode(phoneNumber: string): Promise<string> {
    this.pairingRequests.push(phoneNumber);
    return "ABCD1234";
  }

  /** As Baileys' socket.js: queries WhatsApp and emits the answer as connection.update. */
  async fetchAccountReachoutTimelock(): Promise<ReachoutTimelockState> {
    this.timelockQueries++;
    this.ev.emit("connection.update", { reachoutTimeLock: this.timelock });
    return this.timelock;
  }

  /**
   * WhatsApp's push notification xwa2_notify_account_reachout_timelock, turned into an event as
   * Baileys' messages-recv.js handleReachoutTimelockNotification does (seconds since the epoch;
   * an active lock without an end gets now + 60 s; lifted → isActive false, type DEFAULT).
   */
  timelockNotification(payload: { is_active: boolean; time_enforcement_ends?: string; enforcement_type?: string }): void {
    if (!payload.is_active) {
      this.ev.emit("connection.update", {
        reachoutTimeLock: { isActive: false, enforcementType: ReachoutTimelockEnforcementType.DEFAULT },
      });
      return;
    }
    const timeEnforcementEnds = payload.time_enforcement_ends
      ? new Date(parseInt(payload.time_enforcement_ends, 10) * 1000)
      : new Date(Date.now() + 60000);
    const known = Object.values(ReachoutTimelockEnforcementType) as string[];
    const enforcementType = (
      known.includes(payload.enforcement_type ?? "") ? payload.enforcement_type : ReachoutTimelockEnforcementType.DEFAULT
    ) as ReachoutTimelockEnforcementType;
    this.ev.emit("connection.update", { reachoutTimeLock: { isActive: true, timeEnforcementEnds, enforcementType } });
  }

  /** xwa2_notify_new_chat_messages_capping_info_update: Baileys emits the payload as it came. */
  cappingNotification(info: NewChatMessageCapInfo): void {
    this.ev.emit("message-capping.update", info);
  }

  /** A server ack with an error for a message we sent, as messages-recv.js handleAck emits it. */
  ackError(id: string, to: string, error: string): void {
    const timelocked = error === String(SERVER_ERROR_CODES.MessageAccountRestriction);
    this.ev.emit("messages.update", [
      {
        key: { remoteJid: to, fromMe: true, id },
        update: { status: WAMessageStatus.ERROR, messageStubParameters: timelocked ? [error, ACCOUNT_RESTRICTED_TEXT] : [error] },
      },
    ]);
  }

  open(): void {
    this.ev.emit("connection.update", { connection: "open" });
  }
  /** A close carrying a Boom-like error with this status code, as Baileys emits it. */
  close(statusCode: number): void {
    const error = Object.assign(new Error("closed"), { output: { statusCode } });
    this.ev.emit("connection.update", { connection: "close", lastDisconnect: { error, date: new Date() } });
  }
  upsert(messages: WAMessage[], type: "notify" | "append" = "notify"): void {
    this.ev.emit("messages.upsert", { messages, type });
  }
}

/** A factory that remembers every socket it made, newest last. */
export function fakeFactory() {
  const sockets: FakeSocket[] = [];
  const factory = (config: UserFacingSocketConfig) => {
    const s = new FakeSocket(config);
    sockets.push(s);
    return s;
  };
  return {
    sockets,
    factory,
    latest(): FakeSocket {
      const s = sockets.at(-1);
      if (!s) throw new Error("no socket was made");
      return s;
    },
  };
}

/** A text message from a person, in Baileys 7's shape (LID chat, phone as remoteJidAlt). */
export function textMessage(id: string, text: string, over: Partial<WAMessage["key"]> = {}): WAMessage {
  return {
    key: { remoteJid: "123456789012345@lid", remoteJidAlt: "6281234567890@s.whatsapp.net", fromMe: false, id, ...over },
    messageTimestamp: 1_795_000_000,
    message: { conversation: text },
  };
}
