// Builds the conversation from the core's own dialogues and the domains handed in at start: one
// table of dialogues by name, the handlers in order, and one keyword table. A flow name or a
// command word claimed twice (for the same people) is a programming error, reported at start-up
// with both owners named, instead of one claim silently shadowing the other.
import { CANCEL_WORDS, COMMAND_WORDS } from "./commands.js";
import { CONTACT_ROLES, keywordKey, roleOf, type ContactRole, type ConversationDomain } from "./domain.js";
import type { Flow } from "./flows/flow.js";
import { languageFlow } from "./flows/language.js";
import { deleteFlow, stopFlow } from "./flows/privacy.js";
import { registrationFlow } from "./flows/registration.js";
import type { Handler, Turn } from "./turn.js";

/** The core's own dialogues (the commands in router.ts start them). */
const CORE_FLOWS: readonly Flow[] = [registrationFlow, languageFlow, stopFlow, deleteFlow];
const CORE = "conversation";

export class ConversationCompositionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConversationCompositionError";
  }
}

interface Claim {
  key: string;
  domain: string;
  roles: readonly ContactRole[];
  prefix: boolean;
}

/** Two claims meet when their words are equal, or one is a prefix claim the other's words start with. */
function overlaps(a: Claim, b: Claim): boolean {
  if (a.key === b.key) return true;
  return (a.prefix && b.key.startsWith(`${a.key} `)) || (b.prefix && a.key.startsWith(`${b.key} `));
}

export interface Conversation {
  /** Every dialogue by name. */
  flow(name: string | undefined): Flow | undefined;
  /** Domain handlers in the order the domains were given; those of `domain` only when named. */
  handlers(domain?: string): Handler[];
  globalHandlers(): Handler[];
  /** The domain that claims this whole message as its command for this person's role, if any. */
  ownerOf(text: string, contact: Pick<Turn["contact"], "role">): string | undefined;
  /** Starts a dialogue by name (registration hands over to the reminder enrolment so). */
  startFlow(turn: Turn, name: string): Promise<boolean>;
}

export function composeConversation(domains: readonly ConversationDomain[]): Conversation {
  const flows = new Map<string, { flow: Flow; domain: string }>();
  const addFlow = (flow: Flow, domain: string) => {
    const taken = flows.get(flow.name);
    if (taken) throw new ConversationCompositionError(`dialogue "${flow.name}" is defined by both ${taken.domain} and ${domain}`);
    flows.set(flow.name, { flow, domain });
  };
  for (const flow of CORE_FLOWS) addFlow(flow, CORE);

  const claims: Claim[] = [];
  const claim = (word: string, c: Omit<Claim, "key">) => {
    const key = keywordKey(word);
    if (!key) throw new ConversationCompositionError(`${c.domain} claims an empty command word`);
    const mine: Claim = { ...c, key };
    for (const other of claims) {
      if (other.domain === c.domain || !overlaps(mine, other)) continue;
      // BATAL with no dialogue open is left to a domain's own undo (a kader's last report).
      if (other.domain === CORE && CANCEL_WORDS.has(key)) continue;
      const both = c.roles.filter((r) => other.roles.includes(r));
      if (both.length > 0) {
        const words = other.key === key ? `"${key}"` : `"${other.key}" and "${key}"`;
        throw new ConversationCompositionError(
          `command word ${words} claimed by both ${other.domain} and ${c.domain} (for ${both.join(", ")})`,
        );
      }
    }
    claims.push(mine);
  };
  for (const word of COMMAND_WORDS) claim(word, { domain: CORE, roles: CONTACT_ROLES, prefix: false });

  const handlers: { domain: string; handler: Handler }[] = [];
  const globalHandlers: Handler[] = [];
  const names = new Set<string>([CORE]);
  for (const d of domains) {
    if (names.has(d.name)) throw new ConversationCompositionError(`conversation domain "${d.name}" is given twice`);
    names.add(d.name);
    for (const flow of d.flows ?? []) addFlow(flow, d.name);
    for (const handler of d.handlers ?? []) handlers.push({ domain: d.name, handler });
    globalHandlers.push(...(d.globalHandlers ?? []));
    for (const k of d.keywords ?? []) {
      const roles = k.roles ?? CONTACT_ROLES;
      for (const word of k.words ?? []) claim(word, { domain: d.name, roles, prefix: false });
      for (const word of k.prefixes ?? []) claim(word, { domain: d.name, roles, prefix: true });
    }
  }

  // Whole-message words by key, for the lookup on every message.
  const exact = new Map<string, Claim[]>();
  for (const c of claims) if (!c.prefix && c.domain !== CORE) exact.set(c.key, [...(exact.get(c.key) ?? []), c]);

  return {
    flow: (name) => (name === undefined ? undefined : flows.get(name)?.flow),
    handlers: (domain) => handlers.filter((h) => domain === undefined || h.domain === domain).map((h) => h.handler),
    globalHandlers: () => [...globalHandlers],
    ownerOf(text, contact) {
      const role = roleOf(contact);
      return exact.get(keywordKey(text))?.find((c) => c.roles.includes(role))?.domain;
    },
    async startFlow(turn, name) {
      const flow = flows.get(name)?.flow;
      if (!flow) return false;
      await flow.start(turn);
      return true;
    },
  };
}
