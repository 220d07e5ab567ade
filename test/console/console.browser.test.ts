// The staff console in a real browser (Debian chromium through playwright-core), on the database the
// suite runs on: sign in as the Pokja and as a puskesmas and see only that area, the dashboard's
// table equals the API's figures, acknowledge a referral and record its outcome, answer a "tanya
// bidan" question and see the answer reach the mother's web chat; edit and disable an FAQ topic,
// add, rename and disable a WhatsApp template, approve and deactivate a kader, see a child's
// reminders, compose a repeating campaign with a button and finer filters and schedule it,
// make an API token and a staff account, read the audit log, change a password. Screenshots of every page at
// 360 px and 1280 px go to test-results/console/. Skipped where Chromium is missing, unless
// BALANTING_REQUIRE_CHROMIUM is set (CI).
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { and, eq } from "drizzle-orm";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../src/platform/audit.sql.js";
import { areas } from "../../src/areas/areas.sql.js";
import { children } from "../../src/children/children.sql.js";
import { contacts } from "../../src/contacts/contacts.sql.js";
import { deliverOutbox } from "../../src/channels/outbox.js";
import { formatPercent } from "../../src/console/format.js";
import { campaigns } from "../../src/campaigns/campaigns.sql.js";
import { referrals } from "../../src/growth/growth.sql.js";
import { LAMPIHONG, PARINGIN, PASSWORD, type Who } from "../admin/fixture.js";
import { ASKER, MONTH, QUESTION, startConsoleWorld, UNANSWERED, type ConsoleWorld } from "./fixture.js";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
if (!CHROMIUM && process.env.BALANTING_REQUIRE_CHROMIUM)
  throw new Error("Chromium is required (BALANTING_REQUIRE_CHROMIUM is set) but not installed");

const SHOTS = "test-results/console";

interface Figure {
  cases: number;
  measured: number;
  percent: number | null;
}
interface Prevalence {
  areas: { code: string; indicators: { stunting: Figure } }[];
  regency: { indicators: { stunting: Figure } };
}

