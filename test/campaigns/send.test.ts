// A campaign from compose to report through the API, sent through grammY to the Bot API stand-in:
// approval by another Pokja admin, each person once in their language, every report counter
// against the known send, BERHENTI after freezing and in answer to the campaign, pause/resume/cancel.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.js";
import { campaignTick } from "../../src/campaigns/index.js";
import { campaignOutbox, say, startSendWorld, telegramPeople, until, type SendWorld } from "./send-world.js";

let world: SendWorld;
beforeAll(async () => {
  world = await startSendWorld();
});
afterAll(async () => world?.close());
beforeEach(() => {
  world.api.resetSending();
  world.api.override = undefined;
});

const campaignTexts = (marker: string) => world.api.delivered.filter((d) => d.text.includes(marker));

/** Creates (as `who`), submits, approves when needed and sends a campaign; returns its id and the send answer. */
async function launch(body: object, who: "admin" | "puskL" | "bidanP" = "admin") {
  const created = await world.call(who, "POST", "/api/v1/campaigns", body);
  expect(created.status, created.text).toBe(201);
  const id = created.body.campaign.id as string;
  const submitted = await world.call(who, "POST", `/api/v1/campaigns/${id}/submit`);
  expect(submitted.status, submitted.text).toBe(200);
  if (submitted.body.campaign.status === "awaiting_approval") {
    expect((await world.call("admin2", "POST", `/api/v1/campaigns/${id}/approve`)).status).toBe(200);
  }
  const sent = await world.call(who, "POST", `/api/v1/campaigns/${id}/send`, {});
  expect(sent.status, sent.text).toBe(200);
  return { id, sent: sent.body };
}

