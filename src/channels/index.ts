// The channels this process runs, chosen by configuration, behind one hub.
import { pokjaAdminExists, staffOfRequest } from "../admin/auth.js";
import type { Runtime } from "../runtime.js";
import { createInboundSink } from "../conversation/index.js";
import { recordCampaignStatuses } from "../campaigns/index.js";
import type { Job } from "../jobs/index.js";
import { ChannelHub } from "./hub.js";
import { engineFor, type OutboundEngine } from "./engine.js";
import { deliverOutbox, markFailedByExternalId, requeueStale } from "./outbox.js";
import { telegramAdapterFromConfig } from "./telegram/index.js";
import {
  createWhatsAppCloudAdapter,
  loadTemplates,
  templateBook,
  whatsAppCloudSettings,
  type CloudStatus,
} from "./whatsapp-cloud/index.js";
import { createWebChatAdapter } from "./web/adapter.js";
import type { WebChatLimits } from "./web/routes.js";

export { ChannelHub } from "./hub.js";
export { deliverOutbox, enqueue } from "./outbox.js";
export { engineFor, type OutboundEngine } from "./engine.js";
export type * from "./channel.js";

/** Builds the hub with every enabled channel (not yet started). */
export async function createChannels(rt: Runtime, options: { webChatLimits?: Partial<WebChatLimits> } = {}): Promise<ChannelHub> {
  const hub = new ChannelHub();
  const sink = createInboundSink(rt, hub);
  hub.onStopped(() => sink.idle());
  const telegram = telegramAdapterFromConfig(rt.config, { log: rt.log, sink });
  if (telegram) hub.register(telegram);
  if (rt.config.WHATSAPP_BAILEYS) {
    // Loaded only when enabled: Baileys and its QR code renderer add ~70 MB to the process.
    const { createWhatsAppAdapter } = await import("./whatsapp/index.js");
    hub.register(
      createWhatsAppAdapter({
        rt,
        sink,
        phone: rt.config.WHATSAPP_PHONE,
        sendIntervalMs: rt.config.WHATSAPP_SEND_INTERVAL_MS,
        isPokjaAdmin: async (request) => (await staffOfRequest(rt.db, request.headers, rt.clock.now()))?.role === "pokja_admin",
        adminExists: () => pokjaAdminExists(rt.db),
      }),
    );
  }
  if (whatsAppCloudSettings(rt.config)) {
    hub.register(
      createWhatsAppCloudAdapter({
        config: rt.config,
        sink,
        log: rt.log,
        i18n: rt.i18n,
        clock: rt.clock,
        onStatuses: (statuses) => recordCloudStatuses(rt, statuses),
        templates: templateBook(() => loadTemplates(rt.db, rt.config.WHATSAPP_CLOUD_TEMPLATES)),
      }),
    );
  }
  if (rt.config.WEB_CHAT) {
    hub.register(
      createWebChatAdapter({
        sink,
        now: () => rt.clock.now(),
        limits: options.webChatLimits,
        texts: (lang) => rt.i18n.instance.getResourceBundle(lang, "webchat") as Record<string, string>,
      }),
    );
  }
  return hub;
}

/**
 * Starts the hub's outbound engine: it drains the outbox continuously (woken by NOTIFY when rows
 * are queued, and every OUTBOUND_POLL_MS), paced per channel and recipient. Stop it after the hub.
 */
export async function startOutbound(rt: Runtime, hub: ChannelHub): Promise<OutboundEngine> {
  const engine = engineFor(rt, hub);
  await engine.start();
  return engine;
}

/**
 * A one-shot pass over the outbox (orphaned rows back to the queue, due rows sent) for tools that
 * do not run the engine; main.ts runs the engine instead.
 */
export function outboxJob(hub: ChannelHub): Job {
  return {
    name: "outbox",
    schedule: "* * * * *",
    async run(rt) {
      const requeued = await requeueStale(rt);
      const stats = await deliverOutbox(rt, hub);
      return { requeued, ...stats };
    },
  };
}

/** WhatsApp Cloud reports a failure after accepting a message; the outbox row says so. */
async function recordCloudStatuses(rt: Runtime, statuses: CloudStatus[]): Promise<void> {
  await recordCampaignStatuses(rt, statuses);
  for (const status of statuses) {
    if (status.status !== "failed") continue;
    await markFailedByExternalId(rt, "whatsapp-cloud", status.externalId, `provider error ${status.errorCodes.join(",")}`);
  }
}
