// The admin API as a whole: bootstrap, login, lockout, sessions, API tokens and their revocation,
// the CLI, chat links; then, on a seeded Balangan, schema validation (unknown fields rejected,
// fields named, random input never a 5xx), the audit log and the OpenAPI document.
// One file, one database: starting a database is the slow part of these tests.
import { eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { ensureAuditAppendOnly } from "../../src/platform/audit.js";
import { issueChatLinkCode } from "../../src/admin/chat-link.js";
import { requireStaff } from "../../src/platform/http/auth.js";
import type { AdminRoutes } from "../../src/admin/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffAccounts, staffChatLinks } from "../../src/admin/accounts.sql.js";
import { LOCKOUT_MS } from "../../src/admin/auth.js";
import { CHAT_LINK_CODE_TTL_MS, CHAT_LINK_MAX_FAILURES_GLOBAL, redeemChatLinkCode } from "../../src/admin/chat-link.js";
import { runAdminCli } from "../../src/admin/cli.js";
import { contacts } from "../../src/contacts/contacts.sql.js";
import { createTestRuntime, testConfig, type TestRuntime } from "../helpers/runtime.js";
import { buildAdminApp, PASSWORD, seedWorld, type Who, type World } from "./fixture.js";

const BOOTSTRAP_TOKEN = "bootstrap-token-long-enough-0123456789";

let rt: TestRuntime;
let app: FastifyInstance;

beforeAll(async () => {
  rt = await createTestRuntime({ env: { ADMIN_BOOTSTRAP_TOKEN: BOOTSTRAP_TOKEN } });
  app = await buildAdminApp(rt);
});
afterAll(async () => {
  await app?.close();
  await rt?.close();
});

const sessionCookie = (res: { cookies: { name: string; value: string }[] }) => {
  const c = res.cookies.find((x) => x.name === "balanting_session");
  return c ? `balanting_session=${c.value}` : "";
};
const login = (username: string, password: string) =>
  app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { username, password } });
const me = (headers: Record<string, string>) => app.inject({ method: "GET", url: "/api/v1/me", headers });

let adminCookie = "";

describe("bootstrap", () => {
  it("refuses a wrong token", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/api/v1/bootstrap",
      payload: { token: "wrong-token-wrong-token-wrong", username: "pokja", name: "Pokja Balangan", password: PASSWORD },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: "bad_bootstrap_token" });
  });

  it("creates the first pokja_admin once", async () => {
    const payload = { token: BOOTSTRAP_TOKEN, username: "Pokja", name: "Pokja Balangan", password: PASSWORD };
    const res = await app.inject({ method: "POST", url: "/api/v1/bootstrap", payload });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ account: { username: "pokja", role: "pokja_admin", active: true } });
    expect(JSON.stringify(res.json())).not.toContain("argon2");
    const again = await app.inject({ method: "POST", url: "/api/v1/bootstrap", payload: { ...payload, username: "pokja2" } });
    expect(again.statusCode).toBe(409);
  });

  it("is off when no bootstrap token is configured", async () => {
    // Same database, a configuration without the token.
    const otherApp = await buildAdminApp({ ...rt, config: testConfig() });
    try {
      const res = await otherApp.inject({
        method: "POST",
        url: "/api/v1/bootstrap",
        payload: { token: BOOTSTRAP_TOKEN, username: "pokja", name: "Pokja", password: PASSWORD },
      });
      expect(res.json()).toMatchObject({ error: "bootstrap_disabled" });
    } finally {
      await otherApp.close();
    }
  });
});

