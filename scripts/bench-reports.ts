// Benchmark of the Pokja's figures and the e-PPGBM export on PostgreSQL, at Balangan's
// scale: 15,000 children in every desa, with 24 months of monthly measurements (~80% attendance).
// Targets: every dashboard figure for the regency ≤ 200 ms; a 100,000-row export ≥ 20,000 rows/s
// at ≤ 150 MB RSS (the export runs in a fresh process started as the service is, compiled from
// dist/ with its node flags: scripts/bench-reports-export.mjs; so the RSS is its own).
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:reports
// Creates and drops its own database (BENCH_DB=name: keeps it). BENCH_CHILDREN changes the size.
import { spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import postgres from "../src/db/postgres.js";
import { loadConfig } from "../src/config/index.js";
import { openDatabase } from "../src/db/client.js";
import { ManualClock } from "../src/lib/clock.js";
import { createLogger } from "../src/lib/log.js";
import { prevalenceReport, skdnReport, trendReport } from "../src/reports/figures.js";
import { publicSummary } from "../src/reports/public.js";
import { createRuntime, type Runtime } from "../src/runtime.js";
import { buildAndStartArgs } from "./start-args.js";

const CHILDREN = Number(process.env.BENCH_CHILDREN ?? 15_000);
const MONTH = "2026-08";
const ADMIN = { role: "pokja_admin", puskesmasId: null, desaCode: null, posyanduId: null } as const;
const base = process.env.DATABASE_URL;
if (!base) {
  console.error("bench:reports needs DATABASE_URL (PostgreSQL), e.g. postgres://postgres@127.0.0.1:5432/postgres");
  process.exit(2);
}

const open = async (url: string) =>
  createRuntime(loadConfig({ DATABASE_URL: url, LOG_LEVEL: "silent" }), {
    log: createLogger("silent"),
    clock: new ManualClock("2026-09-05T02:00:00Z"),
    database: await openDatabase({ engine: "postgres", url, max: 4 }),
  });

// BENCH_DB=name keeps a seeded database between runs (seeded when new, never dropped): for EXPLAIN.
const kept = process.env.BENCH_DB;
const name = kept ?? `balanting_bench_reports_${process.pid}`;
const admin = postgres(base, { max: 1, onnotice: () => {} });
const exists = kept ? (await admin`select 1 from pg_database where datname = ${kept}`).length > 0 : false;
if (!exists) await admin.unsafe(`create database ${name}`);
const url = new URL(base);
url.pathname = `/${name}`;
try {
  const rt = await open(url.toString());
  try {
    if (!exists) await seed(rt);
    await measureFigures(rt);
  } finally {
    await rt.close();
  }
  // The export runs as the service does (compiled, the service's node flags), in a fresh process.
  const flags = buildAndStartArgs().slice(0, -1);
  const exporter = fileURLToPath(new URL("./bench-reports-export.mjs", import.meta.url));
  const child = spawnSync(process.execPath, [...flags, exporter, url.toString()], { stdio: "inherit" });
  if (child.status !== 0) process.exitCode = 1;
} finally {
  if (!kept) await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}

/** Children spread over every desa (two posyandu each), one measurement a month for 24 months. */
async function seed(rt: Runtime): Promise<void> {
  const t = performance.now();
  await rt.db.execute(sql`
    insert into posyandu (name, desa_code, day_of_month)
    select 'Posyandu ' || a.name || ' ' || k, a.code, 1 + (k * 7) % 28 from areas a, generate_series(1, 2) k where a.level = 'desa'`);
  await rt.db.execute(sql`
    insert into puskesmas (name) select 'Puskesmas ' || name from areas where level = 'kecamatan'`);
  await rt.db.execute(sql`
    insert into puskesmas_desa (puskesmas_id, desa_code)
    select p.id, d.code from areas d join areas k on k.code = d.parent_code join puskesmas p on p.name = 'Puskesmas ' || k.name where d.level = 'desa'`);
  await rt.db.execute(sql`
    with py as (select id, desa_code, row_number() over (order by id) - 1 as i, count(*) over () as n from posyandu)
    insert into children (code, name, sex, birth_date, desa_code, posyandu_id, nik, mother_name, created_at)
    select 'B' || lpad(g::text, 6, '0'), 'Anak ' || g, case when g % 2 = 0 then 'L' else 'P' end,
           date '2026-08-31' - ((g * 7919) % 1800), py.desa_code, py.id, lpad((6311000000000000 + g)::text, 16, '0'), 'Ibu ' || g, timestamptz '2024-01-01'
    from generate_series(1, ${CHILDREN}) g join py on py.i = g % py.n`);
  await rt.db.execute(sql`
    insert into measurements (child_id, measured_on, age_days, weight_kg, length_cm, position, zlen, zwei, zwfl, status_tbu, status_bbu, status_bbtb, growth_code, two_t, bgm, flags, created_at)
    select c.id, m.d, m.d - c.birth_date, 6 + random() * 10, 60 + random() * 40, case when m.d - c.birth_date < 731 then 'lying' else 'standing' end,
           z.zl, z.zw, z.zf,
           case when z.zl < -3 then 'severely-stunted' when z.zl < -2 then 'stunted' else 'normal' end,
           case when z.zw < -3 then 'severely-underweight' when z.zw < -2 then 'underweight' else 'normal' end,
           case when z.zf < -3 then 'severely-wasted' when z.zf < -2 then 'wasted' else 'normal' end,
           (array['N','T','O','B'])[1 + floor(random() * 4)::int], random() < 0.03, random() < 0.02,
           case when random() < 0.005 then '{"zlen":1}'::jsonb else '{}'::jsonb end, m.d::timestamptz
    from children c
    cross join lateral (select (date '2024-09-10' + make_interval(months => k))::date as d from generate_series(0, 23) k) m
    cross join lateral (select random() * 4 - 3.2 as zl, random() * 4 - 3 as zw, random() * 4 - 2.6 as zf) z
    where m.d >= c.birth_date and random() < 0.8
    order by m.d, c.id`); // written month by month, as they arrive in service (not child by child)
  await rt.db.execute(sql`analyze`);
  const [{ n }] = (await rt.db.execute(sql`select count(*)::int as n from measurements`)) as unknown as [{ n: number }];
  console.log(`seeded ${CHILDREN} children, ${n} measurements in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

async function timed<T>(label: string, f: () => Promise<T>, runs = 7): Promise<number> {
  await f(); // warm
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)]!;
  console.log(`${label.padEnd(44)} median ${median.toFixed(0).padStart(5)} ms   max ${ms.at(-1)!.toFixed(0).padStart(5)} ms`);
  return median;
}

async function measureFigures(rt: Runtime): Promise<void> {
  console.log(
    `machine: ${cpus().length} cores, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  const results = [
    await timed("prevalence per kecamatan (with last year)", () => prevalenceReport(rt.db, ADMIN, MONTH, "kecamatan")),
    await timed("prevalence per desa", () => prevalenceReport(rt.db, ADMIN, MONTH, "desa")),
    await timed("prevalence per posyandu", () => prevalenceReport(rt.db, ADMIN, MONTH, "posyandu")),
    await timed("SKDN, every posyandu", () => skdnReport(rt.db, ADMIN, MONTH)),
    await timed("trend, 12 months", () =>
      trendReport(rt.db, ADMIN, [
        "2025-09",
        "2025-10",
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
        "2026-06",
        "2026-07",
        "2026-08",
      ]),
    ),
    await timed("public summary (6 rounds)", () => publicSummary(rt, MONTH), 3),
  ];
  console.log(`slowest figure: ${Math.max(...results).toFixed(0)} ms (target ≤ 200 ms each)`);
}
