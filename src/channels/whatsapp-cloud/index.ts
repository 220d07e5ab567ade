// WhatsApp Cloud API channel: the adapter, and the pure pieces others may call directly.
export {
  createWhatsAppCloudAdapter,
  whatsAppCloudSettings,
  LIST_BUTTON_KEY,
  type WhatsAppCloudAdapter,
  type WhatsAppCloudOptions,
  type WhatsAppCloudSettings,
} from "./adapter.js";
export { mapCloudStatuses, mapCloudWebhook, parseCloudWebhook, type CloudStatus, type CloudWebhook, type SkippedMessage } from "./map.js";
export { buildCloudRequest, chooseTemplate, insideServiceWindow, type CloudTemplates } from "./outbound.js";
export { classifyGraphError } from "./errors.js";
export { hubSignature, verifyHubSignature } from "./signature.js";
export { WEBHOOK_PATH } from "./routes.js";
export { addTemplate, editTemplate, effectiveTemplates, loadTemplates, templateBook, templateRows } from "./templates.js";
export { whatsAppTemplateRoutes } from "./template-routes.js";
