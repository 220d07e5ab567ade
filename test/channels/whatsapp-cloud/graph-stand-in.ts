// A local stand-in for the Graph API's POST /<phone-number-id>/messages: records each request and
// answers from a queue of canned responses (default: success with a new wamid).
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface CannedResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Never answer (to test timeouts). */
  hang?: boolean;
}

export interface GraphStandIn {
  /** API root to put in WHATSAPP_CLOUD_API_ROOT, e.g. http://127.0.0.1:1234/v21.0 */
  root: string;
  requests: RecordedRequest[];
  /** Responses for the next requests, in order. */
  respond(...responses: CannedResponse[]): void;
  close(): Promise<void>;
}

export async function startGraphStandIn(): Promise<GraphStandIn> {
  const requests: RecordedRequest[] = [];
  const queue: CannedResponse[] = [];
  let sent = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      requests.push({
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
      });
      const canned = queue.shift() ?? {
        status: 200,
        body: { messaging_product: "whatsapp", contacts: [{ input: "x", wa_id: "x" }], messages: [{ id: `wamid.SENT${++sent}` }] },
      };
      if (canned.hang) return;
      res.writeHead(canned.status, { "content-type": "application/json", ...canned.headers });
      res.end(JSON.stringify(canned.body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    root: `http://127.0.0.1:${port}/v21.0`,
    requests,
    respond: (...responses) => queue.push(...responses),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
