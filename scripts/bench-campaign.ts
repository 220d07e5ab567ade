// Benchmark of campaigns at regency scale: BENCH_PEOPLE (default 100,000) people seeded over
// Balangan's desa with children and measurements, then
//   - segment counts (all, a kecamatan, parents of under-twos in Lampihong, stunted children) — target ≤ 1 s each;
//   - freezing the recipient list (one statement) and queueing it into the outbox — target ≤ 5 s;
//   - the process's peak RSS — target ≤ 300 MB;
//   - the drain of the first BENCH_DRAIN messages (default 1,500) through grammY to the Bot API
//     stand-in (its own process) enforcing 30/s and 1/s per chat: rate and 429s.
//   npm run bench:campaign                       (PGlite in memory)
//   DATABASE_URL=postgres://… npm run bench:campaign   (a database of its own, dropped afterwards)
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { DateTime } from "luxon";
import { staffAccounts } from "../src/admin/accounts.sql.js";
import type { StaffAccount } from "../src/admin/auth.js";
import { principalOf } from "../src/admin/accounts.js";
import { createCampaign, sentTexts, submitCampaign } from "../src/campaigns/manage.js";
import { countAudience, type Segment } from "../src/campaigns/segment.js";
import { freezeRun, queueBatch, queueRun } from "../src/campaigns/send.js";
import { engineFor } from "../src/channels/engine.js";
import { ChannelHub } from "../src/channels/hub.js";
import { createTelegramAdapter } from "../src/channels/telegram/index.js";
import { loadConfig } from "../src/config/index.js";
import { ManualClock } from "../src/lib/clock.js";
import { createLogger } from "../src/lib/log.js";
import { createRuntime } from "../src/runtime.js";
import { TEST_TOKEN } from "../test/channels/telegram/bot-api-stand-in.js";
import { StandInProcess } from "../test/campaigns/stand-in-process.js";
import { openBenchDatabase } from "./bench-db.js";

