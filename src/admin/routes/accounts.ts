// Staff accounts: list and read within the caller's area, create and manage per MANAGES.
import { and, asc, count, eq, or, sql, type SQL } from "drizzle-orm";
import type { FastifyPluginAsync } from "fastify";
import { posyandu } from "../../health-units/health-units.sql.js";
import { STAFF_ROLES, staffAccounts, type StaffRole } from "../accounts.sql.js";
import { accountView, assertMayManage, insertAccount, mayManageRole, principalOf, updateAccount, type AccountChanges } from "../accounts.js";
import type { StaffAccount } from "../auth.js";
import { badField, forbidden, notFound } from "../../platform/errors.js";
import { actorOf, requireStaff } from "../../platform/http/auth.js";
import type { AdminRouteOptions } from "../plugin.js";
import { whereInScope } from "../../platform/scope.js";
import { desaCode, errorSchema, idParams, pageOf, pageQuery, uuid, type Page } from "../../platform/http/validation.js";
import { password, personName, username } from "./auth.js";

/** Accounts the viewer may see: those placed in its area (a kader account by its posyandu's desa), and itself. */
export function accountsInScope(viewer: StaffAccount): SQL {
  const accountDesa = sql`coalesce(${staffAccounts.desaCode}, (select ${posyandu.desaCode} from ${posyandu} where ${posyandu.id} = ${staffAccounts.posyanduId}))`;
  const inArea = whereInScope(principalOf(viewer), { desaCode: accountDesa, posyanduId: staffAccounts.posyanduId });
  return or(inArea, eq(staffAccounts.id, viewer.id)) as SQL;
}

async function findInScope(rt: AdminRouteOptions["rt"], viewer: StaffAccount, id: string): Promise<StaffAccount> {
  const [row] = await rt.db
    .select()
    .from(staffAccounts)
    .where(and(eq(staffAccounts.id, id), accountsInScope(viewer)));
  if (!row) throw notFound("Account");
  return row;
}

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
        const q = request.query;
        const where = and(
          accountsInScope(staff),
          q.role ? eq(staffAccounts.role, q.role) : undefined,
          q.active !== undefined ? eq(staffAccounts.active, q.active) : undefined,
        );
        const rows = await rt.db.select().from(staffAccounts).where(where).orderBy(asc(staffAccounts.username)).limit(q.limit).offset(q.offset);
        const [total] = await rt.db.select({ n: count() }).from(staffAccounts).where(where);
        const now = rt.clock.now();
        return pageOf(rows.map((r) => accountView(r, now)), Number(total?.n ?? 0), q);
      },
    );

    app.get<{ Params: { id: string } }>(
      "/api/v1/accounts/:id",
      { schema: { tags: ["accounts"], summary: "One staff account in my area", params: idParams, response: { 404: errorSchema } } },
      async (request) => {
        const staff = requireStaff(request);
        return { account: accountView(await findInScope(rt, staff, request.params.id), rt.clock.now()) };
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
        const body = request.body;
        // Only the area field of the role may be given: a stray one is most likely a mistake.
        const areaField = { pokja_admin: null, puskesmas: "puskesmasId", bidan: "desaCode", kader: "posyanduId" }[body.role];
        for (const field of ["puskesmasId", "desaCode", "posyanduId"] as const) {
          if (body[field] !== undefined && field !== areaField) {
            throw badField(`body.${field}`, `does not belong to role ${body.role}`);
          }
        }
        const now = rt.clock.now();
        const account = await rt.db.transaction(async (tx) => {
          await assertMayManage(tx, staff, body);
          return insertAccount(tx, actorOf(staff), body, now);
        });
        request.log.info({ accountId: account.id, role: account.role }, "staff account created");
        return reply.status(201).send({ account: accountView(account, now) });
      },
    );

    app.patch<{ Params: { id: string }; Body: AccountChanges }>(
      "/api/v1/accounts/:id",
      {
        schema: {
          tags: ["accounts"],
          summary: "Rename, reset the password (ends its sessions and tokens), deactivate (active: false; ends its sessions and tokens) or reactivate an account",
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
        const after = await rt.db.transaction(async (tx) => {
          const [target] = await tx
            .select()
            .from(staffAccounts)
            .where(and(eq(staffAccounts.id, request.params.id), accountsInScope(staff)))
            .for("update");
          if (!target) throw notFound("Account");
          if (target.id === staff.id) throw forbidden("Change your own account through /api/v1/me");
          if (!mayManageRole(staff.role, target.role)) throw forbidden(`A ${staff.role} account may not manage ${target.role} accounts`);
          await assertMayManage(tx, staff, target);
          return updateAccount(tx, actorOf(staff), target, request.body, now);
        });
        return { account: accountView(after, now) };
      },
    );
  };