describe("login and sessions", () => {
  it("signs in with a secure, http-only, same-site session cookie", async () => {
    const res = await login("POKJA", PASSWORD);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === "balanting_session");
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/" });
    adminCookie = sessionCookie(res);
    const who = await me({ cookie: adminCookie });
    expect(who.json()).toMatchObject({ account: { username: "pokja" }, scope: { all: true } });
  });

  it("answers a wrong password and an unknown user alike", async () => {
    const a = await login("pokja", "not-the-password");
    const b = await login("nobody", "not-the-password");
    expect(a.statusCode).toBe(401);
    expect(b.statusCode).toBe(401);
    expect(a.json()).toEqual(b.json());
    await login("pokja", PASSWORD); // resets the failure count
  });

  it("rejects anonymous and forged sessions", async () => {
    expect((await me({})).statusCode).toBe(401);
    expect((await me({ cookie: "balanting_session=forged" })).statusCode).toBe(401);
  });

  it("ends the session at logout", async () => {
    const res = await login("pokja", PASSWORD);
    const cookie = sessionCookie(res);
    expect((await app.inject({ method: "POST", url: "/api/v1/auth/logout", headers: { cookie } })).statusCode).toBe(204);
    expect((await me({ cookie })).statusCode).toBe(401);
    expect((await me({ cookie: adminCookie })).statusCode).toBe(200);
  });

  it("ends sessions after 12 hours", async () => {
    const cookie = sessionCookie(await login("pokja", PASSWORD));
    rt.clock.advance(12 * 60 * 60_000 + 1000);
    try {
      expect((await me({ cookie })).statusCode).toBe(401);
    } finally {
      rt.clock.advance(-(12 * 60 * 60_000 + 1000));
    }
  });
});

describe("lockout", () => {
  it("locks an account after 5 wrong passwords, for 15 minutes, and records it", async () => {
    const create = await app.inject({
      method: "POST",
      url: "/api/v1/accounts",
      headers: { cookie: adminCookie },
      payload: { username: "target", name: "Target", password: PASSWORD, role: "pokja_admin" },
    });
    expect(create.statusCode).toBe(201);
    for (let i = 1; i <= 4; i++) expect((await login("target", `wrong-${i}`)).statusCode).toBe(401);
    const fifth = await login("target", "wrong-5");
    // A locked account answers as an unknown one: the answer never tells that "target" exists.
    const unknown = await login("no-such-user", "wrong-5");
    expect(fifth.statusCode).toBe(401);
    expect(fifth.json()).toEqual(unknown.json());
    expect(fifth.headers["retry-after"]).toBeUndefined();
    // Even the right password waits out the lock.
    const locked = await login("target", PASSWORD);
    expect(locked.statusCode).toBe(401);
    expect(locked.json()).toEqual(unknown.json());
    rt.clock.advance(LOCKOUT_MS + 1000);
    expect((await login("target", PASSWORD)).statusCode).toBe(200);
    const audit = await app.inject({ method: "GET", url: "/api/v1/audit?action=account.lock", headers: { cookie: adminCookie } });
    expect((audit.json() as { total: number }).total).toBe(1);
  });

  it("checks at most 5 of 60 simultaneous guesses, so the right one among them does not get in", async () => {
    const create = await app.inject({
      method: "POST",
      url: "/api/v1/accounts",
      headers: { cookie: adminCookie },
      payload: { username: "raced", name: "Raced", password: PASSWORD, role: "pokja_admin" },
    });
    expect(create.statusCode).toBe(201);
    const guesses = Array.from({ length: 60 }, (_, i) => (i === 30 ? PASSWORD : `wrong-guess-${i}`));
    const codes = (await Promise.all(guesses.map((g) => login("raced", g)))).map((r) => r.statusCode);
    expect(codes.filter((c) => c === 200)).toEqual([]);
    const [row] = await rt.db.select().from(staffAccounts).where(eq(staffAccounts.username, "raced"));
    expect(row).toMatchObject({ failedLogins: 5 });
    expect(row!.lockedUntil!.getTime()).toBeGreaterThan(rt.clock.now().getTime());
  });

  it("rate-limits login attempts per client address", async () => {
    const limited = await buildAdminApp(rt, { loginRateLimit: 3 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        codes.push(
          (await limited.inject({ method: "POST", url: "/api/v1/auth/login", payload: { username: "x", password: "y" } })).statusCode,
        );
      }
      expect(codes).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await limited.close();
    }
  });

  it("ignores X-Forwarded-For unless TRUST_PROXY names the proxy", async () => {
    const attempts = async (app: FastifyInstance) => {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const headers = { "x-forwarded-for": `203.0.113.${i}` };
        codes.push(
          (await app.inject({ method: "POST", url: "/api/v1/auth/login", headers, payload: { username: "x", password: "y" } })).statusCode,
        );
      }
      return codes;
    };
    const direct = await buildAdminApp(rt, { loginRateLimit: 3 });
    try {
      expect(await attempts(direct)).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await direct.close();
    }
    // Behind a proxy on this machine (inject comes from 127.0.0.1), each forwarded client counts alone.
    const proxied = await createTestRuntime({ env: { TRUST_PROXY: "loopback" } });
    const behindProxy = await buildAdminApp(proxied as TestRuntime, { loginRateLimit: 3 });
    try {
      expect(await attempts(behindProxy)).toEqual([401, 401, 401, 401, 401]);
    } finally {
      await behindProxy.close();
      await proxied.close();
    }
  });
});

