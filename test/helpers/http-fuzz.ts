// Fuzzed HTTP requests against the whole app: every route it serves (read from Fastify's route
// tree), with arbitrary methods' bodies, query strings and path parameters, with and without a
// staff session, and channel webhooks with their right secret or signature (so malformed bodies
// get past the door). Used by test/app-fuzz.test.ts.
import { createHmac } from "node:crypto";
import fc from "fast-check";
import type { FastifyInstance, InjectOptions } from "fastify";
import { SESSION_COOKIE, createSession } from "../../src/admin/auth.js";
import { buildApp } from "../../src/app.js";
import { createChannels, type ChannelHub } from "../../src/channels/index.js";
import type { WebChatLimits } from "../../src/channels/web/routes.js";
import { seedWorld } from "../admin/fixture.js";
import { BotApiStandIn, TEST_TOKEN } from "../channels/telegram/bot-api-stand-in.js";
import { createTestRuntime, type TestRuntime } from "./runtime.js";

export const FUZZ_TELEGRAM_SECRET = "fuzz_telegram_secret";
export const FUZZ_CLOUD_SECRET = "fuzz-app-secret";

export interface Route {
  method: string;
  url: string;
}

/** Routes from Fastify's printed radix tree ("├── api/v1/me (GET, HEAD)" and its children). */
export function routesOf(app: FastifyInstance): Route[] {
  const routes: Route[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split("\n")) {
    const m = /^([│ ]*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/u.exec(line);
    if (!m) continue;
    const depth = [...(m[1] ?? "")].length / 4;
    const path = (stack[depth - 1] ?? "") + (m[2] ?? "");
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of (m[3] ?? "").split(", ").filter(Boolean)) {
      if (method !== "HEAD") routes.push({ method, url: path.startsWith("/") ? path : `/${path}` });
    }
  }
  return routes;
}

export interface FuzzWorld {
  rt: TestRuntime;
  app: FastifyInstance;
  hub: ChannelHub;
  routes: Route[];
  cookie: string;
  close(): Promise<void>;
}

/** The whole service: web chat, Telegram webhook, WhatsApp Cloud webhook and the admin API. */
export async function startFuzzWorld(options: { webChatLimits?: WebChatLimits } = {}): Promise<FuzzWorld> {
  const api = new BotApiStandIn();
  const apiRoot = await api.listen();
  const rt = await createTestRuntime({
    env: {
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_MODE: "webhook",
      TELEGRAM_WEBHOOK_SECRET: FUZZ_TELEGRAM_SECRET,
      TELEGRAM_API_ROOT: apiRoot,
      WHATSAPP_CLOUD_TOKEN: "fuzz-token",
      WHATSAPP_CLOUD_PHONE_ID: "1000",
      WHATSAPP_CLOUD_APP_SECRET: FUZZ_CLOUD_SECRET,
      WHATSAPP_CLOUD_VERIFY_TOKEN: "fuzz-verify",
      WHATSAPP_CLOUD_API_ROOT: apiRoot,
    },
  });
  const w = await seedWorld(rt);
  const hub = await createChannels(rt, options.webChatLimits ? { webChatLimits: options.webChatLimits } : {});
  const app = await buildApp(rt, { hub, admin: { loginRateLimit: 1_000_000 } });
  await app.ready();
  const { token } = await createSession(rt.db, w.accounts.admin.id, new Date("2030-01-01T00:00:00Z"));
  return {
    rt,
    app,
    hub,
    routes: routesOf(app),
    cookie: `${SESSION_COOKIE}=${token}`,
    close: async () => {
      await hub.stopAll();
      await app.close();
      await rt.close();
      await api.close();
    },
  };
}

const segment = fc.oneof(
  fc.constantFrom("1", "0", "-1", "00000000-0000-0000-0000-000000000000", "abc", "%00", "..%2F", "9".repeat(30), "A7K2"),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
);
const json = fc.oneof(
  { depthSize: "small" },
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(
    fc.constantFrom(
      "from",
      "text",
      "payload",
      "id",
      "username",
      "password",
      "name",
      "reason",
      "limit",
      "offset",
      "weightKg",
      "entry",
      "update_id",
      "message",
    ),
    fc.jsonValue({ maxDepth: 2 }),
  ),
);
const nasty = fc.constantFrom(
  "\u0000",
  "a\u0000b",
  "💥".repeat(3),
  "'; drop table contacts; --",
  "<script>",
  "9".repeat(400),
  "-1",
  "NaN",
  "",
);

/** One arbitrary request to one of `routes`; webhook calls carry the right secret or signature half the time. */
export function requestArbitrary(world: Pick<FuzzWorld, "routes" | "cookie">): fc.Arbitrary<InjectOptions> {
  return fc
    .record({
      route: fc.constantFrom(...world.routes),
      params: fc.array(segment, { minLength: 4, maxLength: 4 }),
      query: fc.dictionary(
        fc.constantFrom(
          "limit",
          "offset",
          "from",
          "q",
          "desaCode",
          "posyanduId",
          "hub.mode",
          "hub.verify_token",
          "hub.challenge",
          "lang",
          "status",
        ),
        fc.oneof(fc.string({ maxLength: 10 }), nasty),
        { maxKeys: 3 },
      ),
      body: fc.oneof(
        json,
        nasty.map((n) => ({ from: "fuzz-1", text: n })),
      ),
      raw: fc.boolean(),
      authed: fc.boolean(),
    })
    .map(({ route, params, query, body, raw, authed }) => {
      let i = 0;
      const url = route.url.replace(/:[A-Za-z]+|\*/g, () => params[i++ % params.length] ?? "1");
      const headers: Record<string, string> = {};
      if (authed) headers.cookie = world.cookie;
      const payload = raw ? String(JSON.stringify(body)).slice(0, -1) : JSON.stringify(body);
      if (route.method !== "GET" && route.method !== "DELETE") headers["content-type"] = "application/json";
      if (url === "/webhooks/telegram" && authed) headers["x-telegram-bot-api-secret-token"] = FUZZ_TELEGRAM_SECRET;
      if (url === "/webhooks/whatsapp" && authed) {
        headers["x-hub-signature-256"] = `sha256=${createHmac("sha256", FUZZ_CLOUD_SECRET).update(payload).digest("hex")}`;
      }
      const search = new URLSearchParams(query).toString();
      return {
        method: route.method as InjectOptions["method"],
        url: search ? `${url}?${search}` : url,
        headers,
        ...(route.method === "GET" || route.method === "DELETE" ? {} : { payload }),
      };
    });
}
