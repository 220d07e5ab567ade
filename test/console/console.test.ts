// The console over HTTP without a browser: sign-in and its CSRF token, role navigation, escaping,
// errors in Indonesian, and the size of what a phone downloads. The browser test drives the pages.
import { eq } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../src/platform/audit.sql.js";
import { children } from "../../src/children/children.sql.js";
import { contacts } from "../../src/contacts/contacts.sql.js";
import { measurements } from "../../src/growth/growth.sql.js";
import { PASSWORD } from "../admin/fixture.js";
import { startConsoleWorld, type ConsoleWorld } from "./fixture.js";

let world: ConsoleWorld;
beforeAll(async () => {
  world = await startConsoleWorld();
});
afterAll(async () => {
  await world?.close();
});

/** name=value pairs of a response's Set-Cookie headers. */
function cookiesOf(res: LightMyRequestResponse): string[] {
  return res.cookies.map((c) => `${c.name}=${c.value}`);
}

/** The login form's CSRF cookie and token. */
async function loginForm(): Promise<{ cookie: string; token: string }> {
  const res = await world.app.inject({ method: "GET", url: "/konsol/masuk" });
  expect(res.statusCode).toBe(200);
  const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
  expect(token).toBeTruthy();
  return { cookie: cookiesOf(res).join("; "), token: token! };
}

async function signIn(username: string, password = PASSWORD): Promise<LightMyRequestResponse> {
  const { cookie, token } = await loginForm();
  return world.app.inject({
    method: "POST",
    url: "/konsol/masuk",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    payload: new URLSearchParams({ _csrf: token, username, password, ke: "/konsol/tindak-lanjut" }).toString(),
  });
}