describe("API tokens", () => {
  it("creates a token shown once, which then authenticates, and revokes it", async () => {
    const made = await app.inject({
      method: "POST",
      url: "/api/v1/me/tokens",
      headers: { cookie: adminCookie },
      payload: { name: "laporan dinkes" },
    });
    expect(made.statusCode).toBe(201);
    const { token, id } = made.json() as { token: string; id: string };
    expect(token).toMatch(/^blt_/);
    const auth = { authorization: `Bearer ${token}` };
    expect((await me(auth)).statusCode).toBe(200);
    const list = await app.inject({ method: "GET", url: "/api/v1/me/tokens", headers: auth });
    expect(JSON.stringify(list.json())).not.toContain(token);
    expect((list.json() as { items: { id: string; lastUsedAt: string | null }[] }).items[0]).toMatchObject({
      id,
      lastUsedAt: expect.any(String),
    });
    expect((await app.inject({ method: "DELETE", url: `/api/v1/me/tokens/${id}`, headers: auth })).statusCode).toBe(204);
    expect((await me(auth)).statusCode).toBe(401);
    expect((await app.inject({ method: "DELETE", url: `/api/v1/me/tokens/${id}`, headers: { cookie: adminCookie } })).statusCode).toBe(404);
  });

  it("honours the token's expiry", async () => {
    const made = await app.inject({
      method: "POST",
      url: "/api/v1/me/tokens",
      headers: { cookie: adminCookie },
      payload: { name: "short", expiresInDays: 1 },
    });
    const auth = { authorization: `Bearer ${(made.json() as { token: string }).token}` };
    expect((await me(auth)).statusCode).toBe(200);
    rt.clock.advance(24 * 60 * 60_000 + 1000);
    try {
      expect((await me(auth)).statusCode).toBe(401);
    } finally {
      rt.clock.advance(-(24 * 60 * 60_000 + 1000));
    }
  });

  it("stops every session and token of a deactivated account", async () => {
    await app.inject({
      method: "POST",
      url: "/api/v1/accounts",
      headers: { cookie: adminCookie },
      payload: { username: "leaving", name: "Leaving", password: PASSWORD, role: "pokja_admin" },
    });
    const cookie = sessionCookie(await login("leaving", PASSWORD));
    const token = (
      (await app.inject({ method: "POST", url: "/api/v1/me/tokens", headers: { cookie }, payload: { name: "t" } })).json() as {
        token: string;
      }
    ).token;
    const [row] = await rt.db.select().from(staffAccounts).where(eq(staffAccounts.username, "leaving"));
    const res = await app.inject({
      method: "PATCH",
      url: `/api/v1/accounts/${row!.id}`,
      headers: { cookie: adminCookie },
      payload: { active: false },
    });
    expect(res.statusCode).toBe(200);
    expect((await me({ cookie })).statusCode).toBe(401);
    expect((await me({ authorization: `Bearer ${token}` })).statusCode).toBe(401);
    expect((await login("leaving", PASSWORD)).statusCode).toBe(401);
  });

  it("ends every session and API token of an account whose password is reset", async () => {
    await app.inject({
      method: "POST",
      url: "/api/v1/accounts",
      headers: { cookie: adminCookie },
      payload: { username: "forgetful", name: "Forgetful", password: PASSWORD, role: "pokja_admin" },
    });
    const cookie = sessionCookie(await login("forgetful", PASSWORD));
    const token = (
      (await app.inject({ method: "POST", url: "/api/v1/me/tokens", headers: { cookie }, payload: { name: "t" } })).json() as {
        token: string;
      }
    ).token;
    expect((await me({ authorization: `Bearer ${token}` })).statusCode).toBe(200);
    const [row] = await rt.db.select().from(staffAccounts).where(eq(staffAccounts.username, "forgetful"));
    const res = await app.inject({
      method: "PATCH",
      url: `/api/v1/accounts/${row!.id}`,
      headers: { cookie: adminCookie },
      payload: { password: "kata-sandi-baru-456" },
    });
    expect(res.statusCode).toBe(200);
    expect((await me({ cookie })).statusCode).toBe(401);
    expect((await me({ authorization: `Bearer ${token}` })).statusCode).toBe(401);
    expect((await login("forgetful", "kata-sandi-baru-456")).statusCode).toBe(200);
  });

  it("changes my password with the current one, ending my sessions", async () => {
    await app.inject({
      method: "POST",
      url: "/api/v1/accounts",
      headers: { cookie: adminCookie },
      payload: { username: "changer", name: "Changer", password: PASSWORD, role: "pokja_admin" },
    });
    const cookie = sessionCookie(await login("changer", PASSWORD));
    const put = (currentPassword: string) =>
      app.inject({
        method: "PUT",
        url: "/api/v1/me/password",
        headers: { cookie },
        payload: { currentPassword, newPassword: "kata-sandi-baru-123" },
      });
    expect((await put("wrong-password")).statusCode).toBe(403);
    expect((await put(PASSWORD)).statusCode).toBe(204);
    expect((await me({ cookie })).statusCode).toBe(401);
    expect((await login("changer", "kata-sandi-baru-123")).statusCode).toBe(200);
  });
});

