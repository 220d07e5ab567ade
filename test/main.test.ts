// The process as an operator runs it: start, ready, stop on SIGTERM, start again, and refuse a
// second process on the same embedded data folder.
import { webChatAddress } from "../src/channels/web/routes.js";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { buildAndStartArgs } from "../scripts/start-args.js";
import { contactChannels } from "../src/contacts/contacts.sql.js";
import { openDatabase } from "../src/db/client.js";
import { onPostgres } from "./helpers/runtime.js";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

let startArgs: string[] | undefined;

function start(env: Record<string, string>): Started {
  // The command npm start runs, without npm in between (so SIGTERM reaches the service).
  startArgs ??= buildAndStartArgs();
  const child = spawn(process.execPath, startArgs, {
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

// Waits for /ready with no clock bound of its own (a busy machine may take long to start);
// the test's timeout is the only limit.
async function waitReady(port: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/ready`);
      if (res.status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(onPostgres)("the service process on the embedded database", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "balanting-main-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("starts, refuses a second process on the folder, stops on SIGTERM and keeps its data", async () => {
    const port = await freePort();
    const first = start({ DATA_DIR: dataDir, PORT: String(port) });
    let token = "";
    try {
      await waitReady(port);
      // Someone writes on the local web chat: a contact is stored.
      const session = await fetch(`http://127.0.0.1:${port}/api/v1/chat/session`, { method: "POST" });
      expect(session.status).toBe(201);
      token = /balanting_chat=([^;]+)/.exec(session.headers.get("set-cookie") ?? "")?.[1] ?? "";
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/chat/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie: `balanting_chat=${token}` },
        body: JSON.stringify({ text: "halo" }),
      });
      expect(res.status).toBe(200);

      const second = start({ DATA_DIR: dataDir, PORT: String(await freePort()) });
      expect(await second.exited).toBe(1);
      expect(second.output()).toMatch(/in use by another Balanting process/);
      expect(second.output()).not.toMatch(/\n\s+at /); // no stack trace

      first.child.kill("SIGTERM");
      expect(await first.exited).toBe(0);
    } finally {
      first.child.kill("SIGKILL");
    }

    // Started again on the same folder: migrations and seed already there, nothing redone.
    const again = start({ DATA_DIR: dataDir, PORT: String(port) });
    try {
      await waitReady(port);
      expect(again.output()).toMatch(/"applied":0/);
      expect(again.output()).not.toMatch(/seeded Balangan/);
      again.child.kill("SIGINT");
      expect(await again.exited).toBe(0);
    } finally {
      again.child.kill("SIGKILL");
    }
    // What the first process stored is in the folder.
    const stored = await openDatabase({ engine: "pglite", dataDir });
    try {
      const rows = await stored.db
        .select()
        .from(contactChannels)
        .where(eq(contactChannels.address, webChatAddress(token)));
      expect(rows).toHaveLength(1);
    } finally {
      await stored.close();
    }
  }, 300_000);

  it("takes over a lock left by a process that was killed", async () => {
    const port = await freePort();
    const victim = start({ DATA_DIR: dataDir, PORT: String(port) });
    await waitReady(port);
    victim.child.kill("SIGKILL");
    await victim.exited;
    const next = start({ DATA_DIR: dataDir, PORT: String(port) });
    try {
      await waitReady(port);
    } finally {
      next.child.kill("SIGTERM");
      await next.exited;
    }
  }, 300_000);

  it("explains a bad configuration in one line per variable, without a stack trace", async () => {
    const bad = start({ DATA_DIR: dataDir, PORT: "seventy", WEB_CHAT: "maybe" });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(/Invalid configuration:\n {2}- PORT: .+\n {2}- WEB_CHAT: use on or off/);
    expect(bad.output()).not.toMatch(/\n\s+at /);
  });
});
