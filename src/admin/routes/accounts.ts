// Staff accounts: list and read within the caller's area, create and manage per MANAGES.
import type { FastifyPluginAsync } from "fastify";
import { STAFF_ROLES, type StaffRole } from "../accounts.sql.js";
import { accountView, changeAccount, createAccount, findAccountInScope, listAccounts, type AccountChanges } from "../accounts.js";
import { requireStaff } from "../../platform/http/auth.js";
import type { AdminRouteOptions } from "../plugin.js";
import { desaCode, errorSchema, idParams, pageOf, pageQuery, uuid, type Page } from "../../platform/http/validation.js";
import { password, personName, username } from "./auth.js";

interface CreateBody {
  username: string;
  name: string;
  password: string;
  role: StaffRole;
  puskesmasId?: string;
  desaCode?: string;
  posyanduId?: string;
}

export const accountRoutes =
  ({ rt }: AdminRouteOptions): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Querystring: Page & { role?: StaffRole; active?: boolean } }>(
      "/api/v1/accounts",
      {
        schema: {
          tags: ["accounts"],
          summary: "Staff accounts in my area",
          querystring: {
            type: "object",
            additionalProperties: false,
            properties: { ...pageQuery, role: { type: "string", enum: [...STAFF_ROLES] }, active: { type: "boolean" } },
          },
        },
      },
      async (request) => {
        const staff = requireStaff(request);
        const { rows, total } = await listAccounts(rt.db, staff, request.query);
        const now = rt.clock.now();
        return pageOf(
          rows.map((r) => accountView(r, now)),
          total,
          request.query,
        );
      },
    );

    app.get<{ Params: { id: string } }>(
      "/api/v1/accounts/:id",
      { schema: { tags: ["accounts"], summary: "One staff account in my area", params: idParams, response: { 404: errorSchema } } },
      async (request) => {
        const staff = requireStaff(request);
        return { account: accountView(await findAccountInScope(rt.db, staff, request.params.id), rt.clock.now()) };
      },
    );

    app.post<{ Body: CreateBody }>(
      "/api/v1/accounts",
      {
        schema: {
          tags: ["accounts"],
          summary:
            "Create a staff account. pokja_admin: any role; puskesmas: bidan in a desa it serves, kader of a posyandu there. The area field must match the role.",
          body: {
            type: "object",
            required: ["username", "name", "password", "role"],
            additionalProperties: false,
            properties: {
              username,
              name: personName,
              password,
              role: { type: "string", enum: [...STAFF_ROLES] },
              puskesmasId: uuid,
              desaCode,
              posyanduId: uuid,
            },
          },
          response: { 400: errorSchema, 403: errorSchema, 409: errorSchema },
        },
      },
      async (request, reply) => {
        const staff = requireStaff(request);
        const now = rt.clock.now();
        const account = await createAccount(rt.db, staff, request.body, now);
        request.log.info({ accountId: account.id, role: account.role }, "staff account created");
        return reply.status(201).send({ account: accountView(account, now) });
      },
    );

    app.patch<{ Params: { id: string }; Body: AccountChanges }>(
      "/api/v1/accounts/:id",
      {
        schema: {
          tags: ["accounts"],
          summary:
            "Rename, reset the password (ends its sessions and tokens), deactivate (active: false; ends its sessions and tokens) or reactivate an account",
          params: idParams,
          body: {
            type: "object",
            additionalProperties: false,
            minProperties: 1,
            properties: { name: personName, password, active: { type: "boolean" } },
          },
          response: { 400: errorSchema, 403: errorSchema, 404: errorSchema },
        },
      },
      async (request) => {
        const staff = requireStaff(request);
        const now = rt.clock.now();
        return { account: accountView(await changeAccount(rt.db, staff, request.params.id, request.body, now), now) };
      },
    );
  };