describe("the admin CLI", () => {
  it("creates a pokja_admin from --name and --password", async () => {
    const res = await runAdminCli(rt, ["create-admin", "--name", "Siti Aminah", "--password", PASSWORD]);
    expect(res.code).toBe(0);
    expect((await login("siti.aminah", PASSWORD)).statusCode).toBe(200);
    expect((await runAdminCli(rt, ["create-admin", "--name", "Siti Aminah", "--password", PASSWORD])).code).toBe(1);
  });

  it("reads the password from stdin with --password -, and explains bad input", async () => {
    const res = await runAdminCli(
      rt,
      ["create-admin", "--name", "Rahmat", "--username", "rahmat.pokja", "--password", "-"],
      async () => `${PASSWORD}\n`,
    );
    expect(res.code).toBe(0);
    expect((await login("rahmat.pokja", PASSWORD)).statusCode).toBe(200);
    expect((await runAdminCli(rt, ["create-admin", "--name", "X"])).code).toBe(2);
    expect((await runAdminCli(rt, ["create-admin", "--name", "Budi", "--password", "short"])).code).toBe(2);
    expect((await runAdminCli(rt, ["delete-everything"])).code).toBe(2);
  });
});

describe("linking a staff account to its chat identity", () => {
  const newContact = async () => (await rt.db.insert(contacts).values({}).returning())[0]!.id;
  const code = async (cookie: string) => {
    const res = await app.inject({ method: "POST", url: "/api/v1/me/chat-link", headers: { cookie } });
    expect(res.statusCode).toBe(201);
    return (res.json() as { code: string }).code;
  };

  it("links the chat that types the code, once", async () => {
    const contactId = await newContact();
    const c = await code(adminCookie);
    expect(c).toMatch(/^\d{8}$/);
    const result = await rt.db.transaction((tx) => redeemChatLinkCode(rt, tx, contactId, c));
    expect(result).toMatchObject({ ok: true, role: "pokja_admin" });
    const links = await rt.db.select().from(staffChatLinks).where(eq(staffChatLinks.contactId, contactId));
    expect(links).toHaveLength(1);
    const other = await newContact();
    expect(await redeemChatLinkCode(rt, rt.db, other, c)).toEqual({ ok: false, reason: "invalid" });
    expect((await me({ cookie: adminCookie })).json()).toMatchObject({ chatLinks: 1 });
  });

  it("lists and unlinks my chats", async () => {
    const list = async () =>
      (
        (await app.inject({ method: "GET", url: "/api/v1/me/chat-links", headers: { cookie: adminCookie } })).json() as {
          items: { contactId: string }[];
        }
      ).items;
    const before = await list();
    expect(before).toHaveLength(1);
    const contactId = before[0]!.contactId;
    const del = (id: string) => app.inject({ method: "DELETE", url: `/api/v1/me/chat-links/${id}`, headers: { cookie: adminCookie } });
    expect((await del(contactId)).statusCode).toBe(204);
    expect(await list()).toEqual([]);
    expect((await del(contactId)).statusCode).toBe(404);
  });

  it("refuses a code after 15 minutes, and an older code once a new one is issued", async () => {
    const contactId = await newContact();
    const stale = await code(adminCookie);
    rt.clock.advance(CHAT_LINK_CODE_TTL_MS + 1000);
    expect(await redeemChatLinkCode(rt, rt.db, contactId, stale)).toEqual({ ok: false, reason: "invalid" });
    const first = await code(adminCookie);
    const second = await code(adminCookie);
    if (first !== second) expect(await redeemChatLinkCode(rt, rt.db, contactId, first)).toEqual({ ok: false, reason: "invalid" });
    expect(await redeemChatLinkCode(rt, rt.db, contactId, second)).toMatchObject({ ok: true });
  });

  it("stops a chat after 5 wrong codes in an hour", async () => {
    const contactId = await newContact();
    const good = await code(adminCookie);
    const wrong = good === "00000000" ? "00000001" : "00000000";
    for (let i = 0; i < 5; i++) expect(await redeemChatLinkCode(rt, rt.db, contactId, wrong)).toEqual({ ok: false, reason: "invalid" });
    expect(await redeemChatLinkCode(rt, rt.db, contactId, good)).toEqual({ ok: false, reason: "too_many_attempts" });
    rt.clock.advance(60 * 60_000 + 1000);
    const fresh = await code(adminCookie);
    expect(await redeemChatLinkCode(rt, rt.db, contactId, fresh)).toMatchObject({ ok: true });
  });

  it("stops everyone after 100 wrong codes in an hour from many fresh chats", async () => {
    rt.clock.advance(60 * 60_000 + 1000);
    const good = await code(adminCookie);
    const wrong = good === "00000000" ? "00000001" : "00000000";
    for (let i = 0; i < CHAT_LINK_MAX_FAILURES_GLOBAL; i++) {
      expect(await redeemChatLinkCode(rt, rt.db, await newContact(), wrong)).toEqual({ ok: false, reason: "invalid" });
    }
    // A fresh identity with the right code waits too, until the hour has passed.
    expect(await redeemChatLinkCode(rt, rt.db, await newContact(), good)).toEqual({ ok: false, reason: "too_many_attempts" });
    rt.clock.advance(60 * 60_000 + 1000);
    expect(await redeemChatLinkCode(rt, rt.db, await newContact(), await code(adminCookie))).toMatchObject({ ok: true });
  });
});

