// The console's static files, served by the service itself (same origin, no CDN, works on an
// intranet): Chart.js from node_modules and the console's own script and style sheet. Each is read
// and gzipped once and sent with an ETag, so a phone on a slow line downloads it once.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import type { FastifyInstance } from "fastify";

interface Asset {
  type: string;
  body: Buffer;
  gzipped: Buffer;
  etag: string;
}

function asset(path: string, type: string): Asset {
  const body = readFileSync(path);
  return {
    type,
    body,
    gzipped: gzipSync(body, { level: 9 }),
    etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`,
  };
}

/** Chart.js's minified UMD build (the package's exports name only its module entry, so find it beside it). */
export const CHART_JS_PATH = join(dirname(createRequire(import.meta.url).resolve("chart.js")), "chart.umd.min.js");

export function loadAssets(): Record<string, Asset> {
  const own = (name: string) => new URL(`./assets/${name}`, import.meta.url);
  return {
    "chart.js": asset(CHART_JS_PATH, "text/javascript; charset=utf-8"),
    "konsol.js": asset(own("konsol.js").pathname, "text/javascript; charset=utf-8"),
    "konsol.css": asset(own("konsol.css").pathname, "text/css; charset=utf-8"),
  };
}

export function assetRoutes(app: FastifyInstance): void {
  // Read and compressed at the first request, not at start (a service start stays as quick).
  let assets: Record<string, Asset> | undefined;
  app.get<{ Params: { name: string } }>("/aset/:name", { compress: false }, async (request, reply) => {
    assets ??= loadAssets();
    const a = Object.hasOwn(assets, request.params.name) ? assets[request.params.name] : undefined;
    if (!a) return reply.callNotFound();
    void reply
      .header("etag", a.etag)
      .header("cache-control", "public, max-age=3600, must-revalidate")
      .header("vary", "accept-encoding")
      .type(a.type);
    if (request.headers["if-none-match"] === a.etag) return reply.status(304).send();
    if (/\bgzip\b/.test(String(request.headers["accept-encoding"] ?? ""))) return reply.header("content-encoding", "gzip").send(a.gzipped);
    return reply.send(a.body);
  });
}