describe("staff console over HTTP", () => {
  it("sends a visitor without a session to the login page, and back after signing in", async () => {
    const res = await world.app.inject({ method: "GET", url: "/konsol/tindak-lanjut" });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe("/konsol/masuk?ke=%2Fkonsol%2Ftindak-lanjut");
    const ok = await signIn("pusk.paringin");
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe("/konsol/tindak-lanjut");
    const session = ok.cookies.find((c) => c.name === "balanting_session");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict" });
  });

  it("refuses a form post without its CSRF token, in Indonesian", async () => {
    const res = await world.app.inject({
      method: "POST",
      url: "/konsol/masuk",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "username=admin&password=" + PASSWORD,
    });
    expect(res.statusCode).toBe(403);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
    expect(res.body).toContain("Formulir sudah kedaluwarsa");
    const { cookie } = await loginForm();
    const forged = await world.app.inject({
      method: "POST",
      url: `/konsol/rujukan/${world.referral.paringin}/terima`,
      headers: { cookie: `${cookie}; ${world.w.cookie.admin}`, "content-type": "application/x-www-form-urlencoded" },
      payload: "_csrf=forged-token",
    });
    expect(forged.statusCode).toBe(403);
  });

  it("parses HTML forms only under /konsol: the admin API still takes JSON alone", async () => {
    const res = await world.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: `username=admin&password=${PASSWORD}`,
    });
    expect(res.statusCode).toBe(415);
  });

  it("answers a wrong password with the reason in Indonesian, keeping the name typed", async () => {
    const res = await signIn("admin", "salah-sekali-kata-sandinya");
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain("Nama pengguna atau kata sandi salah");
    expect(res.body).toContain('value="admin"');
  });

  it("shows each role only the pages it may use", async () => {
    const nav = async (who: "admin" | "kaderP") => {
      const res = await world.app.inject({ method: "GET", url: "/konsol", headers: { cookie: world.w.cookie[who] } });
      expect(res.statusCode).toBe(200);
      return [...res.body.matchAll(/<li><a href="([^"]+)"/g)].map((m) => m[1]);
    };
    expect(await nav("admin")).toEqual([
      "/konsol",
      "/konsol/tindak-lanjut",
      "/konsol/kotak-masuk",
      "/konsol/kader",
      "/konsol/kampanye",
      "/konsol/ekspor",
      "/konsol/konten",
      "/konsol/whatsapp",
      "/konsol/akun",
    ]);
    expect(await nav("kaderP")).toEqual(["/konsol", "/konsol/tindak-lanjut", "/konsol/ekspor", "/konsol/konten", "/konsol/akun"]);
    const inbox = await world.app.inject({ method: "GET", url: "/konsol/kotak-masuk", headers: { cookie: world.w.cookie.kaderP } });
    expect(inbox.statusCode).toBe(404);
  });

  it("escapes what staff and families typed", async () => {
    await world.rt.db.update(children).set({ motherName: '<script>alert("x")</script>' }).where(eq(children.id, world.kids.Siti!));
    const res = await world.app.inject({
      method: "GET",
      url: `/konsol/anak/${world.kids.Siti}`,
      headers: { cookie: world.w.cookie.admin },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain("<script>alert");
    expect(res.body).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
  });

  it("treats a child outside the area as not there", async () => {
    const res = await world.app.inject({
      method: "GET",
      url: `/konsol/anak/${world.kids.Siti}`,
      headers: { cookie: world.w.cookie.puskL },
    });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain("di luar wilayah Anda");
  });

  it("checks an export form, then hands the download to the API's export", async () => {
    const get = (q: string) =>
      world.app.inject({ method: "GET", url: `/konsol/ekspor/unduh?${q}`, headers: { cookie: world.w.cookie.puskP } });
    const bad = await get("jenis=eppgbm&dari=2026-09-01&sampai=2026-08-01&format=csv");
    expect(bad.statusCode).toBe(303);
    expect(bad.headers.location).toBe("/konsol/ekspor?galat=export_form");
    const page = await world.app.inject({ method: "GET", url: String(bad.headers.location), headers: { cookie: world.w.cookie.puskP } });
    expect(page.body).toContain("Isian ekspor belum benar");
    const good = await get("jenis=recap&bulan=2026-08&per=posyandu&format=xlsx");
    expect(good.headers.location).toBe("/api/v1/reports/exports/recap?month=2026-08&by=posyandu&format=xlsx");
  });

  it("corrects a child and a measurement with a reason, and names a missing reason in Indonesian", async () => {
    const childPage = `/konsol/anak/${world.kids["Anak Q0"]}`;
    const page = await world.app.inject({ method: "GET", url: childPage, headers: { cookie: world.w.cookie.puskP } });
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const cookie = `${cookiesOf(page).join("; ")}; ${world.w.cookie.puskP}`;
    const post = (url: string, form: Record<string, string>) =>
      world.app.inject({
        method: "POST",
        url,
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        payload: new URLSearchParams({ _csrf: token, ...form }).toString(),
      });
    const same = { name: "Anak Q0", sex: "L", birthDate: "2024-05-01", motherName: "Ibu Anak Q0" };

    const noReason = await post(`${childPage}/koreksi`, { ...same, name: "Anak Q Nol", reason: "" });
    expect(noReason.headers.location).toBe(`${childPage}?galat=validation_failed&kolom=reason`);
    const shown = await world.app.inject({
      method: "GET",
      url: String(noReason.headers.location),
      headers: { cookie: world.w.cookie.puskP },
    });
    expect(shown.body).toContain("Isian belum benar: Alasan (minimal 3 huruf)");
    expect((await post(`${childPage}/koreksi`, { ...same, reason: "salah ketik" })).headers.location).toBe(
      `${childPage}?galat=nothing_changed`,
    );

    const renamed = await post(`${childPage}/koreksi`, { ...same, name: "Anak Q Nol", reason: "salah ketik nama" });
    expect(renamed.headers.location).toBe(`${childPage}?ok=childCorrected`);
    const [child] = await world.rt.db.select().from(children).where(eq(children.id, world.kids["Anak Q0"]!));
    expect(child!.name).toBe("Anak Q Nol");
    const audit = await world.rt.db.select().from(auditLog).where(eq(auditLog.entityId, world.kids["Anak Q0"]!));
    expect(audit.map((a) => a.reason)).toContain("salah ketik nama");

    const [old] = await world.rt.db.select().from(measurements).where(eq(measurements.childId, world.kids["Anak Q0"]!));
    const corrected = await post(`/konsol/pengukuran/${old!.id}/koreksi`, {
      anak: world.kids["Anak Q0"]!,
      weightKg: "10,4",
      lengthCm: "85",
      reason: "timbangan belum dinolkan",
    });
    expect(corrected.headers.location).toBe(`${childPage}?ok=measurementCorrected`);
    const rows = await world.rt.db.select().from(measurements).where(eq(measurements.childId, world.kids["Anak Q0"]!));
    expect(rows.find((m) => m.id === old!.id)?.cancelledAt).not.toBeNull();
    expect(rows.find((m) => m.id !== old!.id)).toMatchObject({ weightKg: 10.4, correctedFromId: old!.id });
    const badNumber = await post(`/konsol/pengukuran/${rows.find((m) => m.id !== old!.id)!.id}/koreksi`, {
      anak: world.kids["Anak Q0"]!,
      weightKg: "sepuluh",
      reason: "coba",
    });
    expect(badNumber.headers.location).toBe(`${childPage}?galat=validation_failed&kolom=weightKg`);
  });

  it("answers odd input with a page in Indonesian, never a 5xx", async () => {
    const admin = { cookie: world.w.cookie.admin };
    const odd: { method: "GET" | "POST"; url: string; headers?: Record<string, string>; payload?: string }[] = [
      { method: "GET", url: "/konsol?bulan=2026-13&indikator=%3Cx%3E&kecamatan=../../etc&lokus=semua" },
      { method: "GET", url: "/konsol?bulan[]=1&bulan[]=2" },
      { method: "GET", url: "/konsol/anak/not-a-uuid" },
      { method: "GET", url: "/konsol/anak/00000000-0000-0000-0000-000000000000" },
      { method: "GET", url: "/konsol/tidak-ada" },
      { method: "GET", url: "/konsol/konten/..%2Fetc" },
      { method: "GET", url: "/konsol/kampanye/00000000-0000-0000-0000-000000000000" },
      {
        method: "POST",
        url: "/konsol/kampanye",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        payload: "name[]=x&roles=nobody&desa=zz",
      },
      { method: "GET", url: "/konsol/konten/tidak-ada-topik" },
      { method: "GET", url: "/konsol/konten?alasan[]=x" },
      { method: "GET", url: "/konsol/akun/audit?dari=1e99&entitas=%00" },
      {
        method: "POST",
        url: "/konsol/konten/1000-hpk",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        payload: "title-id[]=x",
      },
      {
        method: "POST",
        url: "/konsol/akun/staf",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        payload: "role=__proto__",
      },
      { method: "GET", url: "/konsol/aset/..%2F..%2Fpackage.json" },
      { method: "GET", url: "/konsol/aset/constructor" },
      { method: "GET", url: "/konsol/aset/__proto__" },
      { method: "GET", url: "/konsol/ekspor/unduh?jenis=recap&bulan=x&format=pdf" },
      {
        method: "POST",
        url: "/konsol/rujukan/zzz/hasil",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        payload: "outcome=x",
      },
      { method: "POST", url: "/konsol/masuk", headers: { "content-type": "application/json" }, payload: '{"username":1}' },
      { method: "POST", url: "/konsol/masuk", headers: { "content-type": "application/x-www-form-urlencoded" }, payload: "%%%" },
      { method: "POST", url: "/konsol/keluar", headers: { "content-type": "text/plain" }, payload: "x" },
    ];
    for (const r of odd) {
      const res = await world.app.inject({ ...r, headers: { ...admin, ...(r.headers ?? {}) } });
      expect(res.statusCode, `${r.method} ${r.url}`).toBeLessThan(500);
      if (res.statusCode >= 400) expect(res.body, `${r.method} ${r.url}`).toMatch(/<html lang="id">/);
    }
  });

  it("refuses a kader registration with a reason, and asks for one", async () => {
    const page = await world.app.inject({ method: "GET", url: "/konsol/kader", headers: { cookie: world.w.cookie.puskL } });
    expect(page.body).toContain(`data-kader="${world.w.people.kL}"`);
    expect(page.body).not.toContain(`data-kader="${world.w.people.kP}"`);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const cookie = `${cookiesOf(page).join("; ")}; ${world.w.cookie.puskL}`;
    const refuse = (reason: string) =>
      world.app.inject({
        method: "POST",
        url: `/konsol/kader/${world.w.people.kL}/tolak`,
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        payload: new URLSearchParams({ _csrf: token, reason }).toString(),
      });
    expect((await refuse("")).headers.location).toBe("/konsol/kader?galat=validation_failed&kolom=reason");
    expect((await refuse("bukan kader posyandu ini")).headers.location).toBe("/konsol/kader?ok=kaderRefused");
    const [row] = await world.rt.db.select().from(contacts).where(eq(contacts.id, world.w.people.kL));
    expect(row!.kaderStatus).not.toBe("pending");
    expect((await refuse("sekali lagi")).headers.location).toBe("/konsol/kader?galat=not_pending");
    expect((await world.app.inject({ method: "GET", url: "/konsol/kader", headers: { cookie: world.w.cookie.bidanP } })).statusCode).toBe(
      404,
    );
  });

  it("gives a child's reminders to staff of its area only", async () => {
    const mine = await world.app.inject({
      method: "GET",
      url: `/api/v1/children/${world.kids.Siti}/reminders`,
      headers: { cookie: world.w.cookie.bidanP },
    });
    expect(mine.statusCode).toBe(200);
    const body = mine.json() as { plans: { programme: string }[]; items: { status: string; ruleKey: string }[] };
    expect(body.plans).toMatchObject([{ programme: "child", status: "active", nextDue: "2026-09-10" }]);
    expect(body.items.map((i) => [i.ruleKey, i.status])).toEqual([
      ["imm-dpt-hb-hib-1", "confirmed"],
      ["vitamin-a-blue", "sent"],
      ["posyandu-child", "planned"],
    ]);
    const other = await world.app.inject({
      method: "GET",
      url: `/api/v1/children/${world.kids.Siti}/reminders`,
      headers: { cookie: world.w.cookie.puskL },
    });
    expect(other.statusCode).toBe(404);
    const none = await world.app.inject({
      method: "GET",
      url: `/konsol/anak/${world.kids["Anak P1"]}`,
      headers: { cookie: world.w.cookie.admin },
    });
    expect(none.body).toContain("belum terdaftar di program pengingat");
  });

  it("turns the campaign form into the API's body, and names a schedule problem in Indonesian", async () => {
    const page = await world.app.inject({ method: "GET", url: "/konsol/kampanye", headers: { cookie: world.w.cookie.bidanP } });
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const cookie = `${cookiesOf(page).join("; ")}; ${world.w.cookie.bidanP}`;
    const post = (url: string, fields: [string, string][]) =>
      world.app.inject({
        method: "POST",
        url,
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        payload: new URLSearchParams([["_csrf", token], ...fields]).toString(),
      });
    const base: [string, string][] = [
      ["name", "Malam"],
      ["textId", "Halo {nama_desa}"],
      ["sameForBoth", "on"],
    ];
    // 22:00 is inside quiet hours: the API refuses, the console names the field.
    const quiet = await post("/konsol/kampanye", [
      ...base,
      ["when", "repeat"],
      ["every", "daily"],
      ["time", "22:00"],
      ["until", "2026-12-31"],
    ]);
    expect(quiet.headers.location).toBe("/konsol/kampanye?galat=validation_failed&kolom=time");
    const shown = await world.app.inject({ method: "GET", url: quiet.headers.location as string, headers: { cookie } });
    expect(shown.body).toContain("Jam kirim (di luar jam tenang malam)");
    // A button without a label and a bad number are named too, never a 5xx.
    const label = await post("/konsol/kampanye", [...base, ["b1kind", "reply"], ["b1id", ""]]);
    expect(label.headers.location).toMatch(/galat=validation_failed/);
    const age = await post("/konsol/kampanye", [...base, ["ageMin", "dua"]]);
    expect(age.headers.location).toMatch(/galat=validation_failed&kolom=min/);
    // Once at a WITA time: stored as that instant.
    const once = await post("/konsol/kampanye", [
      ...base,
      ["when", "at"],
      ["sendAt", "2026-12-24T09:30"],
      ["langs", "id"],
      ["notSeenDays", "30"],
      ["excludeInDialogue", "on"],
    ]);
    expect(once.headers.location).toMatch(/^\/konsol\/kampanye\/[0-9a-f-]{36}\?ok=campaignSaved$/);
    const id = /kampanye\/([0-9a-f-]{36})/.exec(once.headers.location as string)![1]!;
    const api = (
      await world.app.inject({ method: "GET", url: `/api/v1/campaigns/${id}`, headers: { cookie: world.w.cookie.bidanP } })
    ).json() as { campaign: Record<string, unknown> };
    expect(api.campaign).toMatchObject({
      sendAt: "2026-12-24T01:30:00.000Z",
      segment: { langs: ["id"], notSeenDays: 30, excludeInDialogue: true },
    });
    const detail = await world.app.inject({ method: "GET", url: `/konsol/kampanye/${id}`, headers: { cookie } });
    expect(detail.body).toContain("Sekali, 24 Des 2026 09.30 WITA");
    // The count of a form's filters (the compose form's button).
    const count = await post("/konsol/kampanye/hitung", [["roles", "parent"]]);
    expect(count.json()).toMatchObject({ ok: true, text: expect.stringMatching(/^\d+ orang/) });
    const badCount = await post("/konsol/kampanye/hitung", [["notSeenDays", "0"]]);
    expect(badCount.statusCode).toBe(400);
    expect(badCount.json()).toMatchObject({ ok: false, text: expect.stringContaining("Tidak menulis selama") });
  });

  it("shows the WhatsApp templates to the Pokja only", async () => {
    expect(
      (await world.app.inject({ method: "GET", url: "/konsol/konten/template-whatsapp", headers: { cookie: world.w.cookie.admin } }))
        .statusCode,
    ).toBe(200);
    expect(
      (await world.app.inject({ method: "GET", url: "/konsol/konten/template-whatsapp", headers: { cookie: world.w.cookie.puskP } }))
        .statusCode,
    ).toBe(404);
    expect(
      (await world.app.inject({ method: "GET", url: "/konsol/konten", headers: { cookie: world.w.cookie.puskP } })).body,
    ).not.toContain("template-whatsapp");
  });

  it("serves its scripts from the service, compressed, within 200 kB", async () => {
    let total = 0;
    for (const name of ["chart.js", "konsol.js", "konsol.css"]) {
      const res = await world.app.inject({ method: "GET", url: `/konsol/aset/${name}`, headers: { "accept-encoding": "gzip" } });
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-encoding"]).toBe("gzip");
      if (name.endsWith(".js")) total += res.rawPayload.length;
      const again = await world.app.inject({
        method: "GET",
        url: `/konsol/aset/${name}`,
        headers: { "if-none-match": String(res.headers.etag) },
      });
      expect(again.statusCode).toBe(304);
    }
    expect(total).toBeLessThanOrEqual(200 * 1024);
    const page = await world.app.inject({
      method: "GET",
      url: "/konsol",
      headers: { cookie: world.w.cookie.admin, "accept-encoding": "gzip" },
    });
    expect(page.headers["content-encoding"]).toBe("gzip");
  });
});