// Generous per-test limit: a shared 2-core machine; every wait inside is on a selector or event.
describe.skipIf(!CHROMIUM)("the staff console in Chromium", { timeout: 180_000 }, () => {
  let world: ConsoleWorld;
  let browser: Browser;
  let base = "";
  const problems: string[] = [];

  beforeAll(async () => {
    world = await startConsoleWorld(new Date().toISOString());
    // localhost: Chromium keeps the session cookie (Secure) on plain http only there.
    base = (await world.app.listen({ host: "127.0.0.1", port: 0 })).replace("127.0.0.1", "localhost");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  /** A fresh browser (no cookies) watching for script errors and CSP refusals. */
  async function freshPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    // Waits are on selectors and events; their limit is only for a hang, generous for a busy machine.
    context.setDefaultTimeout(120_000);
    const page = await context.newPage();
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
    return page;
  }

  async function signIn(username: string): Promise<Page> {
    const page = await freshPage();
    await page.goto(`${base}/konsol`);
    await page.waitForSelector("form[action='/konsol/masuk']");
    await page.fill("#username", username);
    await page.fill("#password", PASSWORD);
    await page.click("form[action='/konsol/masuk'] button[type=submit]");
    await page.waitForSelector("nav[aria-label] a[aria-current=page]");
    return page;
  }

  /** The page at 360 px and at 1280 px, each after the charts had a frame to fit the width. */
  async function shoot(page: Page, name: string): Promise<void> {
    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      // Evaluated in the page (a string: the test code has no DOM types).
      await page.evaluate("new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))");
      await page.screenshot({ path: `${SHOTS}/${world.rt.engine}-${name}-${width}.png`, fullPage: true });
      // Usable at 360 px: nothing wider than the screen (wide tables scroll inside their box).
      expect(await page.evaluate("document.documentElement.scrollWidth"), `${name} at ${width} px`).toBeLessThanOrEqual(width);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  async function api<T>(who: Who, url: string): Promise<T> {
    const res = await world.app.inject({ method: "GET", url, headers: { cookie: world.w.cookie[who] } });
    expect(res.statusCode).toBe(200);
    return res.json() as T;
  }

  /** The dashboard's prevalence table as the page shows it. */
  async function tableOf(page: Page) {
    await page.waitForSelector("#prevalence-table");
    return page.$$eval("#prevalence-table tr[data-code]", (rows) =>
      rows.map((r) => ({
        code: r.getAttribute("data-code"),
        percent: r.querySelector("[data-field=percent]")?.textContent?.trim(),
        cases: r.querySelector("[data-field=cases]")?.textContent?.trim(),
      })),
    );
  }

  const expectedRows = (p: Prevalence) => [
    ...p.areas.map((a) => ({
      code: a.code,
      percent: formatPercent(a.indicators.stunting.percent),
      cases: `${a.indicators.stunting.cases}/${a.indicators.stunting.measured}`,
    })),
    {
      code: "regency",
      percent: formatPercent(p.regency.indicators.stunting.percent),
      cases: `${p.regency.indicators.stunting.cases}/${p.regency.indicators.stunting.measured}`,
    },
  ];

  it("signs the Pokja in; the dashboard shows the regency, its table equal to the API's figures", async () => {
    const login = await freshPage();
    await login.goto(`${base}/konsol/masuk`);
    await login.waitForSelector("#username");
    await shoot(login, "masuk");
    await login.close();

    const page = await signIn("admin");
    expect(await page.$$eval("nav a", (as) => as.map((a) => a.textContent))).toEqual([
      "Beranda",
      "Tindak lanjut",
      "Kotak masuk bidan",
      "Kader",
      "Kampanye",
      "Ekspor / impor",
      "Konten",
      "WhatsApp",
      "Akun",
    ]);
    // The seeded round (the service clock is today's date).
    await page.goto(`${base}/konsol?bulan=${MONTH}`);
    await page.waitForSelector("canvas[data-drawn]");
    // Prevalence bars, the trend and SKDN per posyandu.
    expect(await page.locator("canvas[data-drawn]").count()).toBe(3);
    expect(await page.getAttribute("#skdn-chart", "data-drawn")).toBe("1");
    const shown = await tableOf(page);
    const fromApi = await api<Prevalence>("admin", `/api/v1/reports/prevalence?month=${MONTH}&level=kecamatan`);
    expect(shown).toEqual(expectedRows(fromApi));
    expect(shown.map((r) => r.code)).toEqual(expect.arrayContaining([PARINGIN, LAMPIHONG]));
    // Paringin: 13 children measured in p0 and 3 in p1; stunted (TB/U < −2): Siti, four in p0, one in p1.
    expect(shown.find((r) => r.code === PARINGIN)).toMatchObject({ cases: "6/16" });
    const trend = await api<{ months: { month: string; total: { indicators: { stunting: Figure } } }[] }>(
      "admin",
      `/api/v1/reports/trend?from=2025-09&to=${MONTH}`,
    );
    const august = await page.textContent(`#trend-table tr[data-month='${MONTH}'] [data-field=percent]`);
    expect(august?.trim()).toBe(formatPercent(trend.months.at(-1)!.total.indicators.stunting.percent));
    // SKDN per posyandu equals the API's (the table is open: a small area has few posyandu).
    const skdn = await api<{ posyandu: { posyanduId: string; all: Record<string, number> }[] }>(
      "admin",
      `/api/v1/reports/skdn?month=${MONTH}`,
    );
    const melati = skdn.posyandu.find((p) => p.posyanduId === world.w.posyandu.p0)!;
    expect(await page.getAttribute("#skdn-h ~ details", "open")).not.toBeNull();
    for (const c of ["S", "D", "N"])
      expect(await page.textContent(`#skdn-table tr[data-posyandu='${world.w.posyandu.p0}'] [data-field='${c}']`)).toBe(
        String(melati.all[c]),
      );
    await shoot(page, "beranda");

    // One kecamatan's desa.
    await page.selectOption("#kecamatan", PARINGIN);
    await page.click("form.filters button[type=submit]");
    await page.waitForURL(/kecamatan=63\.11\.06/);
    const desa = await api<Prevalence>("admin", `/api/v1/reports/prevalence?month=${MONTH}&level=desa&within=${PARINGIN}`);
    expect(await tableOf(page)).toEqual(expectedRows(desa));
    expect(await page.locator("#prevalence-table tr.small-n").count()).toBeGreaterThan(0);
    await page.context().close();
  });

  it("signs a puskesmas in to its own area only; it acknowledges a referral and records the outcome", async () => {
    const page = await signIn("pusk.lampihong");
    await page.goto(`${base}/konsol?bulan=${MONTH}`);
    const shown = await tableOf(page);
    expect(shown.map((r) => r.code)).toEqual([LAMPIHONG, "regency"]);
    expect(shown).toEqual(expectedRows(await api<Prevalence>("puskL", `/api/v1/reports/prevalence?month=${MONTH}&level=kecamatan`)));

    await page.click("nav a[href='/konsol/tindak-lanjut']");
    const row = `tr[data-referral='${world.referral.lampihong}']`;
    await page.waitForSelector(row);
    expect(await page.locator(`tr[data-referral='${world.referral.paringin}']`).count()).toBe(0);
    await shoot(page, "tindak-lanjut");
    await page.click(`${row} form[action$='/terima'] button`);
    await page.waitForSelector(".flash.ok");
    expect(await page.textContent(`${row} [data-field=status]`)).toContain("Sudah diterima");
    const [acked] = await world.rt.db.select().from(referrals).where(eq(referrals.id, world.referral.lampihong));
    expect(acked).toMatchObject({ status: "acknowledged", acknowledgedBy: world.w.accounts.puskL.id });
    const audit = await world.rt.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, world.referral.lampihong), eq(auditLog.action, "referral.acknowledge")));
    expect(audit).toHaveLength(1);

    await page.selectOption(`${row} select[name=outcome]`, "ditangani");
    await page.click(`${row} form[action$='/hasil'] button`);
    await page.waitForSelector(".flash.ok");
    expect(await page.locator(row).count()).toBe(0);
    const [closed] = await world.rt.db.select().from(referrals).where(eq(referrals.id, world.referral.lampihong));
    expect(closed).toMatchObject({ status: "closed", outcome: "ditangani" });
    await page.context().close();
  });

  it("shows a child's growth chart over the WHO lines, with its measurements, and corrects one", async () => {
    const page = await signIn("admin");
    await page.goto(`${base}/konsol/anak/${world.kids.Siti}`);
    await page.waitForSelector("canvas[data-drawn]");
    expect(await page.locator("#measurements tbody tr").count()).toBe(4);
    // Her reminders beside the measurements and referrals: newest first, each with its status.
    const reminders = await page.$$eval("#reminders tbody tr", (rows) =>
      rows.map((r) => [r.getAttribute("data-status"), r.querySelector("[data-field=status]")?.textContent]),
    );
    expect(reminders).toEqual([
      ["planned", "Direncanakan"],
      ["sent", "Terkirim"],
      ["confirmed", "Dikonfirmasi (SUDAH)"],
    ]);
    expect(await page.textContent("#reminders")).toContain("Imunisasi (DPT-HB-Hib 1)");
    expect(await page.textContent("#plans")).toContain("Program pengingat anak: berjalan");
    await shoot(page, "anak");
    // Correct the latest weighing: a re-assessed measurement replaces it, the old one shown struck out.
    const latest = "#measurements tbody tr:first-child";
    await page.click(`${latest} details summary`);
    await page.fill(`${latest} input[name=weightKg]`, "7,8");
    await page.fill(`${latest} input[name=reason]`, "salah baca timbangan");
    await page.click(`${latest} form button`);
    await page.waitForSelector(".flash.ok");
    expect(await page.locator("#measurements tbody tr").count()).toBe(5);
    expect(await page.locator("#measurements tbody tr.cancelled").count()).toBe(1);
    await page.context().close();
  });

  it("lets the bidan answer a question; the answer reaches the mother's chat", async () => {
    const page = await signIn("bidan.paringin");
    await page.click("nav a[href='/konsol/kotak-masuk']");
    const card = `article[data-question='${world.questionId}']`;
    await page.waitForSelector(card);
    expect(await page.textContent(`${card} .asked`)).toBe(QUESTION);
    await shoot(page, "kotak-masuk");
    const answer = "Coba bubur yang lebih lembut dan beri sedikit-sedikit; datang ke posyandu tanggal 10 ya, Bu.";
    await page.fill(`${card} textarea`, answer);
    await page.click(`${card} form[action$='/jawab'] button`);
    await page.waitForSelector(".flash.ok");
    expect(await page.locator(card).count()).toBe(0);
    expect(await page.textContent("ul.answered")).toContain(answer);

    await deliverOutbox(world.rt, world.hub);
    const received = (await world.inbox(ASKER)).map((r) => r.text).join("\n");
    expect(received).toContain(answer);

    // Signing out ends the session: the console asks to sign in again.
    await page.click("form[action='/konsol/keluar'] button");
    await page.waitForSelector(".flash.ok");
    await page.goto(`${base}/konsol/kotak-masuk`);
    await page.waitForSelector("form[action='/konsol/masuk']");
    await page.context().close();
  });

  it("runs an export and an e-PPGBM import (dry run, then apply); problems are named in Indonesian", async () => {
    const page = await signIn("pusk.paringin");
    await page.click("nav a[href='/konsol/ekspor']");
    await page.waitForSelector("#export-recap");
    await shoot(page, "ekspor");
    await page.fill("#recap-month", MONTH);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-recap button[type=submit]")]);
    expect(download.suggestedFilename()).toBe(`rekap-posyandu-${MONTH}.csv`);
    const recap = readFileSync((await download.path())!, "utf8");
    expect(recap).toContain("Posyandu Melati");
    expect(recap).not.toContain("Posyandu Anggrek"); // Lampihong's

    const [desa] = await world.rt.db.select({ name: areas.name }).from(areas).where(eq(areas.code, world.w.desa.p0));
    const csv = (rows: string[]) =>
      Buffer.from(["Nama;JK;Tgl Lahir;Desa/Kel;Posyandu;Tanggal Pengukuran;Berat;Tinggi", ...rows].join("\n"));
    await page.setInputFiles("#import-file", {
      name: "salah.csv",
      mimeType: "text/csv",
      buffer: csv([`Anak Salah;L;01/02/2025;Desa Yang Tidak Ada;;10/08/2026;9,1;74`]),
    });
    await page.click("#import button[type=submit]");
    await page.waitForSelector("#import-result table.problems");
    expect(await page.textContent("#import-result table.problems tbody")).toContain("bukan desa di wilayah Anda");
    expect(await page.isDisabled("#import-apply")).toBe(true);

    await page.setInputFiles("#import-file", {
      name: "posyandu.csv",
      mimeType: "text/csv",
      buffer: csv([`Anak Impor;P;01/02/2025;${desa!.name};Melati;10/08/2026;9,1;74`]),
    });
    await page.click("#import button[type=submit]");
    await page.waitForSelector("#import-result .summary");
    expect(await page.textContent("#import-result .flash.ok")).toContain("Tidak ada masalah");
    await shoot(page, "impor");
    await page.click("#import-apply");
    await page.waitForSelector("#import-result .applied");
    expect(await page.textContent("#import-result .applied")).toContain("Impor selesai");
    expect(await world.rt.db.select({ id: children.id }).from(children).where(eq(children.name, "Anak Impor"))).toHaveLength(1);
    await page.context().close();
  });

  it("lets a puskesmas approve a new kader of its area, assigning a posyandu", async () => {
    const page = await signIn("pusk.paringin");
    await page.click("nav a[href='/konsol/kader']");
    const card = `article[data-kader='${world.w.people.kP}']`;
    await page.waitForSelector(card);
    expect(await page.locator(`article[data-kader='${world.w.people.kL}']`).count()).toBe(0); // Lampihong's
    expect(await page.locator(`#reporting tr[data-posyandu='${world.w.posyandu.p0}']`).count()).toBe(1);
    await shoot(page, "kader");
    await page.selectOption(`${card} select[name=posyanduId]`, world.w.posyandu.p0);
    await page.click(`${card} form[action$='/setujui'] button`);
    await page.waitForSelector(".flash.ok");
    expect(await page.locator(card).count()).toBe(0);
    const [kader] = await world.rt.db.select().from(contacts).where(eq(contacts.id, world.w.people.kP));
    expect(kader).toMatchObject({ kaderStatus: "active", posyanduId: world.w.posyandu.p0 });

    // Now among the active kader, at Posyandu Melati; deactivated with a reason (audited).
    const active = `#active-kader tr[data-active-kader='${world.w.people.kP}']`;
    await page.waitForSelector(active);
    expect(await page.textContent(active)).toContain("Melati");
    await shoot(page, "kader-aktif");
    await page.click(`${active} details summary`);
    await page.fill(`${active} input[name=reason]`, "pindah ke luar kabupaten");
    await page.click(`${active} form[action$='/nonaktifkan'] button`);
    await page.waitForSelector(".flash.ok");
    expect(await page.locator(active).count()).toBe(0);
    const [off] = await world.rt.db.select().from(contacts).where(eq(contacts.id, world.w.people.kP));
    expect(off?.kaderStatus).toBe("inactive");
    const trail = await world.rt.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, world.w.people.kP), eq(auditLog.action, "kader.deactivate")));
    expect(trail).toMatchObject([{ reason: "pindah ke luar kabupaten" }]);
    await page.context().close();
  });

  it("lets the Pokja edit an FAQ topic with a reason and disable it; shows the content backlog", async () => {
    const page = await signIn("admin");
    await page.click("nav a[href='/konsol/konten']");
    await page.waitForSelector("#topics tr[data-topic='1000-hpk']");
    expect(await page.textContent(`#backlog tr[data-backlog='${world.backlogId}']`)).toContain(UNANSWERED);
    await shoot(page, "konten");
    await page.click("#topics tr[data-topic='1000-hpk'] a");
    await page.waitForSelector("#edit-topic");
    await shoot(page, "konten-topik");
    await page.fill("#title-id", "1000 HPK: dari hamil sampai anak 2 tahun");
    await page.fill("#edit-reason", "memperjelas judul");
    await page.click("#edit-topic button[type=submit]");
    await page.waitForSelector(".flash.ok");
    expect(await page.inputValue("#title-id")).toBe("1000 HPK: dari hamil sampai anak 2 tahun");
    await page.fill("#toggle-reason", "isi sedang ditinjau");
    await page.click("#toggle-topic button[type=submit]");
    await page.waitForSelector(".flash.ok");
    expect(await page.textContent("dd[data-field=status]")).toBe("Nonaktif");
    const topic = await api<{ disabled: boolean; texts: { id: { title: string } } }>("admin", "/api/v1/faq/topics/1000-hpk");
    expect(topic).toMatchObject({ disabled: true, texts: { id: { title: "1000 HPK: dari hamil sampai anak 2 tahun" } } });
    await page.context().close();
  });

  it("lets the Pokja make an API token, create a kader account and read the audit log; WhatsApp says it is off", async () => {
    const page = await signIn("admin");
    await page.click("nav a[href='/konsol/akun']");
    await page.waitForSelector("#token-form");
    await page.fill("#token-name", "dasbor dinas");
    await page.click("#token-form button[type=submit]");
    await page.waitForSelector("#new-token code.secret");
    const token = (await page.textContent("#new-token code.secret"))!.trim();
    const me = await world.app.inject({ method: "GET", url: "/api/v1/me", headers: { authorization: `Bearer ${token}` } });
    expect(me.statusCode).toBe(200);
    await page.fill("#new-username", "kader.melati2");
    await page.fill("#new-name", "Kader Melati Dua");
    await page.fill("#new-password", "kata-sandi-awal-123");
    await page.selectOption("#new-role", "kader");
    await page.selectOption("#new-posyanduId", world.w.posyandu.p0);
    await page.click("#account-form button[type=submit]");
    await page.waitForSelector(".flash.ok");
    expect(await page.textContent("#accounts")).toContain("Kader Melati Dua");
    expect(await page.locator("#new-token").count()).toBe(0); // the token is shown once only
    await shoot(page, "akun");

    await page.click("a[href='/konsol/akun/audit']");
    await page.waitForSelector("#audit");
    await page.fill("#tindakan", "account.create");
    await page.click("#audit-filters button[type=submit]");
    await page.waitForURL(/tindakan=account\.create/);
    const actions = await page.$$eval("#audit [data-field=action]", (cells) => cells.map((c) => c.textContent));
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(["account.create"]));
    await shoot(page, "audit");

    await page.click("nav a[href='/konsol/whatsapp']");
    await page.waitForSelector("#wa-status[data-status=off]");
    await shoot(page, "whatsapp");
    await page.context().close();
  });

  it("lets a kader change the password; the console then asks to sign in with the new one", async () => {
    const page = await signIn("kader.lampihong");
    expect(await page.$$eval("nav a", (as) => as.map((a) => a.textContent))).toEqual([
      "Beranda",
      "Tindak lanjut",
      "Ekspor / impor",
      "Konten",
      "Akun",
    ]);
    await page.click("nav a[href='/konsol/akun']");
    await page.fill("#current", PASSWORD);
    await page.fill("#new", "sandi-baru-kader-123");
    await page.click("#password-form button[type=submit]");
    await page.waitForSelector("form[action='/konsol/masuk']");
    expect(await page.textContent(".flash.ok")).toContain("Kata sandi sudah diganti");
    await page.fill("#username", "kader.lampihong");
    await page.fill("#password", "sandi-baru-kader-123");
    await page.click("form[action='/konsol/masuk'] button[type=submit]");
    await page.waitForSelector("nav[aria-label] a[aria-current=page]");
    await page.context().close();
  });

  it("lets a puskesmas compose a campaign (Indonesian and Banjar side by side), see its count and preview, submit and send it", async () => {
    const page = await signIn("pusk.paringin");
    await page.click("nav a[href='/konsol/kampanye']");
    await page.waitForSelector("#compose");
    await shoot(page, "kampanye");
    await page.fill("#c-name", "Posyandu bulan ini");
    await page.fill("#c-textId", "Datang ke posyandu di {nama_desa} ya, Bu.");
    await page.fill("#c-textBjn", "Datang ka posyandu di {nama_desa} lah, Bu.");
    await page.selectOption("#c-desa", world.w.desa.p0);
    await page.click("#compose button[type=submit]");
    await page.waitForSelector("[data-preview=bjn]");
    expect(await page.textContent("[data-preview=bjn]")).toMatch(/^Datang ka posyandu di \S/);
    expect(await page.textContent("[data-field=audience]")).toMatch(/^\d+ orang/);
    await shoot(page, "kampanye-rinci");
    await page.click("form[action$='/ajukan'] button");
    await page.waitForSelector("form[action$='/kirim']");
    expect(await page.textContent("[data-field=status]")).toBe("Disetujui");
    await page.click("form[action$='/kirim'] button");
    await page.waitForSelector(".flash.ok");
    expect(["Sedang dikirim", "Selesai"]).toContain(await page.textContent("[data-field=status]"));
    // The report per kecamatan, as the API counts the frozen list.
    const [sent] = await world.rt.db.select().from(campaigns).where(eq(campaigns.name, "Posyandu bulan ini"));
    const report = await api<{ totals: { recipients: number }; kecamatan: { code: string; recipients: number }[] }>(
      "puskP",
      `/api/v1/campaigns/${sent!.id}/report`,
    );
    await page.reload();
    expect(await page.locator("#report-kecamatan tbody tr").count()).toBe(report.kecamatan.length);
    for (const k of report.kecamatan)
      expect(await page.textContent(`#report-kecamatan tr[data-code='${k.code}'] [data-field=recipients]`)).toBe(String(k.recipients));
    expect(report.kecamatan.reduce((n, k) => n + k.recipients, 0)).toBe(report.totals.recipients);
    await page.context().close();
  });

  it("lets the Pokja add a WhatsApp template, rename it with a reason and disable it; the API and the audit log follow", async () => {
    const page = await signIn("admin");
    await page.click("nav a[href='/konsol/konten']");
    await page.click("#templates-link");
    await page.waitForSelector("#template-form");
    await page.selectOption("#tpl-kind", "reminder");
    await page.selectOption("#tpl-lang", "id");
    await page.fill("#tpl-name", "balanting_pengingat");
    await page.click("#template-form button[type=submit]");
    await page.waitForSelector(".flash.ok");
    const row = "#templates tbody tr:first-child";
    expect(await page.textContent(`${row} [data-field=name]`)).toBe("balanting_pengingat");
    await shoot(page, "template-whatsapp");
    // The same kind and language again: refused, in Indonesian.
    await page.selectOption("#tpl-kind", "reminder");
    await page.fill("#tpl-name", "balanting_lain");
    await page.click("#template-form button[type=submit]");
    await page.waitForSelector(".flash.error");
    expect(await page.textContent(".flash.error")).toContain("sudah punya template");

    await page.click(`${row} details summary`);
    await page.fill(`${row} input[id^=tn-]`, "balanting_pengingat_v2");
    await page.fill(`${row} input[id^=tr-]`, "nama baru disetujui Meta");
    await page.click(`${row} input[id^=tr-] ~ button`);
    await page.waitForSelector(".flash.ok");
    expect(await page.textContent(`${row} [data-field=name]`)).toBe("balanting_pengingat_v2");
    await page.click(`${row} details summary`);
    await page.fill(`${row} input[id^=tt-]`, "template ditolak Meta");
    await page.click(`${row} form[action$='/nonaktif'] button`);
    await page.waitForSelector(".flash.ok");
    expect(await page.textContent(`${row} [data-field=status]`)).toBe("Nonaktif");

    const list = await api<{ items: { id: string; name: string; disabled: boolean }[]; inForce: Record<string, unknown> }>(
      "admin",
      "/api/v1/whatsapp-templates",
    );
    expect(list.items).toMatchObject([{ name: "balanting_pengingat_v2", disabled: true }]);
    expect(list.inForce.reminder).toBeUndefined();
    const trail = await world.rt.db.select().from(auditLog).where(eq(auditLog.entityId, list.items[0]!.id));
    expect(trail.map((a) => [a.action, a.reason]).sort()).toEqual([
      ["whatsapp_template.create", null],
      ["whatsapp_template.disable", "template ditolak Meta"],
      ["whatsapp_template.update", "nama baru disetujui Meta"],
    ]);
    await page.context().close();
  });

  it("lets a puskesmas compose a repeating campaign with a button and finer filters, count it, schedule it and find it in the list", async () => {
    const page = await signIn("pusk.paringin");
    await page.click("nav a[href='/konsol/kampanye']");
    await page.waitForSelector("#compose");
    await page.fill("#c-name", "Posyandu Senin dan Kamis");
    await page.fill("#c-textId", "Besok posyandu di {nama_desa}, Bu. Datang ya?");
    await page.check("#c-same");
    await page.click("#compose details.card > summary");
    await page.selectOption("#b1kind", "reply");
    await page.fill("#b1id", "Ya, datang");
    await page.fill("#b1bjn", "Inggih");
    await page.click("#c-more > summary");
    await page.check("input[name=langs][value=bjn]");
    await page.fill("#c-ageMin", "0");
    await page.fill("#c-ageMax", "59");
    // The count of these filters, asked without leaving the form (konsol.js).
    await page.click("#c-count");
    // (A locator, not waitForFunction: the console's CSP forbids evaluating strings.)
    await page.locator("#c-audience", { hasText: "orang" }).waitFor();
    await page.check("#c-when-repeat");
    await page.selectOption("#c-every", "weekly");
    await page.fill("#c-time", "09:00");
    await page.check("input[name=weekdays][value='1']");
    await page.check("input[name=weekdays][value='4']");
    const until = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
    await page.fill("#c-until", until);
    await shoot(page, "kampanye-tulis");
    await page.click("#compose button[type=submit]");
    await page.waitForSelector("[data-field=timing]");
    expect(await page.textContent("[data-field=timing]")).toMatch(/^Setiap Senin, Kamis pukul 09:00, sampai /);
    expect(await page.textContent("[data-field=buttons]")).toContain("Ya, datang / Inggih");
    expect(await page.textContent("[data-field=segment]")).toContain("Bahasa: Banjar");
    await page.click("form[action$='/ajukan'] button");
    await page.waitForSelector("form[action$='/kirim']");
    expect(await page.textContent("form[action$='/kirim'] button")).toBe("Jadwalkan");
    await page.click("form[action$='/kirim'] button");
    await page.waitForSelector(".flash.ok");
    expect(await page.textContent(".flash.ok")).toContain("dijadwalkan");
    expect(await page.textContent("[data-field=status]")).toBe("Terjadwal");
    await shoot(page, "kampanye-terjadwal");

    await page.click("a[href='/konsol/kampanye']");
    const [saved] = await world.rt.db.select().from(campaigns).where(eq(campaigns.name, "Posyandu Senin dan Kamis"));
    expect(saved).toMatchObject({
      status: "scheduled",
      sameForBoth: true,
      buttons: [{ kind: "reply", label: { id: "Ya, datang", bjn: "Inggih" } }],
      segment: { langs: ["bjn"], childAgeMonths: { min: 0, max: 59 } },
      repeat: { every: "weekly", weekdays: [1, 4], time: "09:00", until },
    });
    const listed = `#campaigns tr[data-campaign='${saved!.id}']`;
    await page.waitForSelector(listed);
    expect(await page.textContent(`${listed} [data-field=status]`)).toBe("Terjadwal");
    expect(await page.textContent(`${listed} [data-field=timing]`)).toContain("Setiap Senin, Kamis pukul 09:00");
    await page.context().close();
  });

  it("raised no script error and no CSP refusal on any page", () => {
    expect(problems).toEqual([]);
  });
});
