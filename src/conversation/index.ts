// The channel-neutral conversation core.
export { createInboundSink, handleInbound, type InboundResult } from "./inbound.js";
export { registerFlow, registerGlobalHandler, registerHandler, startFlow } from "./router.js";
export type { Flow } from "./flows/flow.js";
export { pickChoice, withChoices, type Choice } from "./choices.js";
export { Turn, type Handler } from "./turn.js";