describe("on a seeded Balangan", () => {
  let w: World;
  beforeAll(async () => {
    w = await seedWorld(rt);
  });

  const call = (who: Who, method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", url: string, payload?: unknown) =>
    app.inject({ method, url, headers: { cookie: w.cookie[who] }, ...(payload === undefined ? {} : { payload: payload as object }) });

  describe("validation", () => {
    it("rejects unknown fields and names them", async () => {
      const res = await call("admin", "POST", "/api/v1/posyandu", { name: "Posyandu X", desaCode: w.desa.p0, isAdmin: true });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        error: "validation_failed",
        message: "body.isAdmin is not an allowed field",
        fields: [{ field: "body.isAdmin", reason: "is not an allowed field" }],
      });
    });

    it("names a missing or malformed field and the reason", async () => {
      const missing = await call("admin", "POST", "/api/v1/posyandu", { desaCode: w.desa.p0 });
      expect(missing.json()).toMatchObject({ fields: [{ field: "body.name", reason: "is required" }] });
      const day = await call("admin", "POST", "/api/v1/posyandu", { name: "P", desaCode: w.desa.p0, dayOfMonth: 32 });
      expect(day.json()).toMatchObject({ fields: [{ field: "body.dayOfMonth", reason: "must be <= 31" }] });
      const desa = await call("admin", "POST", "/api/v1/puskesmas", { name: "P", desaCodes: [w.desa.p0, "63.11"] });
      expect(desa.json()).toMatchObject({ fields: [{ field: "body.desaCodes[1]" }] });
      const query = await call("admin", "GET", "/api/v1/people?limit=0");
      expect(query.json()).toMatchObject({ fields: [{ field: "querystring.limit", reason: "must be >= 1" }] });
      const queryExtra = await call("admin", "GET", "/api/v1/people?sort=phone");
      expect(queryExtra.json()).toMatchObject({ fields: [{ field: "querystring.sort" }] });
      const param = await call("admin", "GET", "/api/v1/people/not-a-uuid");
      expect(param.json()).toMatchObject({ fields: [{ field: "params.id" }] });
    });

    it("does not coerce JSON body types", async () => {
      const res = await call("admin", "POST", "/api/v1/posyandu", { name: "P", desaCode: w.desa.p0, dayOfMonth: "10" });
      expect(res.json()).toMatchObject({ fields: [{ field: "body.dayOfMonth", reason: "must be integer" }] });
    });

    it("answers random JSON bodies with a 4xx, never a 5xx", async () => {
      const routes: ["POST" | "PATCH" | "PUT", string][] = [
        ["POST", "/api/v1/bootstrap"],
        ["POST", "/api/v1/auth/login"],
        ["POST", "/api/v1/accounts"],
        ["PATCH", `/api/v1/accounts/${w.accounts.bidanP.id}`],
        ["POST", "/api/v1/posyandu"],
        ["PATCH", `/api/v1/posyandu/${w.posyandu.p0}`],
        ["POST", "/api/v1/puskesmas"],
        ["PATCH", `/api/v1/puskesmas/${w.puskesmas.L}`],
        ["POST", "/api/v1/me/tokens"],
        ["PUT", "/api/v1/me/password"],
        ["POST", `/api/v1/kader-approvals/${w.people.kP}/approve`],
        ["POST", `/api/v1/kader-approvals/${w.people.kP}/reject`],
      ];
      // Objects with the routes' own field names are likelier to get past the first check.
      const key = fc.oneof(
        fc.constantFrom(
          "name",
          "username",
          "password",
          "role",
          "desaCode",
          "desaCodes",
          "dayOfMonth",
          "posyanduId",
          "puskesmasId",
          "active",
          "token",
          "reason",
          "expiresInDays",
          "currentPassword",
          "newPassword",
        ),
        fc.string(),
      );
      const body = fc.oneof(fc.jsonValue(), fc.dictionary(key, fc.jsonValue(), { maxKeys: 6 }));
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...routes), body, async ([method, url], payload) => {
          const res = await app.inject({
            method,
            url,
            headers: { cookie: w.cookie.admin, "content-type": "application/json" },
            payload: JSON.stringify(payload),
          });
          // 2xx is fine when the random body happens to be valid; 5xx never is.
          expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)} → ${res.body}`).toBeLessThan(500);
          if (res.statusCode >= 400) expect(res.json()).toHaveProperty("error");
        }),
        { numRuns: 150 },
      );
    });

    it("answers random query strings on list endpoints with a 2xx or 4xx, never a 5xx", async () => {
      const lists = [
        "/api/v1/people",
        "/api/v1/people/export.csv",
        "/api/v1/accounts",
        "/api/v1/posyandu",
        "/api/v1/puskesmas",
        "/api/v1/areas",
        "/api/v1/audit",
        "/api/v1/kader-approvals",
      ];
      const key = fc.oneof(
        fc.constantFrom(
          "limit",
          "offset",
          "role",
          "kaderStatus",
          "desaCode",
          "posyanduId",
          "active",
          "level",
          "parentCode",
          "entity",
          "actorAccountId",
        ),
        fc.string({ maxLength: 8 }),
      );
      const value = fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.integer().map(String),
        fc.constantFrom("true", "-1", "63.11.06", "63.11.06.1001", w.posyandu.p0),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...lists), fc.dictionary(key, value, { maxKeys: 4 }), async (url, query) => {
          const res = await app.inject({ method: "GET", url, query, headers: { cookie: w.cookie.puskP } });
          expect(res.statusCode, `${url} ${JSON.stringify(query)} → ${res.body.slice(0, 200)}`).toBeLessThan(500);
        }),
        { numRuns: 150 },
      );
    });

    it("answers broken JSON and wrong content types with a 4xx in the same shape", async () => {
      const broken = await app.inject({
        method: "POST",
        url: "/api/v1/posyandu",
        headers: { cookie: w.cookie.admin, "content-type": "application/json" },
        payload: "{",
      });
      expect(broken.statusCode).toBe(400);
      expect(broken.json()).toHaveProperty("error");
      const form = await app.inject({
        method: "POST",
        url: "/api/v1/posyandu",
        headers: { cookie: w.cookie.admin, "content-type": "text/plain" },
        payload: "name=x",
      });
      expect(form.statusCode).toBe(415);
      expect(form.json()).toHaveProperty("error");
    });
  });

  describe("audit log", () => {
    it("records each change with who, what, before and after, and no secrets", async () => {
      const made = await call("admin", "POST", "/api/v1/accounts", {
        username: "bidan.baru",
        name: "Bidan Baru",
        password: PASSWORD,
        role: "bidan",
        desaCode: w.desa.p1,
      });
      const accountId = (made.json() as { account: { id: string } }).account.id;
      await call("admin", "PATCH", `/api/v1/accounts/${accountId}`, { name: "Bidan Hj. Baru", password: "kata-sandi-baru-123" });
      await call("admin", "PATCH", `/api/v1/accounts/${accountId}`, { active: false });
      const pos = await call("puskP", "POST", "/api/v1/posyandu", { name: "Posyandu Kenanga", desaCode: w.desa.p1 });
      const posId = (pos.json() as { posyandu: { id: string } }).posyandu.id;
      await call("puskP", "PATCH", `/api/v1/posyandu/${posId}`, { dayOfMonth: 20 });
      await call("puskP", "DELETE", `/api/v1/posyandu/${posId}`);
      const pusk = await call("admin", "POST", "/api/v1/puskesmas", { name: "Puskesmas Juai", desaCodes: [w.desa.p2] });
      const puskId = (pusk.json() as { puskesmas: { id: string } }).puskesmas.id;
      await call("admin", "PATCH", `/api/v1/puskesmas/${puskId}`, { name: "Puskesmas Juai Baru" });
      await call("admin", "DELETE", `/api/v1/puskesmas/${puskId}`);
      await call("puskP", "POST", `/api/v1/kader-approvals/${w.people.kP}/approve`, { posyanduId: w.posyandu.p0 });
      await call("puskP", "POST", `/api/v1/kaders/${w.people.kP}/deactivate`, { reason: "tidak aktif lagi" });
      await call("puskL", "POST", `/api/v1/kader-approvals/${w.people.kL}/reject`, { reason: "data tidak cocok" });
      const token = await call("bidanP", "POST", "/api/v1/me/tokens", { name: "integrasi" });
      await call("bidanP", "DELETE", `/api/v1/me/tokens/${(token.json() as { id: string }).id}`);
      await call("kaderP", "GET", "/api/v1/people/export.csv");

      const res = await call("admin", "GET", "/api/v1/audit?limit=200");
      expect(res.statusCode).toBe(200);
      const entries = (
        res.json() as {
          items: {
            action: string;
            actorAccountId: string | null;
            entityId: string;
            before: unknown;
            after: unknown;
            reason: string | null;
          }[];
        }
      ).items;
      const actions = entries.map((e) => e.action);
      for (const action of [
        "account.create",
        "account.update",
        "account.deactivate",
        "posyandu.create",
        "posyandu.update",
        "posyandu.delete",
        "puskesmas.create",
        "puskesmas.update",
        "puskesmas.delete",
        "kader.approve",
        "kader.deactivate",
        "kader.reject",
        "token.create",
        "token.revoke",
        "people.export",
      ]) {
        expect(actions, action).toContain(action);
      }
      const update = entries.find((e) => e.action === "account.update" && e.entityId === accountId);
      expect(update).toMatchObject({
        actorAccountId: w.accounts.admin.id,
        before: { name: "Bidan Baru" },
        after: { name: "Bidan Hj. Baru", passwordChanged: true },
      });
      const approve = entries.find((e) => e.action === "kader.approve");
      expect(approve).toMatchObject({
        actorAccountId: w.accounts.puskP.id,
        before: { kaderStatus: "pending" },
        after: { kaderStatus: "active", posyanduId: w.posyandu.p0 },
      });
      expect(entries.find((e) => e.action === "kader.reject")).toMatchObject({ reason: "data tidak cocok" });
      const text = JSON.stringify(entries);
      expect(text).not.toMatch(/argon2|passwordHash|tokenHash/);
      expect(text).not.toContain(PASSWORD);
    });

    it("records a chat link", async () => {
      const [contact] = await rt.db.insert(contacts).values({}).returning();
      const { code } = await issueChatLinkCode(rt.db, w.accounts.bidanL.id, rt.clock.now());
      await redeemChatLinkCode(rt, rt.db, contact!.id, code);
      const res = await call("admin", "GET", `/api/v1/audit?action=chat_link.link&entityId=${w.accounts.bidanL.id}`);
      expect(res.json()).toMatchObject({ total: 1, items: [{ actorKind: "chat", after: { contactId: contact!.id } }] });
    });

    it("is readable by the Pokja only", async () => {
      for (const who of ["puskP", "bidanP", "kaderP"] as const) expect((await call(who, "GET", "/api/v1/audit")).statusCode).toBe(403);
      expect((await app.inject({ method: "GET", url: "/api/v1/audit" })).statusCode).toBe(401);
    });

    it("cannot be changed or deleted, even by the service's own database user", async () => {
      await expect(rt.db.execute(sql`update audit_log set action = 'nothing happened'`)).rejects.toThrow();
      await expect(rt.db.execute(sql`delete from audit_log`)).rejects.toThrow();
      await expect(rt.db.execute(sql`truncate audit_log`)).rejects.toThrow();
      const res = await call("admin", "GET", "/api/v1/audit?limit=1");
      expect((res.json() as { total: number }).total).toBeGreaterThan(10);
      // Installed once (by the plugin), found in place afterwards.
      expect(await ensureAuditAppendOnly(rt.db)).toBe(false);
    });
  });

  describe("route modules of other features", () => {
    it("are served with the admin API's authentication, validation and error shape", async () => {
      const echo: AdminRoutes = () => async (inner) => {
        inner.post<{ Body: { day: string } }>(
          "/api/v1/test-echo",
          {
            schema: {
              body: {
                type: "object",
                required: ["day"],
                additionalProperties: false,
                properties: { day: { type: "string", format: "date" } },
              },
            },
          },
          async (request) => ({ by: requireStaff(request).username, day: request.body.day }),
        );
      };
      const extended = await buildAdminApp(rt, { loginRateLimit: 1000, routes: [echo] });
      try {
        const send = (payload: object, cookie?: string) =>
          extended.inject({ method: "POST", url: "/api/v1/test-echo", payload, headers: cookie ? { cookie } : {} });
        expect((await send({ day: "2026-02-28" })).statusCode).toBe(401);
        expect((await send({ day: "2026-02-30" }, w.cookie.bidanP)).json()).toMatchObject({ fields: [{ field: "body.day" }] });
        expect((await send({ day: "2026-02-28", x: 1 }, w.cookie.bidanP)).json()).toMatchObject({ fields: [{ field: "body.x" }] });
        expect((await send({ day: "2026-02-28" }, w.cookie.bidanP)).json()).toEqual({ by: "bidan.paringin", day: "2026-02-28" });
      } finally {
        await extended.close();
      }
    });
  });

  describe("OpenAPI", () => {
    it("serves the document and the UI at /docs", async () => {
      const doc = await app.inject({ method: "GET", url: "/docs/json" });
      expect(doc.statusCode).toBe(200);
      const spec = doc.json() as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>> };
      expect(spec.openapi).toMatch(/^3\./);
      for (const path of [
        "/api/v1/auth/login",
        "/api/v1/accounts",
        "/api/v1/people",
        "/api/v1/kader-approvals/{id}/approve",
        "/api/v1/audit",
        "/api/v1/posyandu/{id}",
      ]) {
        expect(spec.paths, path).toHaveProperty([path]);
      }
      expect(spec.paths["/api/v1/accounts"]?.post?.requestBody).toBeDefined();
      const ui = await app.inject({ method: "GET", url: "/docs" });
      expect([200, 302]).toContain(ui.statusCode);
    });
  });
});
