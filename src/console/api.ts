// The console is a client of the admin API, in process: every read and every action goes through
// the same route as a curl call would (validation, area scope, audit log, error shape), with the
// caller's own session cookie and address. Nothing here knows how auth or scoping work.
import type { FastifyInstance, FastifyRequest } from "fastify";

export interface ApiError {
  error: string;
  message: string;
  fields?: { field: string; reason: string }[];
}

export interface ApiResult<T> {
  status: number;
  ok: boolean;
  body: T;
  /** Set-Cookie headers of the answer (login and logout pass them on to the browser). */
  setCookie: string[];
}

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Calls the admin API as the browser's user. `app` is the root instance (its router serves /api). */
export async function callApi<T = unknown>(
  app: FastifyInstance,
  request: FastifyRequest,
  method: Method,
  url: string,
  payload?: object,
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = {};
  if (request.headers.cookie) headers.cookie = request.headers.cookie;
  if (request.headers["user-agent"]) headers["user-agent"] = request.headers["user-agent"];
  const res = await app.inject({
    method,
    url,
    headers,
    // The caller's address, so per-address limits (login) count the person, not the server.
    remoteAddress: request.ip,
    ...(payload ? { payload } : {}),
  });
  const cookies = res.headers["set-cookie"];
  const setCookie = cookies === undefined ? [] : Array.isArray(cookies) ? cookies : [String(cookies)];
  const text = res.body;
  let body: unknown = null;
  if (text && String(res.headers["content-type"] ?? "").includes("json")) body = JSON.parse(text);
  return { status: res.statusCode, ok: res.statusCode < 400, body: body as T, setCookie };
}

/** Builds a query string from the defined values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}
