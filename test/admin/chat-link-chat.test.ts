// The chat side of staff accounts: KODE 123456 links a chat to the account that asked for the
// code; a kader who registers by chat is announced to the linked staff of the desa.
import { eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { areas } from "../../src/areas/areas.sql.js";
import { deliverOutbox, type ChannelHub } from "../../src/channels/index.js";
import type { TestRuntime } from "../helpers/runtime.js";
import { startServiceWorld, type ServiceWorld, type World } from "./fixture.js";

describe("staff in chat", () => {
  let rt: TestRuntime;
  let app: FastifyInstance;
  let hub: ChannelHub;
  let w: World;
  let world: ServiceWorld;
  const chat = async (from: string, text: string) => (await world.chat(from, text)).map((r) => r.text).join("\n");
  /** What the outbox job sends to a web user who did not write. */
  const inbox = async (from: string) => {
    await deliverOutbox(rt, hub);
    return (await world.inbox(from)).map((r) => r.text).join("\n");
  };
  const chatLinkCode = async (cookie: string) => {
    const issued = await app.inject({ method: "POST", url: "/api/v1/me/chat-link", headers: { cookie } });
    expect(issued.statusCode).toBe(201);
    return (issued.json() as { code: string }).code;
  };

  beforeAll(async () => {
    world = await startServiceWorld();
    ({ rt, w, hub, app } = world);
  });
  afterAll(async () => {
    await app?.close();
    await rt?.close();
  });

  it("links with the code from the admin API, once, and refuses a wrong one", async () => {
    const code = await chatLinkCode(w.cookie.bidanP);
    expect(code).toMatch(/^\d{8}$/);
    expect(await chat("bidan-hp", `KODE ${code === "00000000" ? "11111111" : "00000000"}`)).toMatch(/tidak dikenal/);
    expect(await chat("bidan-hp", `kode ${code}`)).toMatch(/sudah terhubung dengan chat ini/);
    const links = await app.inject({ method: "GET", url: "/api/v1/me/chat-links", headers: { cookie: w.cookie.bidanP } });
    expect(JSON.stringify(links.json())).toMatch(/web/);
    expect(await chat("someone-else", `KODE ${code}`)).toMatch(/tidak dikenal/);
  });

  it("announces a kader who registered by chat to the puskesmas of the desa, who approves them", async () => {
    await chat("pusk-hp", `KODE ${await chatLinkCode(w.cookie.puskP)}`);
    const [desa] = await rt.db.select().from(areas).where(eq(areas.code, w.desa.p0));
    // Registration: language, consent, role kader, name, desa, then the first posyandu listed.
    for (const text of ["DAFTAR", "1", "1", "3", "Siti Aminah", desa!.name, "1"]) await chat("kader-baru", text);
    expect(await inbox("pusk-hp")).toMatch(new RegExp(`Kader baru mendaftar lewat chat [\\s\\S]*${desa!.name}`));

    const pending = (await app.inject({ method: "GET", url: "/api/v1/kader-approvals", headers: { cookie: w.cookie.puskP } })).json() as {
      items: { id: string }[];
    };
    const approve = await app.inject({
      method: "POST",
      url: `/api/v1/kader-approvals/${pending.items.at(-1)!.id}/approve`,
      headers: { cookie: w.cookie.puskP },
      payload: { posyanduId: w.posyandu.p0 },
    });
    expect(approve.statusCode).toBe(200);
    expect(await inbox("kader-baru")).not.toBe("");
  });
});
