// The signed-in account: who am I and what do I reach, my password, my API tokens, my chat link.
import type { FastifyPluginAsync } from "fastify";
import { accountView, principalOf, updateAccount } from "../accounts.js";
import { apiTokensOf, issueApiToken, revokeApiToken } from "../api-tokens.js";
import { verifyPassword, type ApiTokenRow } from "../auth.js";
import { chatLinksOf, issueChatLinkCode, linkedContactIds, unlinkChat } from "../chat-link.js";
import { HttpError } from "../../platform/http/errors.js";
import { actorOf, requireStaff } from "../../platform/http/auth.js";
import type { AdminRouteOptions } from "../plugin.js";
import { scopeFor } from "../../platform/scope.js";
import { errorSchema, idParams } from "../../platform/http/validation.js";
import { password } from "./auth.js";

function tokenView(t: ApiTokenRow) {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

export const meRoutes =
  ({ rt }: AdminRouteOptions): FastifyPluginAsync =>
  async (app) => {
    app.get("/api/v1/me", { schema: { tags: ["me"], summary: "The signed-in account and the area it reaches" } }, async (request) => {
      const staff = requireStaff(request);
      const scope = await scopeFor(rt.db, principalOf(staff));
      const chatLinks = (await linkedContactIds(rt.db, staff.id)).length;
      return { account: accountView(staff, rt.clock.now()), scope, chatLinks };
    });

    app.put<{ Body: { currentPassword: string; newPassword: string } }>(
      "/api/v1/me/password",
      {
        schema: {
          tags: ["me"],
          summary: "Change my password (ends all my sessions and revokes my API tokens: sign in again)",
          body: {
            type: "object",
            required: ["currentPassword", "newPassword"],
            additionalProperties: false,
            properties: { currentPassword: { type: "string", minLength: 1, maxLength: 200 }, newPassword: password },
          },
          response: { 400: errorSchema, 403: errorSchema },
        },
      },
      async (request, reply) => {
        const staff = requireStaff(request);
        if (!staff.passwordHash || !(await verifyPassword(staff.passwordHash, request.body.currentPassword))) {
          throw new HttpError(403, "wrong_password", "The current password is wrong");
        }
        const now = rt.clock.now();
        await rt.db.transaction((tx) => updateAccount(tx, actorOf(staff), staff, { password: request.body.newPassword }, now));
        return reply.status(204).send();
      },
    );

    app.post(
      "/api/v1/me/chat-link",
      {
        schema: {
          tags: ["me"],
          summary: "Get a one-time code (valid 15 minutes) to type in chat as KODE 12345678",
          response: { 201: { type: "object", properties: { code: { type: "string" }, expiresAt: { type: "string" } } } },
        },
      },
      async (request, reply) => {
        const staff = requireStaff(request);
        const { code, expiresAt } = await issueChatLinkCode(rt.db, staff.id, rt.clock.now());
        return reply.status(201).send({ code, expiresAt: expiresAt.toISOString() });
      },
    );

    app.get("/api/v1/me/chat-links", { schema: { tags: ["me"], summary: "The chats linked to my account" } }, async (request) => {
      const staff = requireStaff(request);
      return { items: await chatLinksOf(rt.db, staff.id) };
    });

    app.delete<{ Params: { id: string } }>(
      "/api/v1/me/chat-links/:id",
      {
        schema: {
          tags: ["me"],
          summary: "Unlink a chat (by its contact id) from my account, e.g. a lost phone",
          params: idParams,
          response: { 404: errorSchema },
        },
      },
      async (request, reply) => {
        const staff = requireStaff(request);
        await unlinkChat(rt, { actor: actorOf(staff), accountId: staff.id }, request.params.id);
        return reply.status(204).send();
      },
    );

    app.get("/api/v1/me/tokens", { schema: { tags: ["me"], summary: "My API tokens (without the secret)" } }, async (request) => {
      const staff = requireStaff(request);
      return { items: (await apiTokensOf(rt.db, staff.id)).map(tokenView) };
    });

    app.post<{ Body: { name: string; expiresInDays?: number } }>(
      "/api/v1/me/tokens",
      {
        schema: {
          tags: ["me"],
          summary: "Create a personal API token; the token is shown only in this response",
          body: {
            type: "object",
            required: ["name"],
            additionalProperties: false,
            properties: {
              name: { type: "string", minLength: 1, maxLength: 80 },
              expiresInDays: { type: "integer", minimum: 1, maximum: 366 },
            },
          },
          response: { 400: errorSchema },
        },
      },
      async (request, reply) => {
        const staff = requireStaff(request);
        const created = await issueApiToken(
          rt,
          { actor: actorOf(staff), accountId: staff.id },
          request.body.name,
          request.body.expiresInDays,
        );
        return reply.status(201).send({ token: created.token, ...tokenView(created.row) });
      },
    );

    app.delete<{ Params: { id: string } }>(
      "/api/v1/me/tokens/:id",
      { schema: { tags: ["me"], summary: "Revoke one of my API tokens", params: idParams, response: { 404: errorSchema } } },
      async (request, reply) => {
        const staff = requireStaff(request);
        await revokeApiToken(rt, { actor: actorOf(staff), accountId: staff.id }, request.params.id);
        return reply.status(204).send();
      },
    );
  };
