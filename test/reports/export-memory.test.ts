// An e-PPGBM export of 100,000 rows is streamed, never held: it is downloaded over a real socket
// while the memory the process keeps alive (heap and buffers after a full GC) is read at every few
// megabytes of CSV. Holding the rows or the file would keep well over 100 MB alive (the CSV alone
// is ~25 MB as text); a stream keeps a few batches. RSS growth while rows flow is checked too,
// more loosely (it also holds garbage not yet collected).
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { get } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { eq, sql } from "drizzle-orm";
import { auditLog } from "../../src/platform/audit.sql.js";
import { EPPGBM_HEADER } from "../../src/reports/eppgbm.js";
import type { TestRuntime } from "../helpers/runtime.js";
import { startReportWorld } from "./fixture.js";
import type { World } from "../admin/fixture.js";

const ROWS = 100_000;
const CHILDREN = 5_000; // 20 measurements each, one a month
// A full collection on demand, to read what is really kept alive (not what the GC has yet to free).
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

let rt: TestRuntime;
let app: FastifyInstance;
let w: World;

beforeAll(async () => {
  ({ rt, app, w } = await startReportWorld("2026-09-05T02:00:00Z"));
  // One statement per table: quick on PGlite too.
  await rt.db.execute(sql`
    insert into children (code, name, sex, birth_date, desa_code, posyandu_id, nik, mother_name, created_at)
    select 'M' || lpad(g::text, 6, '0'), 'Anak ' || g, case when g % 2 = 0 then 'L' else 'P' end, date '2023-06-01' + (g % 500),
           ${w.desa.p0}, ${w.posyandu.p0}::uuid, lpad((6311000000000000 + g)::text, 16, '0'), 'Ibu ' || g, timestamptz '2024-01-01'
    from generate_series(1, ${CHILDREN}) g`);
  await rt.db.execute(sql`
    insert into measurements (child_id, measured_on, age_days, weight_kg, length_cm, position, zlen, zwei, zwfl, status_tbu, status_bbu, status_bbtb, growth_code, created_at)
    select c.id, d, d - c.birth_date, 8 + (k % 5), 70 + k, 'lying', -1.5, -0.5, 0.2, 'normal', 'normal', 'normal', 'N', d::timestamptz
    from children c cross join generate_series(0, 19) k cross join lateral (select date '2025-01-10' + k * 30 as d) m
    where c.code like 'M%'`);
  // As autovacuum (PostgreSQL) or the nightly job (PGlite) would: plans then know the table sizes.
  await rt.db.execute(sql`analyze`);
  await app.listen({ port: 0, host: "127.0.0.1" }); // a real socket: the download is read as it comes
}, 600_000);
afterAll(async () => {
  await app?.close();
  await rt?.close();
});

const kept = () => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

describe("e-PPGBM export of 100,000 rows", () => {
  it("streams with bounded memory, every row out, and is audited", async () => {
    const { port } = app.server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/api/v1/reports/exports/eppgbm?from=2025-01-01&to=2026-08-31&format=csv`;
    // A first small export warms what is made once (database caches, label lookups, code).
    await (await fetch(`${url.replace("2026-08-31", "2025-01-31")}`, { headers: { cookie: w.cookie.admin } })).arrayBuffer();

    const before = kept();
    let keptPeak = before;
    // RSS is read once rows flow (after the first megabyte): the engine's own start-up of the query
    // (PGlite plans and buffers inside the process) comes before, and is not the stream's.
    let rssFlowing = 0;
    let rssPeak = 0;
    const res = await fetch(url, { headers: { cookie: w.cookie.admin } });
    expect(res.status).toBe(200);
    const decoder = new TextDecoder();
    let newlines = 0;
    let bytes = 0;
    let nextCheck = 0;
    let first = "";
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      if (first.length < 2000) first += decoder.decode(chunk, { stream: true });
      for (const b of chunk) if (b === 10) newlines++;
      if (rssFlowing) rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      if (bytes >= nextCheck) {
        keptPeak = Math.max(keptPeak, kept());
        nextCheck = bytes + 2_000_000;
        if (!rssFlowing && bytes > 1_000_000) rssFlowing = rssPeak = process.memoryUsage().rss;
      }
    }
    expect(newlines).toBe(ROWS + 1); // the header and every row
    expect(first.replace(/^\uFEFF/, "").split("\n")[0]).toBe(EPPGBM_HEADER.join(","));
    expect(bytes).toBeGreaterThan(20_000_000);
    // Kept alive at any point: a few batches, far from the ~25 MB file or the 100,000 rows.
    expect(keptPeak - before).toBeLessThan(25_000_000);
    // RSS also holds garbage between collections; still far from what holding the export would take.
    expect(rssPeak - rssFlowing).toBeLessThan(100_000_000);

    let audit: { after: unknown }[] = [];
    while (audit.length < 2) {
      audit = await rt.db.select({ after: auditLog.after }).from(auditLog).where(eq(auditLog.action, "export.eppgbm"));
      if (audit.length < 2) await new Promise((r) => setImmediate(r));
    }
    expect(audit.map((a) => (a.after as { rows: number }).rows)).toContain(ROWS);
  }, 600_000);

  it("stops reading the database when the client goes away", async () => {
    const { port } = app.server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/api/v1/reports/exports/eppgbm?from=2025-01-01&to=2025-05-31&format=csv`;
    // More cut-off downloads than the test pool has connections (4): a cursor left open would hold
    // one each, and the report below would never get a connection.
    for (let i = 0; i < 5; i++) {
      // The connection is dropped after the first 100 kB, as when a browser tab is closed.
      await new Promise<void>((resolve, reject) => {
        const req = get(url, { headers: { cookie: w.cookie.admin } }, (res) => {
          let got = 0;
          res.on("data", (chunk: Buffer) => {
            got += chunk.length;
            if (got >= 100_000 && !req.destroyed) {
              req.destroy();
              resolve();
            }
          });
        });
        req.on("error", (err) => (req.destroyed ? resolve() : reject(err)));
      });
    }
    const report = await app.inject({
      method: "GET",
      url: "/api/v1/reports/prevalence?month=2026-08&level=kecamatan",
      headers: { cookie: w.cookie.admin },
    });
    expect(report.statusCode).toBe(200);
  }, 600_000);
});
