// The conversation is composed once at start from the core and the domains: one table of
// dialogues and one of command words, and a word (or dialogue) claimed twice stops the start with
// an error naming both claimants, instead of one silently shadowing the other.
import { describe, expect, it } from "vitest";
import { composeConversation, ConversationCompositionError } from "../../src/conversation/compose.js";
import type { ConversationDomain } from "../../src/conversation/domain.js";
import { NO_STATE, type Flow } from "../../src/conversation/flows/flow.js";
import { CONVERSATION_DOMAINS } from "../../src/domains.js";
import { createLogger } from "../../src/lib/log.js";
import { createRuntime } from "../../src/runtime.js";
import { testConfig } from "../helpers/runtime.js";

const handler = async () => false;
const flow = (name: string): Flow => ({ name, state: NO_STATE, start: async () => {}, step: async () => {} });
const domain = (name: string, over: Partial<ConversationDomain> = {}): ConversationDomain => ({ name, handlers: [handler], ...over });

describe("composing the conversation", () => {
  it("accepts the service's own domains, and gives ANAK BARU to the kader's and the parent's domain by role", () => {
    const conversation = composeConversation(CONVERSATION_DOMAINS);
    expect(conversation.ownerOf("Anak baru", { role: "kader" })).toBe("growth");
    expect(conversation.ownerOf("anak  BARU!", { role: "parent" })).toBe("reminders");
    expect(conversation.ownerOf("anak hanyar", { role: null })).toBe("reminders");
    // Plain BATAL is a kader's undo; for anyone else it stays the general "cancel".
    expect(conversation.ownerOf("batal", { role: "kader" })).toBe("growth");
    expect(conversation.ownerOf("batal", { role: "pregnant" })).toBeUndefined();
    expect(conversation.flow("handoff")).toBeDefined();
    expect(conversation.flow("registration")).toBeDefined();
  });

  it.each([
    ["the same word for the same people", [{ words: ["timbang"] }], [{ words: ["Timbang!"] }], /"timbang" claimed by both a and b/],
    [
      "a word for roles that overlap",
      [{ words: ["timbang"], roles: ["kader", "parent"] }],
      [{ words: ["timbang"], roles: ["parent"] }],
      /\(for parent\)/,
    ],
    [
      "a prefix another's word starts with",
      [{ prefixes: ["timbang"] }],
      [{ words: ["timbang anak"] }],
      /"timbang" and "timbang anak" claimed by both a and b/,
    ],
  ] as const)("rejects %s", (_what, first, second, message) => {
    const compose = () => composeConversation([domain("a", { keywords: first }), domain("b", { keywords: second })]);
    expect(compose).toThrow(ConversationCompositionError);
    expect(compose).toThrow(message);
  });

  it("rejects a core command word taken by a domain, but lets a domain take BATAL when no dialogue is open", () => {
    expect(() => composeConversation([domain("a", { keywords: [{ words: ["menu"] }] })])).toThrow(
      /"menu" claimed by both conversation and a/,
    );
    expect(() => composeConversation([domain("a", { keywords: [{ words: ["batal"], roles: ["kader"] }] })])).not.toThrow();
  });

  it("accepts the same word for people who cannot be both", () => {
    const conversation = composeConversation([
      domain("a", { keywords: [{ words: ["timbang"], roles: ["kader"] }] }),
      domain("b", { keywords: [{ words: ["timbang"], roles: ["parent", "pregnant"] }] }),
    ]);
    expect(conversation.ownerOf("timbang", { role: "kader" })).toBe("a");
    expect(conversation.ownerOf("timbang", { role: "pregnant" })).toBe("b");
    expect(conversation.handlers("a")).toHaveLength(1);
    expect(conversation.handlers()).toHaveLength(2);
  });

  it("rejects a dialogue defined twice, and a domain given twice", () => {
    expect(() => composeConversation([domain("a", { flows: [flow("x")] }), domain("b", { flows: [flow("x")] })])).toThrow(
      /dialogue "x" is defined by both a and b/,
    );
    expect(() => composeConversation([domain("a", { flows: [flow("registration")] })])).toThrow(/dialogue "registration"/);
    expect(() => composeConversation([domain("a"), domain("a")])).toThrow(/given twice/);
  });

  it("stops the start of the service on a collision, before any database work", async () => {
    const clash = [domain("a", { keywords: [{ words: ["timbang"] }] }), domain("b", { keywords: [{ words: ["timbang"] }] })];
    await expect(
      createRuntime(testConfig({ DATA_DIR: "/nonexistent/never-opened" }), { log: createLogger("silent"), domains: clash }),
    ).rejects.toThrow(ConversationCompositionError);
  });
});
