// WhatsApp through a linked account (Baileys 7): what main.ts and app.ts need.
export {
  createWhatsAppAdapter,
  type WhatsAppAdapter,
  type WhatsAppAdapterOptions,
  type WhatsAppSocket,
  type WhatsAppSocketFactory,
  type WhatsAppStatus,
} from "./adapter.js";
export { useDatabaseAuthState, type DatabaseAuthState } from "./auth-state.js";
export { formatOutbound, mapBaileysMessage } from "./map.js";