describe("a campaign from compose to report", () => {
  it("is approved by another pokja_admin, reaches each person once in their language, and every counter matches the send", async () => {
    const { rt, w } = world;
    const lampihongBjn = await telegramPeople(
      rt,
      12,
      { desaCode: w.desa.l0, posyanduId: w.posyandu.l0 },
      { lang: "bjn", firstChat: 710_000 },
    );
    const lampihongId = await telegramPeople(rt, 8, { desaCode: w.desa.l1 }, { lang: "id", firstChat: 711_000 });
    const paringin = await telegramPeople(rt, 5, { desaCode: w.desa.p0 }, { lang: "id", firstChat: 712_000 });
    const optedOut = await telegramPeople(rt, 2, { desaCode: w.desa.l0 }, { lang: "id", firstChat: 713_000 });
    await rt.db.execute(
      sql`update contacts set opted_out_at = now() where id in (${sql.join(
        optedOut.map((p) => sql`${p.id}`),
        sql`, `,
      )})`,
    );

    const body = {
      name: "Bulan timbang Februari",
      textId: "C1 Ayo ke {nama_posyandu} di {nama_desa}, {posyandu_hari}.",
      textBjn: "C1 Ayo ka {nama_posyandu} di {nama_desa}, {posyandu_hari}.",
      buttons: [{ kind: "reply", label: { id: "Saya datang", bjn: "Ulun datang" } }],
    };
    // The whole regency: approval is required (CAMPAIGN_APPROVAL=regency), and not by its creator.
    const created = await world.call("admin", "POST", "/api/v1/campaigns", body);
    const id = created.body.campaign.id as string;
    expect(created.body.campaign).toMatchObject({ status: "draft", regencyWide: true, needsApproval: true });
    expect((await world.call("admin", "POST", `/api/v1/campaigns/${id}/send`, {})).status).toBe(409);
    expect((await world.call("admin", "POST", `/api/v1/campaigns/${id}/submit`)).body.campaign.status).toBe("awaiting_approval");
    const sendEarly = await world.call("admin", "POST", `/api/v1/campaigns/${id}/send`, {});
    expect(sendEarly.status).toBe(409);
    expect(sendEarly.body.message).toMatch(/approval/);
    expect((await world.call("admin", "POST", `/api/v1/campaigns/${id}/approve`)).status).toBe(403);
    expect((await world.call("puskL", "POST", `/api/v1/campaigns/${id}/approve`)).status).toBe(403);

    const audience = await world.call("admin", "GET", `/api/v1/campaigns/${id}/audience`);
    const reached = lampihongBjn.length + lampihongId.length + paringin.length;
    expect(audience.body).toEqual({ total: reached, byChannel: { telegram: reached }, byLang: { bjn: 12, id: 13 } });
    const preview = await world.call("admin", "GET", `/api/v1/campaigns/${id}/preview?contactId=${lampihongBjn[0]!.id}`);
    expect(preview.body.bjn.text).toContain("C1 Ayo ka Posyandu Anggrek di ");
    expect(preview.body.bjn.text).toContain("tanggal 5 tiap bulan");
    expect(preview.body.bjn.text).toContain("Balas BERHENTI");
    expect(preview.body.quietNote.id).toContain("21.00");

    expect((await world.call("admin2", "POST", `/api/v1/campaigns/${id}/approve`)).body.campaign.status).toBe("approved");
    const sent = await world.call("admin", "POST", `/api/v1/campaigns/${id}/send`, {});
    expect(sent.body.run).toMatchObject({ recipients: reached, noTemplate: 0 });
    const runId = sent.body.run.runId as string;

    // One chat has blocked the bot: a permanent failure with its reason.
    const blocked = lampihongId[0]!.chat;
    world.api.override = (call) =>
      call.method === "sendMessage" && String(call.payload.chat_id) === blocked
        ? { status: 403, body: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" } }
        : undefined;
    await until(
      async () => (await campaignOutbox(rt)).queued === undefined && (await campaignOutbox(rt)).sending === undefined,
      [world.engine.events],
    );

    const got = campaignTexts("C1 ");
    expect(got).toHaveLength(reached - 1);
    expect(new Set(got.map((d) => d.chatId)).size).toBe(reached - 1);
    // The Banjar sample gets exactly the preview.
    const sample = got.find((d) => d.chatId === lampihongBjn[0]!.chat);
    expect(sample?.text).toBe(preview.body.bjn.text);
    expect(got.find((d) => d.chatId === lampihongId[1]!.chat)?.text).toMatch(/^C1 Ayo ke posyandu di .+, hari posyandu\./);
    expect(got.some((d) => optedOut.some((p) => p.chat === d.chatId))).toBe(false);
    const replyButton = world.api
      .callsTo("sendMessage")
      .find((c) => String(c.payload.chat_id) === sample?.chatId && String(c.payload.text).startsWith("C1"));
    expect(JSON.stringify(replyButton?.payload.reply_markup)).toContain(`cmp:${runId}:0`);

    // Replies a minute later: a button, a message, and BERHENTI in answer to the campaign (stopped at once).
    rt.clock.advance(60_000);
    await say(world, lampihongBjn[1]!.chat, { payload: `cmp:${runId}:0` });
    expect(world.api.delivered.at(-1)?.text).toBe("Tarima kasih, jawaban pian hudah ulun catat.");
    await say(world, lampihongBjn[2]!.chat, { text: "apa itu stunting?" });
    await say(world, paringin[0]!.chat, { text: "BERHENTI" });
    expect(world.api.delivered.at(-1)?.text).toMatch(/^Baik, Anda tidak akan menerima pesan siaran/);
    const [stopped] = await queryRows<{ opted: boolean }>(
      rt.db,
      sql`select opted_out_at is not null as opted from contacts where id = ${paringin[0]!.id}`,
    );
    expect(stopped?.opted).toBe(true);

    const report = await world.call("admin", "GET", `/api/v1/campaigns/${id}/report`);
    expect(report.body.status).toBe("done");
    expect(report.body.totals).toEqual({
      recipients: reached,
      pending: 0,
      queued: 0,
      sent: reached - 1,
      delivered: 0,
      read: 0,
      failed: 1,
      skippedOptedOut: 0,
      noTemplate: 0,
      cancelled: 0,
      optedOutAfter: 1,
      replies: 3,
      resentUnknownOutcome: 0,
    });
    expect(report.body.failures).toEqual([{ reason: expect.stringMatching(/blocked/), count: 1 }]);
    const lampihong = report.body.kecamatan.find((k: { code: string }) => k.code === "63.11.05");
    expect(lampihong).toMatchObject({ recipients: 20, sent: 19, failed: 1, replies: 2, optedOutAfter: 0 });
    expect(report.body.kecamatan.find((k: { code: string }) => k.code === "63.11.06")).toMatchObject({
      recipients: 5,
      sent: 5,
      optedOutAfter: 1,
      replies: 1,
    });
    expect(report.body.desa.find((d: { code: string }) => d.code === w.desa.l0)).toMatchObject({ recipients: 12, sent: 12, replies: 2 });

    // CSV: a puskesmas account sees only its own area's people (and only its own campaigns: 404 here).
    expect((await world.call("puskL", "GET", `/api/v1/campaigns/${id}/recipients.csv`)).status).toBe(404);
    const csv = await world.call("admin", "GET", `/api/v1/campaigns/${id}/recipients.csv`);
    expect(csv.text.trim().split("\n")).toHaveLength(reached + 1);
    expect(csv.text).toContain(`${lampihongId[0]!.id},telegram,id,${w.desa.l1},failed,`);

    const audit = await queryRows<{ action: string; after: { textBjn?: string } | null }>(
      rt.db,
      sql`select action, after from audit_log where entity = 'campaign' and entity_id = ${id} order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual([
      "campaign.create",
      "campaign.submit",
      "campaign.approve",
      "campaign.send",
      "campaign.export",
    ]);
    expect(audit[3]?.after?.textBjn).toBe(body.textBjn);
  });

  it("a bidan's campaign needs no approval, stays in her desa, and skips a person who stopped after the list was frozen", async () => {
    const { rt, w } = world;
    const mine = await telegramPeople(rt, 6, { desaCode: w.desa.p0 }, { lang: "id", firstChat: 720_000 });
    // Sent at 22:00 WITA: frozen and queued now, due at 06:00 (quiet hours), so the stop comes in between.
    const evening = rt.clock.now();
    rt.clock.set("2026-11-27T14:00:00Z");
    const { id, sent } = await launch(
      { name: "Kelas ibu", textId: "C2 Kelas ibu hamil besok.", sameForBoth: true, segment: { roles: ["parent"] } },
      "bidanP",
    );
    const frozen = sent.run.recipients as number;
    expect(frozen).toBe(mine.length + 4); // and the four of Paringin's first campaign still receiving
    expect(await campaignOutbox(rt)).toMatchObject({ queued: frozen });
    await say(world, mine[0]!.chat, { text: "BERHENTI" });
    await say(world, mine[0]!.chat, { text: "ya" });
    world.api.resetSending();
    rt.clock.set("2026-11-27T22:00:00Z"); // 06:00 WITA
    void evening;
    await until(async () => Object.keys(await campaignOutbox(rt)).every((s) => s === "sent" || s === "failed"), [world.engine.events]);
    const got = campaignTexts("C2 ");
    expect(got.map((d) => d.chatId)).not.toContain(mine[0]!.chat);
    expect(new Set(got.map((d) => d.chatId)).size).toBe(got.length);
    const report = await world.call("bidanP", "GET", `/api/v1/campaigns/${id}/report`);
    expect(report.body.totals).toMatchObject({ recipients: frozen, sent: frozen - 1, skippedOptedOut: 1 });
    // Every desa of the report is hers.
    expect(report.body.desa.map((d: { code: string }) => d.code)).toEqual([w.desa.p0]);
  });
});

describe("editing", () => {
  it("an edit after approval voids it (approved again), is audited with before and after, and a sent campaign cannot be edited", async () => {
    const created = await world.call("admin", "POST", "/api/v1/campaigns", { name: "Edit", textId: "E1 Satu.", sameForBoth: true });
    const id = created.body.campaign.id as string;
    await world.call("admin", "POST", `/api/v1/campaigns/${id}/submit`);
    expect((await world.call("admin2", "POST", `/api/v1/campaigns/${id}/approve`)).body.campaign.status).toBe("approved");
    const edited = await world.call("admin", "PATCH", `/api/v1/campaigns/${id}`, { textId: "E1 Dua {nama_dsa}." });
    expect(edited.status).toBe(400);
    expect(edited.body.fields[0]).toEqual({ field: "body.textId", reason: expect.stringMatching(/unknown variables \{nama_dsa\}/) });
    const fixed = await world.call("admin", "PATCH", `/api/v1/campaigns/${id}`, { textId: "E1 Dua." });
    expect(fixed.body.campaign).toMatchObject({ status: "draft", approvedBy: null, textId: "E1 Dua." });
    expect((await world.call("admin", "POST", `/api/v1/campaigns/${id}/submit`)).body.campaign.status).toBe("awaiting_approval");
    const audit = await queryRows<{ action: string; before: { textId?: string } | null; after: { textId?: string } | null }>(
      world.rt.db,
      sql`select action, before, after from audit_log where entity = 'campaign' and entity_id = ${id} and action = 'campaign.edit'`,
    );
    expect(audit).toEqual([
      {
        action: "campaign.edit",
        before: expect.objectContaining({ textId: "E1 Satu." }),
        after: expect.objectContaining({ textId: "E1 Dua." }),
      },
    ]);
    await world.call("admin2", "POST", `/api/v1/campaigns/${id}/approve`);
    await world.call("admin", "POST", `/api/v1/campaigns/${id}/cancel`);
    expect((await world.call("admin", "PATCH", `/api/v1/campaigns/${id}`, { name: "x" })).status).toBe(409);
  });
});

describe("pause, resume and cancel", () => {
  it("pausing takes the waiting messages back, resuming sends the rest, each person once", async () => {
    const { rt, w } = world;
    const people = await telegramPeople(rt, 40, { desaCode: w.desa.l1 }, { lang: "id", firstChat: 730_000, role: "pregnant" });
    const { id } = await launch(
      { name: "Pause", textId: "C3 Tablet tambah darah.", sameForBoth: true, segment: { roles: ["pregnant"], desaCodes: [w.desa.l1] } },
      "puskL",
    );
    await world.api.waitForText("C3 ");
    while (campaignTexts("C3 ").length < 5) await world.api.waitForDelivered(world.api.delivered.length + 1);
    // Once the pause is acknowledged, no send starts (rows cleared before it are checked again).
    let acknowledged = false;
    let sentAfterPause = 0;
    const sending = () => void (acknowledged && sentAfterPause++);
    world.engine.events.on("sending", sending);
    expect((await world.call("puskL", "POST", `/api/v1/campaigns/${id}/pause`)).body.campaign.status).toBe("paused");
    acknowledged = true;
    // Rows the engine held are dropped by the guard right before sending.
    await until(
      async () => (await campaignOutbox(rt)).sending === undefined && (await campaignOutbox(rt)).queued === undefined,
      [world.engine.events],
    );
    world.engine.events.off("sending", sending);
    expect(sentAfterPause).toBe(0);
    const atPause = campaignTexts("C3 ").length;
    expect(atPause).toBeLessThan(people.length);
    const paused = await world.call("puskL", "GET", `/api/v1/campaigns/${id}/report`);
    expect(paused.body.totals).toMatchObject({ recipients: people.length, sent: atPause, pending: people.length - atPause, queued: 0 });
    // The minute job does not queue a paused run.
    await campaignTick(rt);
    expect(await campaignOutbox(rt)).not.toHaveProperty("queued");

    expect((await world.call("puskL", "POST", `/api/v1/campaigns/${id}/resume`)).body.campaign.status).toBe("running");
    await until(
      async () => (await campaignOutbox(rt)).queued === undefined && (await campaignOutbox(rt)).sending === undefined,
      [world.engine.events],
    );
    const got = campaignTexts("C3 ");
    expect(got).toHaveLength(people.length);
    expect(new Set(got.map((d) => d.chatId)).size).toBe(people.length);
    await campaignTick(rt);
    expect((await world.call("puskL", "GET", `/api/v1/campaigns/${id}/report`)).body.totals).toMatchObject({
      sent: people.length,
      pending: 0,
    });
  });

  it("cancelling stops the rest for good", async () => {
    const { rt, w } = world;
    const people = await telegramPeople(rt, 30, { desaCode: w.desa.p1 }, { lang: "bjn", firstChat: 740_000 });
    const { id } = await launch({
      name: "Cancel",
      textId: "C4 Imunisasi.",
      textBjn: "C4 Imunisasi (bjn).",
      segment: { desaCodes: [w.desa.p1] },
    });
    while (campaignTexts("C4 ").length < 3) await world.api.waitForDelivered(world.api.delivered.length + 1);
    expect((await world.call("admin", "POST", `/api/v1/campaigns/${id}/cancel`)).body.campaign.status).toBe("cancelled");
    await until(
      async () => (await campaignOutbox(rt)).sending === undefined && (await campaignOutbox(rt)).queued === undefined,
      [world.engine.events],
    );
    const got = campaignTexts("C4 ");
    await campaignTick(rt);
    const report = await world.call("admin", "GET", `/api/v1/campaigns/${id}/report`);
    expect(report.body.totals).toMatchObject({
      recipients: people.length,
      sent: got.length,
      cancelled: people.length - got.length,
      pending: 0,
      queued: 0,
    });
    expect((await world.call("admin", "POST", `/api/v1/campaigns/${id}/resume`)).status).toBe(409);
    expect(campaignTexts("C4 ")).toHaveLength(got.length);
  });
});
