// Per-request helpers shared by the pages: the signed-in person (from GET /api/v1/me), the text
// function, the CSRF token, flash notices carried across a redirect, and API errors in Indonesian.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Runtime } from "../runtime.js";
import { callApi, query, type ApiError } from "./api.js";
import type { Me, PageContext, T } from "./layout.js";

export interface ConsoleDeps {
  rt: Runtime;
  app: FastifyInstance;
}

/** Staff read the console in Indonesian (locales/id/console.json). */
export const textsOf =
  (rt: Runtime): T =>
  (key, vars) =>
    rt.i18n.t("id", key, vars);

/** A flash notice from ?ok=<key> or ?galat=<code>; only known keys are shown (never echoed text). */
function flashOf(rt: Runtime, request: FastifyRequest): PageContext["flash"] {
  const q = request.query as { ok?: unknown; galat?: unknown; kolom?: unknown } | undefined;
  const t = textsOf(rt);
  if (typeof q?.ok === "string" && /^[a-zA-Z]+$/.test(q.ok) && rt.i18n.exists("id", `console:done.${q.ok}`))
    return { kind: "ok", text: t(`console:done.${q.ok}`) };
  if (
    q?.galat === "validation_failed" &&
    typeof q.kolom === "string" &&
    /^[a-zA-Z]+$/.test(q.kolom) &&
    rt.i18n.exists("id", `console:fields.${q.kolom}`)
  ) {
    return { kind: "error", text: t("console:errors.validation_field", { field: t(`console:fields.${q.kolom}`) }) };
  }
  if (typeof q?.galat === "string" && /^[a-z_]+$/.test(q.galat)) {
    const key = rt.i18n.exists("id", `console:errors.${q.galat}`) ? `console:errors.${q.galat}` : "console:errors.generic";
    return { kind: "error", text: t(key) };
  }
  return undefined;
}

export class SignInNeeded extends Error {}

/** The page context of a signed-in staff member; throws SignInNeeded (redirect to the login page) otherwise. */
export async function staffContext(deps: ConsoleDeps, request: FastifyRequest, reply: FastifyReply): Promise<PageContext & { me: Me }> {
  const res = await callApi<Me>(deps.app, request, "GET", "/api/v1/me");
  if (res.status === 401) throw new SignInNeeded();
  if (!res.ok) throw Object.assign(new Error("me failed"), { statusCode: res.status });
  return {
    t: textsOf(deps.rt),
    me: res.body,
    csrf: reply.generateCsrf(),
    nonce: reply.cspNonce,
    path: request.url.split("?")[0] ?? "/konsol",
    flash: flashOf(deps.rt, request),
  };
}

/** The page context without a session (login page). */
export function anonymousContext(deps: ConsoleDeps, request: FastifyRequest, reply: FastifyReply): PageContext {
  return {
    t: textsOf(deps.rt),
    me: null,
    csrf: reply.generateCsrf(),
    nonce: reply.cspNonce,
    path: request.url.split("?")[0] ?? "/konsol",
    flash: flashOf(deps.rt, request),
  };
}

/** After a form post: back to a console page with a notice (Post/Redirect/Get). */
export function redirectBack(reply: FastifyReply, path: string, notice: { ok: string } | { galat: string; kolom?: string }): FastifyReply {
  const [base, existing] = path.split("?");
  const params = new URLSearchParams(existing ?? "");
  params.delete("ok");
  params.delete("galat");
  params.delete("kolom");
  for (const [k, v] of Object.entries(notice)) if (v) params.set(k, v);
  return reply.redirect(`${base}${query(Object.fromEntries(params))}`, 303);
}

/** A console path to go back to, from a form field; anything else (another site) is refused. */
export function safeReturn(value: unknown, fallback: string): string {
  return typeof value === "string" && /^\/konsol(\/[\w\-./]*)?(\?[\w\-=&%.]*)?$/.test(value) && !value.includes("..") ? value : fallback;
}

/** The field an API validation error names ("body.birthDate" → "birthDate"), for ?kolom=. */
export function errorField(body: unknown): string | undefined {
  const field = (body as Partial<ApiError> | null)?.fields?.[0]?.field;
  // "body.segment.desaCodes[0]" names the list: desaCodes.
  const last =
    typeof field === "string"
      ? field
          .split(".")
          .at(-1)
          ?.replace(/\[\d+\]$/, "")
      : undefined;
  return last && /^[a-zA-Z]+$/.test(last) ? last : undefined;
}

/** The code of an API error, for ?galat=: its error field when it is a plain code. */
export function errorCode(body: unknown): string {
  const code = (body as Partial<ApiError> | null)?.error;
  return typeof code === "string" && /^[a-z_]+$/.test(code) ? code : "generic";
}
