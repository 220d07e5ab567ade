// The channel-neutral conversation core. Domains build on Turn, Flow and choices and describe
// themselves as a ConversationDomain; the core is given the list at start (runtime.ts).
export { createInboundSink, handleInbound, type ConversationSink, type InboundResult } from "./inbound.js";
export { composeConversation, ConversationCompositionError, type Conversation } from "./compose.js";
export type { ConversationDomain, KeywordClaim } from "./domain.js";
export type { Flow } from "./flows/flow.js";
export { pickChoice, withChoices, type Choice } from "./choices.js";
export { Turn, type Handler } from "./turn.js";
