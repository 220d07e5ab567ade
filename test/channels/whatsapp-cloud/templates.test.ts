// The Pokja's WhatsApp template list: which template is in force (configured ones with the list
// on top), the API (pokja_admin only, a reason for every change, audited), and the adapter sending
// a template added through the API to the Graph stand-in outside the 24-hour window.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWhatsAppCloudAdapter, effectiveTemplates, loadTemplates, templateBook } from "../../../src/channels/whatsapp-cloud/index.js";
import { auditLog } from "../../../src/platform/audit.sql.js";
import { startServiceWorld, type ServiceWorld } from "../../admin/fixture.js";
import { PHONE_ID } from "./fixtures.js";
import { startGraphStandIn, type GraphStandIn } from "./graph-stand-in.js";

describe("effectiveTemplates", () => {
  const configured = { reminder: { id: "cfg_pengingat", bjn: "cfg_pengingat_bjn" }, erasure: { id: "cfg_hapus" } };

  it("keeps the configured templates, a row replacing its kind and language and a disabled row removing it", () => {
    const rows = [
      { kind: "reminder", lang: "id" as const, name: "pokja_pengingat", disabled: false },
      { kind: "reminder", lang: "bjn" as const, name: "pokja_pengingat_bjn", disabled: true },
      { kind: "erasure", lang: "id" as const, name: "pokja_hapus", disabled: true },
      { kind: "campaign", lang: "id" as const, name: "pokja_kampanye", disabled: false },
    ];
    expect(effectiveTemplates(configured, rows)).toEqual({ reminder: { id: "pokja_pengingat" }, campaign: { id: "pokja_kampanye" } });
    // The configuration itself is left alone.
    expect(configured.reminder.bjn).toBe("cfg_pengingat_bjn");
  });
});

describe("the template list through the API and the sender", () => {
  let world: ServiceWorld;
  let graph: GraphStandIn;

  beforeAll(async () => {
    world = await startServiceWorld();
    graph = await startGraphStandIn();
  });
  afterAll(async () => {
    await graph?.close();
    await world?.close();
  });

  it("lets the Pokja add, rename and disable a template with a reason; others may not; every change is audited", async () => {
    const added = await world.asStaff("admin", "POST", "/api/v1/whatsapp-templates", {
      kind: "reminder",
      lang: "id",
      name: "balanting_pengingat",
    });
    expect(added.statusCode).toBe(201);
    const id = (added.json() as { template: { id: string } }).template.id;

    const again = await world.asStaff("admin", "POST", "/api/v1/whatsapp-templates", { kind: "reminder", lang: "id", name: "lain" });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: "template_exists" });
    const badName = await world.asStaff("admin", "POST", "/api/v1/whatsapp-templates", {
      kind: "reminder",
      lang: "bjn",
      name: "Bukan Nama",
    });
    expect(badName.statusCode).toBe(400);
    expect(badName.json()).toMatchObject({ error: "validation_failed" });
    const badKind = await world.asStaff("admin", "POST", "/api/v1/whatsapp-templates", { kind: "gosip", lang: "id", name: "x" });
    expect(badKind.statusCode).toBe(400);
    expect(
      (await world.asStaff("puskP", "POST", "/api/v1/whatsapp-templates", { kind: "campaign", lang: "id", name: "x" })).statusCode,
    ).toBe(403);

    const noReason = await world.asStaff("admin", "PATCH", `/api/v1/whatsapp-templates/${id}`, { name: "balanting_pengingat_v2" });
    expect(noReason.statusCode).toBe(400);
    const renamed = await world.asStaff("admin", "PATCH", `/api/v1/whatsapp-templates/${id}`, {
      name: "balanting_pengingat_v2",
      reason: "disetujui ulang",
    });
    expect(renamed.statusCode).toBe(200);
    expect(await loadTemplates(world.rt.db, {})).toEqual({ reminder: { id: "balanting_pengingat_v2" } });

    const off = await world.asStaff("admin", "PATCH", `/api/v1/whatsapp-templates/${id}`, { disabled: true, reason: "ditolak Meta" });
    expect(off.json()).toMatchObject({ template: { disabled: true } });
    expect(await loadTemplates(world.rt.db, { reminder: { id: "cfg" } })).toEqual({});
    const missing = await world.asStaff("admin", "PATCH", "/api/v1/whatsapp-templates/00000000-0000-4000-8000-000000000000", {
      disabled: true,
      reason: "tidak ada",
    });
    expect(missing.statusCode).toBe(404);

    const trail = await world.rt.db.select().from(auditLog).where(eq(auditLog.entityId, id));
    expect(trail.map((a) => [a.action, a.reason]).sort()).toEqual([
      ["whatsapp_template.create", null],
      ["whatsapp_template.disable", "ditolak Meta"],
      ["whatsapp_template.update", "disetujui ulang"],
    ]);
    await world.asStaff("admin", "PATCH", `/api/v1/whatsapp-templates/${id}`, { disabled: false, reason: "disetujui lagi" });
  });

  it("sends a template from the list outside the window, and follows a change at once", async () => {
    const adapter = createWhatsAppCloudAdapter({
      config: { token: "t", phoneNumberId: PHONE_ID, appSecret: "s", verifyToken: "v", apiRoot: graph.root, templates: {} },
      sink: async () => {},
      log: world.rt.log,
      i18n: world.rt.i18n,
      clock: world.rt.clock,
      templates: templateBook(() => loadTemplates(world.rt.db, {})),
    });
    const outside = {
      kind: "reminder" as const,
      lang: "id" as const,
      lastInboundAt: new Date(world.rt.clock.now().getTime() - 30 * 3_600_000),
    };
    graph.respond({ status: 200, body: { messaging_product: "whatsapp", messages: [{ id: "wamid.T1" }] } });
    await adapter.send("6281234567890", { text: "Besok posyandu." }, outside);
    expect(graph.requests.at(-1)?.body).toMatchObject({
      type: "template",
      template: { name: "balanting_pengingat_v2", language: { code: "id" } },
    });

    const [row] = (
      await world.app.inject({ method: "GET", url: "/api/v1/whatsapp-templates", headers: { cookie: world.w.cookie.admin } })
    ).json().items as { id: string }[];
    await world.asStaff("admin", "PATCH", `/api/v1/whatsapp-templates/${row!.id}`, { disabled: true, reason: "ditarik" });
    await expect(adapter.send("6281234567890", { text: "Besok posyandu." }, outside)).rejects.toMatchObject({ retryable: false });
  });
});
