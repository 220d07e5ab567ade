// What a domain (growth, reminders, handoff, …) gives the conversation core: its dialogues, its
// handlers and the command words it claims. Domain modules export one ConversationDomain and
// import from the core only its parts (Turn, Flow, choices), never the router or the pipeline;
// the list of domains is handed to the core at start (runtime.ts → composeConversation).
import type { Contact } from "../contacts/index.js";
import type { Flow } from "./flows/flow.js";
import type { Handler } from "./turn.js";

/** Who a command word is for: a contact's role, or "unregistered" before registration. */
export type ContactRole = NonNullable<Contact["role"]> | "unregistered";
export const CONTACT_ROLES: readonly ContactRole[] = ["parent", "pregnant", "kader", "unregistered"];

export function roleOf(contact: Pick<Contact, "role">): ContactRole {
  return contact.role ?? "unregistered";
}

/**
 * Command words a domain answers. A whole message equal to one of `words` (compared after
 * keywordKey) goes to this domain's handlers only, for the given roles. `prefixes` are first words
 * of commands that take an argument ("RIWAYAT A7K2"); they are claimed the same way, so no two
 * domains can start their commands with the same word for the same people.
 */
export interface KeywordClaim {
  words?: readonly string[];
  prefixes?: readonly string[];
  /** Everyone when left out. */
  roles?: readonly ContactRole[];
}

export interface ConversationDomain {
  /** Names the domain in errors ("growth", "reminders" …). */
  name: string;
  /** Its dialogues; a dialogue state's `flow` is the flow's name. */
  flows?: readonly Flow[];
  /** Tried in order after commands and dialogues, before the FAQ; true when one handled the turn. */
  handlers?: readonly Handler[];
  /**
   * Commands that work at any moment, even inside another dialogue (JAM 17), which then resumes.
   * They must claim only their own unmistakable command and leave the dialogue state alone.
   */
  globalHandlers?: readonly Handler[];
  keywords?: readonly KeywordClaim[];
}

/** How command words are compared: lower case, punctuation to spaces, single spaces. */
export { commandKey as keywordKey } from "../lib/input/text.js";
