// One inbound message being handled: who sent it, in which language to answer, the dialogue
// state, and the replies collected so far. Handlers read and write it; inbound.ts persists it.
import type { Button, InboundMessage, OutboundMessage } from "../channels/channel.js";
import type { Contact, ContactChannel } from "../contacts/index.js";
import type { Tx } from "../db/client.js";
import type { Lang } from "../i18n/index.js";
import type { Runtime } from "../runtime.js";
import { withChoices, type Choice } from "./choices.js";
import { DIALOGUE_TIMEOUT_MS, type DialogueState } from "./state.js";

export class Turn {
  readonly replies: OutboundMessage[] = [];
  /** Set when the contact was erased during this turn (HAPUS DATA): replies go out unowned. */
  erased = false;
  /**
   * The dialogue state to write when the turn ends (undefined: unchanged; state null: cleared). The
   * group commit writes every turn's state of a batch in one statement (group-commit.ts), so
   * setState and clearState only note it here; nothing reads conversation_states within a turn.
   */
  stateWrite: { contactId: string; state: DialogueState | null; expiresAt: Date } | undefined = undefined;

  constructor(
    readonly rt: Runtime,
    readonly tx: Tx,
    public contact: Contact,
    readonly channel: ContactChannel,
    readonly message: InboundMessage,
    /** Language to answer in: the contact's choice, else the language this message is written in. */
    public lang: Lang,
    public state: DialogueState | null,
  ) {}

  get text(): string {
    return (this.message.text ?? "").trim();
  }

  /**
   * Whether this chat may act with a kader or staff role. The web chat is a try-out anyone can
   * open, so it may not, unless WEB_CHAT_STAFF_ROLES is on for a demo.
   */
  get staffRolesAllowed(): boolean {
    return this.message.channel !== "web" || this.rt.config.WEB_CHAT_STAFF_ROLES;
  }

  get now(): Date {
    return this.rt.clock.now();
  }

  t(key: string, vars?: Record<string, unknown>): string {
    return this.rt.i18n.t(this.lang, key, vars);
  }

  /** Replies with a text from locales. */
  say(key: string, vars?: Record<string, unknown>, buttons?: Button[]): void {
    this.replies.push(buttons?.length ? { text: this.t(key, vars), buttons } : { text: this.t(key, vars) });
  }

  /** Replies with an already rendered text. */
  sayText(text: string, buttons?: Button[]): void {
    this.replies.push(buttons?.length ? { text, buttons } : { text });
  }

  /** Replies with a prompt and numbered choices (also shown as buttons). */
  ask(key: string, choices: Choice[], vars?: Record<string, unknown>): void {
    this.replies.push(withChoices(this.t(key, vars), choices));
  }

  /** The answer fitted none of the choices: say so briefly and ask again. */
  askAgain(key: string, choices: Choice[], vars?: Record<string, unknown>): void {
    this.say("conversation:choose_number");
    this.ask(key, choices, vars);
  }

  setState(flow: string, step: string, data: Record<string, unknown> = {}, ttlMs = DIALOGUE_TIMEOUT_MS): Promise<void> {
    this.state = { flow, step, data };
    this.stateWrite = { contactId: this.contact.id, state: this.state, expiresAt: new Date(this.now.getTime() + ttlMs) };
    return Promise.resolve();
  }

  clearState(): Promise<void> {
    if (!this.state) return Promise.resolve();
    this.state = null;
    this.stateWrite = { contactId: this.contact.id, state: null, expiresAt: this.now };
    return Promise.resolve();
  }
}

/** A step of the conversation: returns true when it handled the turn. */
export type Handler = (turn: Turn) => Promise<boolean>;
