// The console's Konten, Akun, Log audit and WhatsApp pages over HTTP: each action reaches the
// API (its checks, its audit log), forms are checked like the API and errors come back in
// Indonesian, and each role sees only what it may use.
import { and, eq } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSession, pokjaAdminExists, staffOfRequest } from "../../src/admin/auth.js";
import { auditLog } from "../../src/platform/audit.sql.js";
import { staffAccounts } from "../../src/admin/accounts.sql.js";
import { buildApp } from "../../src/app.js";
import { ChannelHub } from "../../src/channels/hub.js";
import { createWhatsAppAdapter } from "../../src/channels/whatsapp/index.js";
import { deliverOutbox } from "../../src/channels/outbox.js";
import { contactChannels, contacts } from "../../src/contacts/contacts.sql.js";
import { faqBacklog } from "../../src/knowledge/backlog.sql.js";
import { formatDateTime } from "../../src/console/format.js";
import { PASSWORD, type Who } from "../admin/fixture.js";
import { fakeFactory } from "../channels/whatsapp/fake-socket.js";
import { ASKER, startConsoleWorld, UNANSWERED, type ConsoleWorld } from "./fixture.js";

let world: ConsoleWorld;
beforeAll(async () => {
  world = await startConsoleWorld();
});
afterAll(async () => {
  await world?.close();
});

const TOPIC = "1000-hpk";

async function get(who: Who | string, url: string): Promise<LightMyRequestResponse> {
  const cookie = who in world.w.cookie ? world.w.cookie[who as Who] : who;
  return world.app.inject({ method: "GET", url, headers: { cookie } });
}

/** A signed-in browser: the CSRF cookie and token of a page, and its session. */
async function browser(who: Who | string, page = "/konsol/akun") {
  const session = who in world.w.cookie ? world.w.cookie[who as Who] : who;
  const res = await get(session, page);
  expect(res.statusCode).toBe(200);
  const token = /name="_csrf" value="([^"]+)"/.exec(res.body)![1]!;
  const cookie = `${res.cookies.map((c) => `${c.name}=${c.value}`).join("; ")}; ${session}`;
  return {
    post: (url: string, form: Record<string, string> = {}) =>
      world.app.inject({
        method: "POST",
        url,
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        payload: new URLSearchParams({ _csrf: token, ...form }).toString(),
      }),
  };
}

const topicForm = (texts: { id: { title: string; answer: string }; bjn: { title: string; answer: string } }, reason: string) => ({
  "title-id": texts.id.title,
  "answer-id": texts.id.answer,
  "more-id": "",
  "title-bjn": texts.bjn.title,
  "answer-bjn": texts.bjn.answer,
  "more-bjn": "",
  reason,
});

