// KODE 123456 typed in chat links the chat to the staff account that asked for the code.
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import { createChannels } from "../../src/channels/index.js";
import { seedWorld, type World } from "./fixture.js";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.js";

describe("linking a staff account to a chat", () => {
  let rt: TestRuntime;
  let app: FastifyInstance;
  let w: World;
  const chat = async (from: string, text: string) => {
    const res = await app.inject({ method: "POST", url: "/api/v1/chat/messages", payload: { from, text } });
    return (res.json() as { replies: { text: string }[] }).replies.map((r) => r.text).join("\n");
  };

  beforeAll(async () => {
    rt = await createTestRuntime();
    w = await seedWorld(rt);
    app = await buildApp(rt, { hub: await createChannels(rt), admin: { loginRateLimit: 10_000 } });
  });
  afterAll(async () => {
    await app?.close();
    await rt?.close();
  });

  it("links with the code from the admin API, and refuses a wrong one", async () => {
    const issued = await app.inject({ method: "POST", url: "/api/v1/me/chat-link", headers: { cookie: w.cookie.bidanP } });
    expect(issued.statusCode).toBe(201);
    const { code } = issued.json() as { code: string };
    expect(code).toMatch(/^\d{6}$/);

    const wrong = code === "000000" ? "111111" : "000000";
    expect(await chat("bidan-hp", `KODE ${wrong}`)).toMatch(/tidak dikenal/);
    expect(await chat("bidan-hp", `kode ${code}`)).toMatch(/sudah terhubung dengan chat ini/);

    const links = await app.inject({ method: "GET", url: "/api/v1/me/chat-links", headers: { cookie: w.cookie.bidanP } });
    expect(JSON.stringify(links.json())).toMatch(/web/);
    // A code works once.
    expect(await chat("someone-else", `KODE ${code}`)).toMatch(/tidak dikenal/);
  });
});
