// The HTTP call under grammY's Bot API client (its `fetch` option): Node's own http/https
// request on grammY's keep-alive agent, instead of the node-fetch that grammY ships for Node.
// grammY reads nothing of the answer but its JSON body, so the WHATWG layers node-fetch builds
// for every call (Request, Headers, a body stream, Response) are work for nothing: at 1,000
// replies a second they were ~3% of the service's CPU (BENCHMARKS.md). Uploads (multipart
// streams) and time-outs (grammY aborts its signal) work as with node-fetch.
import http from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";

/** What grammY passes (src: grammy/out/core/client.js, createJsonPayload/createFormDataPayload). */
interface BotApiRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Readable;
  agent?: http.Agent;
  signal?: {
    aborted: boolean;
    addEventListener(type: "abort", listener: () => void): void;
    removeEventListener(type: "abort", listener: () => void): void;
  };
}

/** The part of a fetch Response grammY uses. */
export interface BotApiResponse {
  status: number;
  ok: boolean;
  json(): Promise<unknown>;
}

export function botApiFetch(url: string, init: BotApiRequest = {}): Promise<BotApiResponse> {
  return new Promise((resolve, reject) => {
    const { signal } = init;
    if (signal?.aborted) return reject(new Error("The Bot API call was aborted"));
    const body = typeof init.body === "string" ? Buffer.from(init.body) : undefined;
    const headers = body ? { ...init.headers, "content-length": String(body.length) } : init.headers;
    const transport = url.startsWith("https:") ? https : http;
    const onAbort = () => request.destroy(new Error("The Bot API call was aborted"));
    const request = transport.request(url, { method: init.method ?? "GET", headers, agent: init.agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", fail);
      response.on("end", () => {
        signal?.removeEventListener("abort", onAbort);
        const status = response.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status, ok: status >= 200 && status < 300, json: () => Promise.resolve().then(() => JSON.parse(text) as unknown) });
      });
    });
    function fail(err: Error): void {
      signal?.removeEventListener("abort", onAbort);
      reject(err);
    }
    request.on("error", fail);
    signal?.addEventListener("abort", onAbort);
    const upload = typeof init.body === "string" ? undefined : init.body;
    if (upload) upload.on("error", (err: Error) => request.destroy(err)).pipe(request);
    else request.end(body);
  });
}