describe("Konten", () => {
  it("lists the FAQ topics and the questions the bot could not answer", async () => {
    const page = await get("kaderP", "/konsol/konten");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`data-topic="${TOPIC}"`);
    expect(page.body).toContain(UNANSWERED);
    // Staff other than the Pokja read, but neither edit nor clear the backlog.
    expect(page.body).not.toContain("/hapus");
    const topic = await get("kaderP", `/konsol/konten/${TOPIC}`);
    expect(topic.body).toContain("Apa itu 1000 hari pertama kehidupan");
    expect(topic.body).not.toContain('id="edit-topic"');
    expect((await get("admin", "/konsol/konten?alasan=choices")).body).not.toContain(UNANSWERED);
  });

  it("lets the Pokja edit a topic with a reason; the bot's text and the audit log follow", async () => {
    const b = await browser("admin", `/konsol/konten/${TOPIC}`);
    const before = (await get("admin", `/api/v1/faq/topics/${TOPIC}`)).json();
    const texts = { id: { ...before.texts.id, title: "1000 HPK: dari hamil sampai anak 2 tahun" }, bjn: before.texts.bjn };
    const url = `/konsol/konten/${TOPIC}`;
    expect((await b.post(url, topicForm(texts, ""))).headers.location).toBe(`${url}?galat=validation_failed&kolom=reason`);
    const short = await b.post(url, topicForm({ ...texts, bjn: { ...texts.bjn, answer: "pendek" } }, "memperjelas judul"));
    expect(short.headers.location).toBe(`${url}?galat=validation_failed&kolom=answer`);
    expect((await get("admin", String(short.headers.location))).body).toContain("Isian belum benar: Jawaban (10–600 huruf)");

    const saved = await b.post(url, topicForm(texts, "memperjelas judul"));
    expect(saved.headers.location).toBe(`${url}?ok=topicSaved`);
    const after = (await get("admin", `/api/v1/faq/topics/${TOPIC}`)).json();
    expect(after).toMatchObject({
      origin: "override",
      disabled: false,
      texts: { id: { title: texts.id.title } },
      examples: before.examples,
    });
    const audit = await world.rt.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, TOPIC), eq(auditLog.action, "faq.create")));
    expect(audit.map((a) => a.reason)).toEqual(["memperjelas judul"]);

    expect((await b.post(`${url}/nonaktif`, { reason: "isi sedang ditinjau" })).headers.location).toBe(`${url}?ok=topicDisabled`);
    expect((await get("admin", `/api/v1/faq/topics/${TOPIC}`)).json()).toMatchObject({
      disabled: true,
      texts: { id: { title: texts.id.title } },
    });
    expect((await get("admin", "/konsol/konten")).body).toMatch(new RegExp(`data-topic="${TOPIC}">[\\s\\S]*?data-field="status">Nonaktif`));
    expect((await b.post(`${url}/aktif`, { reason: "sudah ditinjau" })).headers.location).toBe(`${url}?ok=topicEnabled`);
    expect((await get("admin", `/api/v1/faq/topics/${TOPIC}`)).json().disabled).toBe(false);

    // Withdrawn: the reviewed text again.
    expect((await b.post(`${url}/asli`)).headers.location).toBe("/konsol/konten?ok=topicRestored");
    expect((await get("admin", `/api/v1/faq/topics/${TOPIC}`)).json()).toMatchObject({
      origin: "content",
      texts: { id: { title: before.texts.id.title } },
    });
    expect((await get("admin", url)).body).not.toContain('id="restore-topic"');
    expect((await b.post(`${url}/asli`)).headers.location).toBe(`${url}?galat=not_found`);

    // Another role is refused by the API itself, in Indonesian.
    const kader = await browser("kaderP", url);
    const refused = await kader.post(`${url}/nonaktif`, { reason: "coba coba" });
    expect(refused.headers.location).toBe(`${url}?galat=forbidden`);
    expect((await get("kaderP", String(refused.headers.location))).body).toContain("Peran Anda tidak boleh melakukan ini");
  });

  it("clears a handled backlog question (Pokja)", async () => {
    const b = await browser("admin", "/konsol/konten");
    expect((await b.post(`/konsol/konten/backlog/${world.backlogId}/hapus`)).headers.location).toBe("/konsol/konten?ok=backlogHandled");
    expect(await world.rt.db.select().from(faqBacklog).where(eq(faqBacklog.id, world.backlogId))).toHaveLength(0);
    expect((await b.post(`/konsol/konten/backlog/${world.backlogId}/hapus`)).headers.location).toBe("/konsol/konten?galat=not_found");
  });
});

