// WhatsApp Cloud recipients of a campaign, through the adapter against the Graph API stand-in:
// inside the 24-hour window a free text; outside it the approved `campaign` template of their
// language; without one they are counted as "no template" and never sent free text. Delivery and
// reading, reported by WhatsApp, are counted.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWhatsAppCloudAdapter } from "../../src/channels/whatsapp-cloud/index.js";
import { recordCampaignStatuses } from "../../src/campaigns/index.js";
import { contactChannels, contacts } from "../../src/contacts/contacts.sql.js";
import { queryRows } from "../../src/db/client.js";
import { PHONE_ID } from "../channels/whatsapp-cloud/fixtures.js";
import { startGraphStandIn, type GraphStandIn } from "../channels/whatsapp-cloud/graph-stand-in.js";
import { campaignOutbox, startSendWorld, until, type SendWorld } from "./send-world.js";

let world: SendWorld;
let graph: GraphStandIn;

beforeAll(async () => {
  graph = await startGraphStandIn();
  world = await startSendWorld({
    env: {
      WHATSAPP_CLOUD_TOKEN: "test-access-token",
      WHATSAPP_CLOUD_PHONE_ID: PHONE_ID,
      WHATSAPP_CLOUD_APP_SECRET: "test-app-secret",
      WHATSAPP_CLOUD_VERIFY_TOKEN: "test-verify-token",
      WHATSAPP_CLOUD_API_ROOT: graph.root,
      // A Banjar campaign template only: Indonesian speakers outside the window have none.
      WHATSAPP_CLOUD_TEMPLATES: JSON.stringify({ campaign: { bjn: "balanting_info_bjn" } }),
    },
    pacing: { telegram: { perSecond: 20, perRecipientPerSecond: 1 }, "whatsapp-cloud": { perSecond: 50 } },
    extraAdapters: (rt, sink) => [createWhatsAppCloudAdapter({ config: rt.config, sink, log: rt.log, i18n: rt.i18n, clock: rt.clock })],
  });
});
afterAll(async () => {
  await world?.close();
  await graph?.close();
});

async function cloudPerson(lang: "id" | "bjn", waId: string, hoursSinceLastMessage: number): Promise<string> {
  const now = world.rt.clock.now();
  const [c] = await world.rt.db
    .insert(contacts)
    .values({ role: "parent", lang, desaCode: world.w.desa.l1, consentVersion: "2026-12-v2", consentAt: now, registeredAt: now })
    .returning({ id: contacts.id });
  await world.rt.db.insert(contactChannels).values({
    contactId: c!.id,
    channel: "whatsapp-cloud",
    address: waId,
    lastInboundAt: new Date(now.getTime() - hoursSinceLastMessage * 3_600_000),
  });
  return c!.id;
}

describe("a campaign on WhatsApp Cloud", () => {
  it("sends free text inside the window, the language's template outside it, and nothing without a template", async () => {
    await cloudPerson("id", "6281100000001", 2); // inside the window
    await cloudPerson("id", "6281100000002", 30); // outside, no Indonesian template
    await cloudPerson("bjn", "6281100000003", 30); // outside, the Banjar template
    const created = await world.call("admin", "POST", "/api/v1/campaigns", {
      name: "Cloud",
      textId: "W1 Ayo ke posyandu.",
      textBjn: "W1 Ayo ka posyandu.",
      segment: { channels: ["whatsapp-cloud"] },
    });
    const id = created.body.campaign.id as string;
    expect((await world.call("admin", "POST", `/api/v1/campaigns/${id}/submit`)).body.campaign.status).toBe("awaiting_approval");
    await world.call("admin2", "POST", `/api/v1/campaigns/${id}/approve`);
    const sent = await world.call("admin", "POST", `/api/v1/campaigns/${id}/send`, {});
    expect(sent.body.run).toMatchObject({ recipients: 3, noTemplate: 1 });
    await until(async () => {
      const o = await campaignOutbox(world.rt);
      return o.queued === undefined && o.sending === undefined;
    }, [world.engine.events]);

    const byTo = new Map(graph.requests.map((r) => [String(r.body.to), r.body]));
    expect(graph.requests).toHaveLength(2);
    expect(byTo.get("6281100000001")).toMatchObject({ type: "text", text: { body: expect.stringContaining("W1 Ayo ke posyandu.") } });
    expect(byTo.has("6281100000002")).toBe(false);
    const template = byTo.get("6281100000003") as {
      type: string;
      template: { name: string; language: { code: string }; components: { parameters: { text: string }[] }[] };
    };
    expect(template.type).toBe("template");
    expect(template.template.name).toBe("balanting_info_bjn");
    expect(template.template.language.code).toBe("id"); // Banjar templates are registered under Indonesian
    expect(template.template.components[0]?.parameters[0]?.text).toMatch(/^W1 Ayo ka posyandu\. · Balas BERHENTI/);

    // WhatsApp reports one delivered and read, the other delivered.
    const ids = await queryRows<{ address: string; external_id: string }>(
      world.rt.db,
      sql`select address, external_id from outbox where kind = 'campaign' and channel = 'whatsapp-cloud'`,
    );
    const ext = new Map(ids.map((r) => [r.address, r.external_id]));
    const at = world.rt.clock.now();
    await recordCampaignStatuses(world.rt, [
      { externalId: ext.get("6281100000001")!, status: "delivered", at },
      { externalId: ext.get("6281100000003")!, status: "delivered", at },
      { externalId: ext.get("6281100000003")!, status: "read", at },
    ]);
    const report = await world.call("admin", "GET", `/api/v1/campaigns/${id}/report`);
    expect(report.body.totals).toMatchObject({ recipients: 3, sent: 2, delivered: 2, read: 1, noTemplate: 1, failed: 0 });
  });
});
