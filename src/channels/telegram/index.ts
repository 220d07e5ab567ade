// The Telegram channel: what the rest of the service uses.
export { createTelegramAdapter, telegramAdapterFromConfig, type TelegramAdapterOptions } from "./adapter.js";
export { mapTelegramUpdate, TELEGRAM_ALLOWED_UPDATES } from "./map.js";
export { TELEGRAM_WEBHOOK_PATH } from "./routes.js";
