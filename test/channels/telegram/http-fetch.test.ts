// botApiFetch (src/channels/telegram/http-fetch.ts), the HTTP call under grammY: against a local
// HTTP server, through grammY itself where it can be, and through the function for what grammY
// passes but this project does not send today (uploads as streams).
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { Bot, GrammyError, HttpError } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botApiFetch } from "../../../src/channels/telegram/http-fetch.js";

const readBody = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
};

describe("botApiFetch", () => {
  let server: Server;
  let root: string;
  const seen: Array<{ url: string; body: string; type: string | undefined }> = [];
  let hang: () => void = () => {};

  beforeAll(async () => {
    server = createServer((req, res) => {
      void readBody(req).then((body) => {
        seen.push({ url: req.url ?? "", body, type: req.headers["content-type"] });
        if (req.url?.endsWith("/hang")) {
          hang = () => res.end("{}");
          return;
        }
        res.setHeader("content-type", "application/json");
        if (req.url?.endsWith("/sendMessage") && body.includes("too fast")) {
          res.statusCode = 429;
          return res.end(JSON.stringify({ ok: false, error_code: 429, description: "Too Many Requests", parameters: { retry_after: 3 } }));
        }
        if (req.url?.endsWith("/broken")) return res.end("<html>bad gateway</html>");
        res.end(JSON.stringify({ ok: true, result: { message_id: 7, date: 1, chat: { id: 1, type: "private" }, text: "ok" } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    hang();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const bot = () => new Bot("123:abc", { botInfo: {} as never, client: { apiRoot: root, fetch: botApiFetch as unknown as typeof fetch } });

  it("carries grammY's JSON calls and their answers, UTF-8 intact", async () => {
    const sent = await bot().api.sendMessage(1, "Halo Bunda 👶 — 'ASI' \\ eksklusif");
    expect(sent.message_id).toBe(7);
    const last = seen.at(-1);
    expect(last?.url).toBe("/bot123:abc/sendMessage");
    expect(last?.type).toBe("application/json");
    expect(JSON.parse(last?.body ?? "{}")).toMatchObject({ chat_id: 1, text: "Halo Bunda 👶 — 'ASI' \\ eksklusif" });
  });

  it("hands a 429 with retry_after to grammY as the Bot API's own error", async () => {
    const error = await bot()
      .api.sendMessage(1, "too fast")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).error_code).toBe(429);
    expect((error as GrammyError).parameters.retry_after).toBe(3);
  });

  it("an answer that is not JSON, or no server, is an HTTP error for grammY", async () => {
    const notJson = await botApiFetch(`${root}/broken`, { method: "POST", body: "{}" });
    await expect(notJson.json()).rejects.toThrow(SyntaxError);
    const closed = new Bot("123:abc", {
      botInfo: {} as never,
      client: { apiRoot: "http://127.0.0.1:1", fetch: botApiFetch as unknown as typeof fetch },
    });
    await expect(closed.api.sendMessage(1, "x")).rejects.toBeInstanceOf(HttpError);
  });

  it("sends a stream body (an upload) and stops when the signal aborts", async () => {
    const upload = await botApiFetch(`${root}/sendDocument`, {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=x" },
      body: Readable.from(["--x\r\n", "part", "\r\n--x--\r\n"]),
    });
    expect(upload.ok).toBe(true);
    expect(seen.at(-1)?.body).toBe("--x\r\npart\r\n--x--\r\n");

    const controller = new AbortController();
    const pending = botApiFetch(`${root}/hang`, { method: "POST", body: "{}", signal: controller.signal });
    await expect.poll(() => seen.at(-1)?.url).toBe("/hang");
    controller.abort();
    await expect(pending).rejects.toThrow(/aborted/);
    const already = new AbortController();
    already.abort();
    await expect(botApiFetch(`${root}/x`, { signal: already.signal })).rejects.toThrow(/aborted/);
  });
});
