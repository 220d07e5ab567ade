// The world the report tests share: a fresh database with the admin fixture's areas, units and
// staff, the admin API, and a GET that reads JSON loosely.
import type { FastifyInstance } from "fastify";
import { buildAdminApp, seedWorld, type Who, type World } from "../admin/fixture.js";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.js";

export interface ReportWorld {
  rt: TestRuntime;
  app: FastifyInstance;
  w: World;
}

export async function startReportWorld(now: string): Promise<ReportWorld> {
  const rt = await createTestRuntime({ now });
  const w = await seedWorld(rt);
  return { rt, w, app: await buildAdminApp(rt) };
}

/** GET as one of the world's staff accounts. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read the JSON loosely
export async function getAs(world: Pick<ReportWorld, "app" | "w">, who: Who, url: string): Promise<{ status: number; body: any }> {
  const res = await world.app.inject({ method: "GET", url, headers: { cookie: world.w.cookie[who] } });
  return { status: res.statusCode, body: res.json() };
}
