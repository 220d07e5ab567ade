// Who is calling: resolves the session cookie or the bearer API token into request.staff, and
// the small guards routes use.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Runtime } from "../../runtime.js";
import type { StaffRole } from "../../admin/accounts.sql.js";
import type { AuditActor } from "../audit.js";
import { resolveApiToken, resolveSession, SESSION_COOKIE, type StaffAccount } from "../../admin/auth.js";
import { forbidden } from "../errors.js";
import { HttpError } from "./errors.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The signed-in staff account, set by the admin plugin; null when anonymous. */
    staff: StaffAccount | null;
    /** The session token the request came with (for logout). */
    staffSessionToken: string | null;
  }
}

/** onRequest hook: a bearer token wins over the cookie; a bad bearer token is an error, not anonymity. */
export function authenticate(rt: Runtime) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    request.staff = null;
    request.staffSessionToken = null;
    const header = request.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      const found = m?.[1] ? await resolveApiToken(rt.db, m[1], rt.clock.now()) : null;
      if (!found) throw new HttpError(401, "unauthorized", "The API token is not valid");
      request.staff = found.account;
      return;
    }
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie) {
      const account = await resolveSession(rt.db, cookie, rt.clock.now());
      if (account) {
        request.staff = account;
        request.staffSessionToken = cookie;
      }
    }
  };
}

export function requireStaff(request: FastifyRequest): StaffAccount {
  if (!request.staff) throw new HttpError(401, "unauthorized", "Sign in or send an API token");
  return request.staff;
}

export function requireRole(request: FastifyRequest, ...roles: StaffRole[]): StaffAccount {
  const staff = requireStaff(request);
  if (!roles.includes(staff.role)) throw forbidden();
  return staff;
}

export function actorOf(account: StaffAccount): AuditActor {
  return { kind: "account", accountId: account.id };
}