describe("Akun", () => {
  it("creates an API token shown once, which works as a bearer token until revoked", async () => {
    const b = await browser("bidanP");
    expect((await b.post("/konsol/akun/token", { name: "", expiresInDays: "" })).headers.location).toBe(
      "/konsol/akun?galat=validation_failed&kolom=tokenName",
    );
    expect((await b.post("/konsol/akun/token", { name: "laporan", expiresInDays: "400" })).headers.location).toBe(
      "/konsol/akun?galat=validation_failed&kolom=expiresInDays",
    );
    const made = await b.post("/konsol/akun/token", { name: "laporan desa", expiresInDays: "30" });
    expect(made.statusCode).toBe(200);
    expect(made.headers["cache-control"]).toBe("no-store");
    const token = /<code class="secret">(blt_[^<]+)<\/code>/.exec(made.body)?.[1];
    expect(token).toBeTruthy();
    const me = await world.app.inject({ method: "GET", url: "/api/v1/me", headers: { authorization: `Bearer ${token}` } });
    expect(me.json().account.username).toBe("bidan.paringin");
    const again = await get("bidanP", "/konsol/akun");
    expect(again.body).toContain("laporan desa");
    expect(again.body).not.toContain(token!);

    const id = /data-token="([^"]+)"/.exec(again.body)![1]!;
    expect((await b.post(`/konsol/akun/token/${id}/cabut`)).headers.location).toBe("/konsol/akun?ok=tokenRevoked");
    expect((await world.app.inject({ method: "GET", url: "/api/v1/me", headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(
      401,
    );
  });

  it("lets a puskesmas create a bidan of its desa and deactivate her; the API's refusals come back in Indonesian", async () => {
    const page = await get("puskP", "/konsol/akun");
    // A puskesmas creates bidan and kader only.
    expect(page.body).toMatch(
      /<select id="new-role" name="role" required><option value="bidan">Bidan desa<\/option><option value="kader">Kader posyandu<\/option><\/select>/,
    );
    const b = await browser("puskP");
    const bidan = { username: "bidan.baru", name: "Bidan Baru", password: "kata-sandi-awal-123", role: "bidan" };
    expect((await b.post("/konsol/akun/staf", bidan)).headers.location).toBe("/konsol/akun?galat=validation_failed&kolom=desaCode");
    expect((await b.post("/konsol/akun/staf", { ...bidan, desaCode: world.w.desa.l0 })).headers.location).toBe(
      "/konsol/akun?galat=forbidden",
    );
    expect((await b.post("/konsol/akun/staf", { ...bidan, username: "bidan baru!", desaCode: world.w.desa.p0 })).headers.location).toBe(
      "/konsol/akun?galat=validation_failed&kolom=username",
    );
    expect((await b.post("/konsol/akun/staf", { ...bidan, desaCode: world.w.desa.p0 })).headers.location).toBe(
      "/konsol/akun?ok=accountCreated",
    );
    const taken = await b.post("/konsol/akun/staf", { ...bidan, desaCode: world.w.desa.p0 });
    expect(taken.headers.location).toBe("/konsol/akun?galat=username_taken");
    expect((await get("puskP", String(taken.headers.location))).body).toContain("Nama pengguna itu sudah dipakai");

    const [row] = await world.rt.db.select().from(staffAccounts).where(eq(staffAccounts.username, "bidan.baru"));
    expect(row).toMatchObject({ role: "bidan", desaCode: world.w.desa.p0, active: true });
    expect((await b.post(`/konsol/akun/staf/${row!.id}/nonaktif`)).headers.location).toBe("/konsol/akun?ok=accountDeactivated");
    const [off] = await world.rt.db.select().from(staffAccounts).where(eq(staffAccounts.id, row!.id));
    expect(off!.active).toBe(false);
    // Not their own account, nor a role they do not manage.
    expect((await b.post(`/konsol/akun/staf/${world.w.accounts.admin.id}/nonaktif`)).headers.location).toBe("/konsol/akun?galat=not_found");
    // Bidan and kader manage no accounts: no list, no form.
    expect((await get("bidanP", "/konsol/akun")).body).not.toContain('id="account-form"');
  });

  it("changes one's own password: a wrong current one is named, the right one ends the session", async () => {
    // A session of its own: changing the password ends every session of the account.
    const { token } = await createSession(world.rt.db, world.w.accounts.kaderL.id, world.rt.clock.now());
    const session = `balanting_session=${token}`;
    const b = await browser(session);
    const wrong = await b.post("/konsol/akun/sandi", { currentPassword: "bukan-ini-sandinya", newPassword: "sandi-baru-yang-panjang" });
    expect(wrong.headers.location).toBe("/konsol/akun?galat=wrong_password");
    expect((await get(session, String(wrong.headers.location))).body).toContain("Kata sandi saat ini salah");
    expect((await b.post("/konsol/akun/sandi", { currentPassword: PASSWORD, newPassword: "pendek" })).headers.location).toBe(
      "/konsol/akun?galat=validation_failed&kolom=newPassword",
    );
    const done = await b.post("/konsol/akun/sandi", { currentPassword: PASSWORD, newPassword: "sandi-baru-yang-panjang" });
    expect(done.headers.location).toBe("/konsol/masuk?ok=passwordChanged");
    expect((await get(session, "/konsol/akun")).headers.location).toMatch(/^\/konsol\/masuk/);
  });
});

describe("Log audit", () => {
  it("shows the Pokja the audit log, filtered by action and person; others get nothing", async () => {
    const all = await get("admin", "/konsol/akun/audit");
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain("account.create");
    const created = await get("admin", "/konsol/akun/audit?tindakan=account.create");
    const actions = [...created.body.matchAll(/data-field="action"><code>([^<]+)</g)].map((m) => m[1]);
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(["account.create"]));
    const byPusk = await get("admin", `/konsol/akun/audit?oleh=${world.w.accounts.puskP.id}`);
    expect(byPusk.body).toContain("Bidan Baru");
    expect((await get("admin", "/konsol/akun/audit?tindakan=%3Cscript%3E&dari=-5&oleh=x")).statusCode).toBe(200);
    expect((await get("puskP", "/konsol/akun/audit")).statusCode).toBe(404);
    expect((await get("puskP", "/konsol/akun")).body).not.toContain("/konsol/akun/audit");
  });
});

describe("WhatsApp", () => {
  it("says WhatsApp is off when the service runs without it; only the Pokja sees the page", async () => {
    const page = await get("admin", "/konsol/whatsapp");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-status="off"');
    expect(page.body).toContain("WhatsApp (Baileys) tidak aktif");
    expect((await get("puskP", "/konsol/whatsapp")).statusCode).toBe(404);
  });

  it("shows the connection state and the pairing QR while one waits, then that the number is linked", async () => {
    const rt = world.rt;
    const fake = fakeFactory();
    const hub = new ChannelHub();
    const adapter = createWhatsAppAdapter({
      rt,
      sink: async () => {},
      sendIntervalMs: 0,
      printQr: () => {},
      socketFactory: fake.factory,
      isPokjaAdmin: async (request) => (await staffOfRequest(rt.db, request.headers, rt.clock.now()))?.role === "pokja_admin",
      adminExists: () => pokjaAdminExists(rt.db),
    });
    hub.register(adapter);
    const app = await buildApp(rt, { hub });
    try {
      await adapter.start();
      fake.latest().ev.emit("connection.update", { qr: "2@pairing,abc,def" });
      const page = (cookie: string) => app.inject({ method: "GET", url: "/konsol/whatsapp", headers: { cookie } });
      const waiting = await page(world.w.cookie.admin);
      expect(waiting.body).toContain('data-status="connecting"');
      expect(waiting.body).toContain('<img src="/admin/whatsapp/qr"');
      const qr = await app.inject({ method: "GET", url: "/admin/whatsapp/qr", headers: { cookie: world.w.cookie.admin } });
      expect(qr.headers["content-type"]).toMatch(/image\/svg\+xml/);
      fake.latest().open();
      const linked = await page(world.w.cookie.admin);
      expect(linked.body).toContain('data-status="open"');
      expect(linked.body).not.toContain("<img");
      expect((await page(world.w.cookie.puskP)).statusCode).toBe(404);
    } finally {
      await adapter.stop();
      await app.close();
    }
  });

  it("shows WhatsApp's restriction on the number, what it holds back and when it lifts", async () => {
    const rt = world.rt;
    const fake = fakeFactory();
    const hub = new ChannelHub();
    const adapter = createWhatsAppAdapter({
      rt,
      sink: async () => {},
      sendIntervalMs: 0,
      printQr: () => {},
      socketFactory: fake.factory,
      isPokjaAdmin: async (request) => (await staffOfRequest(rt.db, request.headers, rt.clock.now()))?.role === "pokja_admin",
      adminExists: () => pokjaAdminExists(rt.db),
    });
    hub.register(adapter);
    const app = await buildApp(rt, { hub });
    try {
      await adapter.start();
      fake.latest().open();
      const page = () => app.inject({ method: "GET", url: "/konsol/whatsapp", headers: { cookie: world.w.cookie.admin } });
      expect((await page()).body).toContain('id="wa-safety" data-paused="false"');
      // WhatsApp's message-capping notification, as Baileys emits it (cycle end in epoch seconds).
      const end = Math.floor(rt.clock.now().getTime() / 1000) + 3 * 86_400;
      fake
        .latest()
        .cappingNotification({ capping_status: "CAPPED" as never, used_quota: 100, total_quota: 100, cycle_end_timestamp: String(end) });
      await vi.waitFor(() => expect(adapter.safety().paused).toBe(true));
      const body = (await page()).body;
      expect(body).toContain('data-paused="true"');
      expect(body).toContain("Batas pesan ke chat baru");
      expect(body).toContain(`${formatDateTime(new Date(end * 1000).toISOString())}`);
      expect(body).toContain("kuota chat baru terpakai 100 dari 100");
      const status = await app.inject({ method: "GET", url: "/admin/whatsapp/status", headers: { cookie: world.w.cookie.admin } });
      expect(status.json()).toMatchObject({
        safety: { paused: true, restrictions: [{ cause: "message-capping", liftsAt: new Date(end * 1000).toISOString() }] },
      });
      fake.latest().cappingNotification({ capping_status: "NONE" as never });
      await vi.waitFor(() => expect(adapter.safety().paused).toBe(false));
      expect((await page()).body).toContain('data-paused="false"');
    } finally {
      await adapter.stop();
      await app.close();
    }
  });
});

describe("Kampanye", () => {
  it("composes a campaign, counts and previews it, submits and sends it; the report reaches 100% and the mother gets it", async () => {
    // The mother on the web chat (Paringin p0) agreed to the privacy notice: she may receive campaigns.
    const [channel] = await world.rt.db
      .select({ contactId: contactChannels.contactId })
      .from(contactChannels)
      .where(eq(contactChannels.address, world.addressOf(ASKER)));
    await world.rt.db
      .update(contacts)
      .set({ consentVersion: "1", consentAt: world.rt.clock.now(), desaCode: world.w.desa.p0, lang: "bjn" })
      .where(eq(contacts.id, channel!.contactId));
    const b = await browser("puskP", "/konsol/kampanye");
    const form = {
      name: "Posyandu bulan ini",
      textId: "Datang ke posyandu di {nama_desa} ya, Bu.",
      textBjn: "Datang ka posyandu di {nama_desa} lah, Bu.",
      desa: world.w.desa.p0,
    };
    expect((await b.post("/konsol/kampanye", { ...form, textId: "Halo {nama_ibu}" })).headers.location).toBe(
      "/konsol/kampanye?galat=validation_failed&kolom=textId",
    );
    expect((await b.post("/konsol/kampanye", { ...form, name: "" })).headers.location).toBe(
      "/konsol/kampanye?galat=validation_failed&kolom=campaignName",
    );
    expect((await b.post("/konsol/kampanye", { ...form, desa: world.w.desa.l0 })).headers.location).toBe(
      "/konsol/kampanye?galat=validation_failed&kolom=desaCodes",
    );
    const made = await b.post("/konsol/kampanye", form);
    const url = String(made.headers.location).split("?")[0]!;
    expect(made.headers.location).toMatch(/^\/konsol\/kampanye\/[0-9a-f-]{36}\?ok=campaignSaved$/);
    const page = await get("puskP", url);
    expect(page.body).toContain('data-field="audience">1 orang');
    expect(page.body).toMatch(/data-preview="bjn">Datang ka posyandu di [^{<]+ lah, Bu\./);
    expect((await b.post(`${url}/kirim`)).headers.location).toBe(`${url}?galat=wrong_status`);
    expect((await b.post(`${url}/ajukan`)).headers.location).toBe(`${url}?ok=campaignSubmitted`);
    expect((await b.post(`${url}/kirim`)).headers.location).toBe(`${url}?ok=campaignSending`);
    await deliverOutbox(world.rt, world.hub);
    const report = await get("puskP", url);
    expect(report.body).toContain('data-field="progress">100,0%');
    expect(report.body).toContain('data-field="sent">1<');
    // The per-recipient CSV the page links to: the API's, with the browser's session.
    const csvHref = /href="(\/api\/v1\/campaigns\/[0-9a-f-]{36}\/recipients\.csv)"/.exec(report.body)?.[1];
    expect(csvHref).toBe(`/api/v1/campaigns/${url.split("/").at(-1)}/recipients.csv`);
    const csv = await get("puskP", csvHref!);
    expect(csv.headers["content-type"]).toContain("text/csv");
    expect(csv.body.split("\n")[0]).toContain("contactId,channel,lang,desaCode,status");
    expect((await world.inbox(ASKER)).map((r) => r.text).join("\n")).toContain("Datang ka posyandu di");
    expect((await get("puskP", "/konsol/kampanye")).body).toContain(`href="${url}"`);
    expect((await b.post(`${url}/jeda`)).headers.location).toBe(`${url}?galat=wrong_status`);
    // A kader has no campaigns; another puskesmas does not see this one.
    expect((await get("kaderP", "/konsol/kampanye")).statusCode).toBe(404);
    expect((await get("puskL", url)).statusCode).toBe(404);
  });

  it("holds a regency-wide campaign for another Pokja admin's approval; it can be cancelled", async () => {
    const b = await browser("admin", "/konsol/kampanye");
    const made = await b.post("/konsol/kampanye", {
      name: "Bulan timbang",
      textId: "Februari bulan timbang: bawa anak ke posyandu.",
      sameForBoth: "on",
      roles: "parent",
    });
    const url = String(made.headers.location).split("?")[0]!;
    expect((await b.post(`${url}/ajukan`)).headers.location).toBe(`${url}?ok=campaignSubmitted`);
    const waiting = await get("admin", url);
    expect(waiting.body).toContain('data-field="status">Menunggu persetujuan');
    // Not by its own creator: no button, and the API refuses.
    expect(waiting.body).not.toContain(`action="${url}/setujui"`);
    expect((await b.post(`${url}/setujui`)).headers.location).toBe(`${url}?galat=forbidden`);
    expect((await b.post(`${url}/batal`)).headers.location).toBe(`${url}?ok=campaignCancelled`);
    expect((await get("admin", url)).body).toContain('data-field="status">Dibatalkan');
  });
});