const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 100_000);
const DRAIN = Number(process.env.BENCH_DRAIN ?? 1_500);
const base = process.env.DATABASE_URL;

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 25);
const mb = (b: number) => `${Math.round(b / 1048576)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const { database, drop } = await openBenchDatabase("campaign");
const log = createLogger("silent");
const config = loadConfig({ LOG_LEVEL: "silent", WEB_CHAT: "off", CAMPAIGN_APPROVAL: "off", ...(base ? { DATABASE_URL: base } : {}) });
// A clock standing at 10:00 WITA today: campaigns wait out quiet hours (21:00–06:00), and the
// benchmark must not depend on when it runs. Pacing runs on the real monotonic clock regardless.
const clock = new ManualClock(DateTime.now().setZone("Asia/Makassar").set({ hour: 10, minute: 0 }).toJSDate());
const rt = await createRuntime(config, { log, clock, database });


async function timed<T>(what: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const result = await what();
  return [result, performance.now() - t];
}

try {
  console.log(`bench:campaign — ${PEOPLE.toLocaleString("en")} people, ${base ? "PostgreSQL" : "PGlite"}, load ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  const [, seedMs] = await timed(async () => {
    // People over every desa (Kemendagri codes seeded at start), a posyandu per desa, in one statement each.
    await rt.db.execute(sql`insert into posyandu (name, desa_code, day_of_month) select 'Posyandu ' || name, code, 1 + (row_number() over ()) % 28 from areas where level = 'desa'`);
    await rt.db.execute(sql`
      with desa as (select code, row_number() over (order by code) - 1 as i, count(*) over () as n from areas where level = 'desa')
      insert into contacts (role, lang, desa_code, posyandu_id, consent_version, consent_at, registered_at, last_inbound_at, opted_out_at)
      select (array['parent','parent','parent','pregnant','kader'])[1 + g % 5], (array['id','bjn','bjn'])[1 + g % 3], d.code,
             (select p.id from posyandu p where p.desa_code = d.code limit 1),
             '2026-12-v2', now(), now() - (g % 400) * interval '1 day', now() - (g % 90) * interval '1 day',
             case when g % 50 = 0 then now() end
      from generate_series(0, ${PEOPLE - 1}) g join desa d on d.i = g % d.n`);
    await rt.db.execute(sql`
      insert into contact_channels (contact_id, channel, address, last_inbound_at)
      select id, 'telegram', (10000000 + row_number() over (order by id))::text, last_inbound_at from contacts`);
    await rt.db.execute(sql`
      insert into children (code, name, sex, birth_date, parent_contact_id, desa_code, posyandu_id)
      select 'B' || lpad(row_number() over ()::text, 7, '0'), 'Anak', 'L', current_date - (hashtext(id::text) & 2047) % 1800, id, desa_code, posyandu_id
      from contacts where role = 'parent'`);
    await rt.db.execute(sql`
      insert into measurements (child_id, measured_on, zlen, zwfl, zwei, growth_code)
      select id, current_date - (hashtext(code) & 511) % 300, ((hashtext(code) & 1023) / 170.0) - 4, ((hashtext(name || code) & 1023) / 170.0) - 3, 0, 'N'
      from children`);
    await rt.db.execute(sql`analyze`);
  });
  console.log(`  seeded in ${seconds(seedMs)}`);

  const [pokja] = await rt.db
    .insert(staffAccounts)
    .values({ username: "bench", name: "bench", role: "pokja_admin", passwordHash: "x", createdAt: clock.now() })
    .returning();
  const staff = pokja as StaffAccount;
  const segments: [string, Segment][] = [
    ["everyone", {}],
    ["kecamatan Lampihong", { kecamatanCodes: ["63.11.05"] }],
    ["parents of under-twos in Lampihong", { kecamatanCodes: ["63.11.05"], roles: ["parent"], childAgeMonths: { max: 23 } }],
    ["stunted children (last measurement)", { childGrowth: ["pendek"] }],
    ["not seen 30 days, Banjar", { notSeenDays: 30, langs: ["bjn"] }],
  ];
  for (const [name, segment] of segments) {
    const [count, ms] = await timed(() => countAudience(rt.db, principalOf(staff), segment, { now: clock.now(), zone: config.TIMEZONE }));
    console.log(`  segment count "${name}": ${count.total.toLocaleString("en")} in ${seconds(ms)} ${ms <= 1000 ? "(≤ 1 s: met)" : "(> 1 s: NOT met)"}`);
  }

  const campaign = await createCampaign(rt, staff, { name: "bench", textId: "Halo warga {nama_desa}: posyandu {nama_posyandu} buka {posyandu_hari}.", sameForBoth: true });
  await submitCampaign(rt, staff, campaign.id);
  const [run, freezeMs] = await timed(() => rt.db.transaction((tx) => freezeRun(rt, tx, campaign, clock.now().toISOString(), sentTexts(campaign))));
  const [queued, queueMs] = await timed(() => queueRun(rt, run!.runId, sentTexts(campaign)));
  const total = freezeMs + queueMs;
  console.log(`  freeze ${run!.recipients.toLocaleString("en")} recipients: ${seconds(freezeMs)}; queue the first ${queued.toLocaleString("en")} (CAMPAIGN_QUEUE_AHEAD) into the outbox: ${seconds(queueMs)}; together ${seconds(total)} ${total <= 5000 ? "(≤ 5 s: met)" : "(> 5 s: NOT met)"}`);
  // The whole list at once, for comparison (what the minute job otherwise spreads over the drain).
  const [rest, restMs] = await timed(async () => {
    let n = 0;
    for (let more = 1; more > 0; n += more) more = await queueBatch(rt, run!.runId, sentTexts(campaign), config.CAMPAIGN_QUEUE_BATCH);
    return n;
  });
  console.log(`  queueing the other ${rest.toLocaleString("en")} as well: ${seconds(restMs)} (${Math.round(((queued + rest) / (queueMs + restMs)) * 1000).toLocaleString("en")} recipients/s)`);

  if (DRAIN > 0) {
    const api = new StandInProcess({ perSecond: 30, perChatPerSecond: 1, retryAfterS: 1 });
    const apiRoot = await api.start();
    const hub = new ChannelHub().register(createTelegramAdapter({ token: TEST_TOKEN, apiRoot, mode: "webhook", webhookSecret: "bench", log, sink: async () => {} }));
    const engine = engineFor(rt, hub);
    await engine.start();
    await api.waitForDelivered(DRAIN);
    const d = api.delivered;
    // Steady state: from the 30th message on (the first second fills the pipeline).
    const rate = (DRAIN - 31) / ((d[DRAIN - 1]!.at - d[30]!.at) / 1000);
    const stats = await api.stats();
    await engine.stop();
    await api.close();
    console.log(`  drain: ${DRAIN.toLocaleString("en")} messages at ${rate.toFixed(2)}/s (target 30/s ±5%: ${Math.abs(rate - 30) <= 1.5 ? "met" : "NOT met"}), ${stats.tooManyRequests} × 429, ${new Set(d.map((x) => x.chatId)).size === d.length ? "no chat twice" : "A CHAT TWICE"}`);
  }
  console.log(`  peak RSS ${mb(peakRss)} ${peakRss <= 300 * 1048576 ? "(≤ 300 MB: met)" : "(> 300 MB: NOT met)"}`);
} finally {
  clearInterval(sampler);
  await rt.close();
  await drop();
}
