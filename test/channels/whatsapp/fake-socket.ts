// A stand-in for Baileys' socket: a real EventEmitter as `ev`, and sends recorded in memory.
// The adapter is the code under test; only the WhatsApp side is replaced.
import { EventEmitter } from "node:events";
import type { UserFacingSocketConfig, WAMessage } from "@whiskeysockets/baileys";
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
