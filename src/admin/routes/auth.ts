// Bootstrap of the first pokja_admin, login and logout.
import type { FastifyPluginAsync } from "fastify";
import { accountView, bootstrapAdmin } from "../accounts.js";
import { recordAudit } from "../../platform/audit.js";
import { LOCKOUT_MAX_FAILURES, LOCKOUT_MS, login, PASSWORD_MIN_LENGTH, revokeSession, sameSecret, SESSION_COOKIE } from "../auth.js";
import { HttpError } from "../../platform/http/errors.js";
import { requireStaff } from "../../platform/http/auth.js";
import type { AdminRouteOptions } from "../plugin.js";
import { errorSchema } from "../../platform/http/validation.js";

export const username = { type: "string", minLength: 3, maxLength: 40, pattern: "^[A-Za-z0-9._-]+$" } as const;
export const personName = { type: "string", minLength: 1, maxLength: 120, pattern: "\\S" } as const;
export const password = { type: "string", minLength: PASSWORD_MIN_LENGTH, maxLength: 200 } as const;

const LOGIN_REFUSED = `Wrong username or password. After ${LOCKOUT_MAX_FAILURES} wrong passwords the account waits ${LOCKOUT_MS / 60_000} minutes.`;

interface BootstrapBody {
  token: string;
  username: string;
  name: string;
  password: string;
}
interface LoginBody {
  username: string;
  password: string;
}

export const authRoutes =
  ({ rt, loginRateLimit }: AdminRouteOptions): FastifyPluginAsync =>
  async (app) => {
    const limited = { rateLimit: { max: loginRateLimit, timeWindow: "1 minute" } };

    app.post<{ Body: BootstrapBody }>(
      "/api/v1/bootstrap",
      {
        config: limited,
        schema: {
          tags: ["accounts"],
          summary: "Create the first pokja_admin with ADMIN_BOOTSTRAP_TOKEN (only while none exists)",
          security: [],
          body: {
            type: "object",
            required: ["token", "username", "name", "password"],
            additionalProperties: false,
            properties: { token: { type: "string", minLength: 1, maxLength: 500 }, username, name: personName, password },
          },
          response: { 400: errorSchema, 403: errorSchema, 409: errorSchema },
        },
      },
      async (request, reply) => {
        const expected = rt.config.ADMIN_BOOTSTRAP_TOKEN;
        if (!expected) throw new HttpError(403, "bootstrap_disabled", "ADMIN_BOOTSTRAP_TOKEN is not set on the server");
        if (!sameSecret(request.body.token, expected)) throw new HttpError(403, "bad_bootstrap_token", "The bootstrap token is wrong");
        const now = rt.clock.now();
        const { username, name, password: secret } = request.body;
        const account = await bootstrapAdmin(rt.db, { username, name, password: secret }, now);
        request.log.info({ accountId: account.id }, "first pokja_admin created by bootstrap");
        return reply.status(201).send({ account: accountView(account, now) });
      },
    );

    app.post<{ Body: LoginBody }>(
      "/api/v1/auth/login",
      {
        config: limited,
        schema: {
          tags: ["auth"],
          summary: "Sign in with username and password; sets the session cookie",
          security: [],
          body: {
            type: "object",
            required: ["username", "password"],
            additionalProperties: false,
            properties: {
              username: { type: "string", minLength: 1, maxLength: 40 },
              password: { type: "string", minLength: 1, maxLength: 200 },
            },
          },
          response: { 400: errorSchema, 401: errorSchema, 429: errorSchema },
        },
      },
      async (request, reply) => {
        const now = rt.clock.now();
        const result = await login(rt.db, request.body.username, request.body.password, now);
        if (!result.ok) {
          if (result.reason === "locked") {
            if (result.lockedNow) {
              await recordAudit(rt.db, {
                actor: { kind: "system" },
                action: "account.lock",
                entity: "account",
                entityId: result.account.id,
                after: { failedLogins: result.account.failedLogins, lockedUntil: result.account.lockedUntil },
                at: now,
              });
              request.log.warn({ accountId: result.account.id }, "account locked after repeated failed logins");
            }
          }
          // A locked account answers exactly as a wrong password or an unknown name, so the
          // answer never tells whether a username exists.
          throw new HttpError(401, "invalid_credentials", LOGIN_REFUSED);
        }
        void reply.setCookie(SESSION_COOKIE, result.sessionToken, {
          path: "/",
          httpOnly: true,
          secure: true,
          // Strict: the browser never sends the cookie on requests started by other sites (CSRF).
          sameSite: "strict",
          expires: result.expiresAt,
        });
        request.log.info({ accountId: result.account.id }, "staff signed in");
        return { account: accountView(result.account, now), expiresAt: result.expiresAt.toISOString() };
      },
    );

    app.post("/api/v1/auth/logout", { schema: { tags: ["auth"], summary: "End this session" } }, async (request, reply) => {
      requireStaff(request);
      if (request.staffSessionToken) await revokeSession(rt.db, request.staffSessionToken, rt.clock.now());
      void reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.status(204).send();
    });
  };
