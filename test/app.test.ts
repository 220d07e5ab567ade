import { sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { createTestRuntime, type TestRuntime } from "./helpers/runtime.js";

describe("health and readiness", () => {
  let rt: TestRuntime;
  let app: FastifyInstance;
  beforeAll(async () => {
    rt = await createTestRuntime();
    app = await buildApp(rt);
  });
  afterAll(async () => {
    await app?.close();
    await rt?.close();
  });

  it("answers /health while the process lives", async () => {
    const res = await app.inject({ method: "GET", url: "/health" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ok" });
  });

  it("answers /ready 200 when the database is reachable and migrated", async () => {
    const res = await app.inject({ method: "GET", url: "/ready" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: "ready" });
  });

  it("answers /ready 503 with a reason when migrations are missing", async () => {
    await rt.db.execute(sql`delete from drizzle.__drizzle_migrations`);
    const res = await app.inject({ method: "GET", url: "/ready" });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: "unavailable", reason: "database migrations not applied" });
  });

  it("answers unknown routes with a JSON 404", async () => {
    const res = await app.inject({ method: "GET", url: "/nope?x=1" });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: "not_found" });
  });
});
