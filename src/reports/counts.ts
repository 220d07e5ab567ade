// The figures counted by the database: one grouped query per figure instead of reading a period's
// children and measurements into the process. The rules stay those of stats.ts: the cut-offs, the
// oedema rule, the age groups and the registration window are passed in from there (never written
// again here), and test/reports checks the answers against counts made independently.
import { sql, type SQL } from "drizzle-orm";
import { children } from "../children/children.sql.js";
import { queryRows, type DbOrTx } from "../db/client.js";
import { measurements } from "../growth/growth.sql.js";
import { puskesmasDesa } from "../health-units/health-units.sql.js";
import { reportScope, type Viewer } from "./scope.js";
import {
  AGE_GROUP_LAST_MONTH,
  AGE_GROUPS,
  CUTOFFS,
  INDICATORS,
  OEDEMA,
  registrationWindow,
  zOf,
  type AgeGroup,
  type Indicator,
  type IndicatorCount,
  type Period,
} from "./stats.js";

export type Level = "kecamatan" | "puskesmas" | "desa" | "posyandu";
export const LEVELS: readonly Level[] = ["kecamatan", "puskesmas", "desa", "posyandu"];

/** Counts of one group of children: registered (S), measured (any valid measurement), each indicator. */
export interface GroupCount {
  registered: number;
  measured: number;
  indicators: Record<Indicator, IndicatorCount>;
}

/** One period's counts: the whole reach, and per area when a level was asked ("unknown": no area on record). */
export interface PeriodCount {
  total: GroupCount;
  groups: Map<string, GroupCount>;
}

const scopeOfChildren = (viewer: Viewer) => reportScope(viewer, { desaCode: children.desaCode, posyanduId: children.posyanduId });

/** The area of a child at a level, as text (the same keys as the names: Kemendagri codes, unit ids). */
function areaOf(level: Level | null): SQL {
  switch (level) {
    case null:
      return sql`null::text`;
    case "kecamatan": // as kecamatanOf: the first three parts of the desa code
      return sql`array_to_string((string_to_array(${children.desaCode}, '.'))[1:3], '.')`;
    case "desa":
      return sql`${children.desaCode}`;
    case "puskesmas":
      return sql`(select ${puskesmasDesa.puskesmasId}::text from ${puskesmasDesa} where ${puskesmasDesa.desaCode} = ${children.desaCode})`;
    case "posyandu":
      return sql`${children.posyanduId}::text`;
  }
}

/** The periods as a VALUES list: month, last day and the registration window of each. */
function periodsTable(periods: readonly Period[]): SQL {
  const rows = periods.map((p) => {
    const w = registrationWindow(p);
    return sql`(${p.month}::text, ${p.start}::date, ${w.bornBy}::date, ${w.bornAfter}::date, ${w.registeredBy.toISOString()}::timestamptz, ${w.notStoppedBefore.toISOString()}::timestamptz)`;
  });
  return sql`periods (month, first_day, born_by, born_after, registered_by, not_stopped_before) as (values ${sql.join(rows, sql`, `)})`;
}

/** A child (the `children` row) is registered (S) in the `periods` row: stats.ts registrationWindow. */
const registeredThen = sql`${children.birthDate} <= periods.born_by and ${children.birthDate} > periods.born_after
  and ${children.createdAt} <= periods.registered_by
  and (${children.remindersStoppedAt} is null or ${children.remindersStoppedAt} >= periods.not_stopped_before)`;

/** Children registered (S) in each period, in the viewer's reach, with their area. */
const registeredIn = (viewer: Viewer, level: Level | null, extra: SQL = sql`true`, ageAt?: string) => sql`
  registered as (
    select periods.month, ${children.id} as child_id, ${areaOf(level)} as area${ageAt ? sql`, ${ageGroupSql(ageAt)} as age_group` : sql``}
    from periods join ${children} on ${registeredThen}
    where ${scopeOfChildren(viewer)} and ${extra}
  )`;

/**
 * Measurements of children in the viewer's reach: the Pokja's whole regency needs no filter (the
 * join to the registered children keeps the right ones); a smaller area reads only its own.
 */
const reachOf = (viewer: Viewer) =>
  viewer.role === "pokja_admin" && !viewer.lokus
    ? sql``
    : sql`and ${measurements.childId} in (select ${children.id} from ${children} where ${scopeOfChildren(viewer)})`;

/**
 * "The latest row" (stats.ts: by measured_on, then created_at to the millisecond, as JavaScript
 * compares them) packed with a small payload into one bigint: day since 2000 in the top bits, then
 * the creation time in milliseconds since 2000 (42 bits, until 2139), then PAYLOAD_BITS of payload.
 * max() of it picks the latest row and carries what that row says, without a sort or an array per
 * row. date_part (float8) is several times cheaper than extract (numeric); + 0.5 µs keeps a whole
 * microsecond from rounding down into the millisecond before.
 */
const PAYLOAD_BITS = 5;
const latestKey = sql`(
  (${measurements.measuredOn} - date '2000-01-01')::bigint * ${2 ** (42 + PAYLOAD_BITS)}::bigint
  + (floor(date_part('epoch', ${measurements.createdAt}) * 1000 + 0.0005)::bigint - 946684800000) * ${2 ** PAYLOAD_BITS}::bigint)`;
const latestWith = (payload: SQL) => sql`(${latestKey} + (${payload})::bigint)`;
/** The payload of a packed maximum (null stays null). */
const payloadOf = (packed: SQL) => sql`(${packed} % ${2 ** PAYLOAD_BITS}::bigint)::int`;

const side = (z: SQL, s: "below" | "above", cut: number) => (s === "below" ? sql`${z} < ${cut}::float8` : sql`${z} > ${cut}::float8`);

/**
 * One measurement's standing for an indicator (stats.ts `standing`) as a number: 0 flagged
 * (excluded), 1 valid, 2 a case, 3 a severe case. Only rows that give the index are asked.
 */
function rowStanding(ind: Indicator): SQL {
  const z = sql.raw(`"${zOf[ind]}"`);
  const cut = CUTOFFS[ind];
  const rule = OEDEMA[ind];
  const code = (c: { case: boolean; severe: boolean }) => (c.case && c.severe ? 3 : c.case ? 2 : 1);
  const oedema = rule ? sql`when ${measurements.oedema} then ${code(rule)} ` : sql``;
  return sql`case ${oedema}when ${measurements.flags} -> ${zOf[ind]} = '1'::jsonb then 0
    when ${side(z, cut.side, cut.case)} and ${side(z, cut.side, cut.severe)} then 3 when ${side(z, cut.side, cut.case)} then 2 else 1 end`;
}

/**
 * Each measurement of a period as the numbers the standings need: its "latest" key, and per
 * indicator its standing and whether it gives the index (a finite z, or oedema where it counts).
 */
function measurementColumns(): SQL {
  const perIndicator = INDICATORS.map((ind) => {
    const z = sql.raw(`"${zOf[ind]}"`);
    const finite = sql`${z} not in ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)`;
    const gives = OEDEMA[ind] ? sql`(${measurements.oedema} or ${finite})` : finite;
    return sql`${rowStanding(ind)} as ${sql.raw(`"${ind}_standing"`)}, ${gives} as ${sql.raw(`"${ind}_gives"`)}`;
  });
  return sql`${measurements.childId} as child_id, ${latestKey} as latest, ${sql.join(perIndicator, sql`, `)}`;
}

/**
 * A child's standing in the period: that of its latest measurement giving the index; null when
 * none gives it. Over the rows of measurementColumns.
 */
const standingOf = (ind: Indicator) =>
  sql`${payloadOf(sql`max(latest + ${sql.raw(`"${ind}_standing"`)}) filter (where ${sql.raw(`"${ind}_gives"`)})`)} as ${sql.raw(`"${ind}"`)}`;

/** count(*) filter … of one indicator's standings. */
function indicatorCounts(ind: Indicator): SQL {
  const s = sql.raw(`standings."${ind}"`);
  const name = (what: string) => sql.raw(`"${ind}_${what}"`);
  return sql`
    count(*) filter (where ${s} >= 1)::int as ${name("measured")},
    count(*) filter (where ${s} = 0)::int as ${name("flagged")},
    count(*) filter (where ${s} >= 2)::int as ${name("cases")},
    count(*) filter (where ${s} = 3)::int as ${name("severe")}`;
}

type Row = Record<string, number | string | null> & { month: string; area: string | null; is_total: number };

function groupOf(r: Row): GroupCount {
  const n = (k: string) => Number(r[k] ?? 0);
  const indicators = {} as Record<Indicator, IndicatorCount>;
  for (const ind of INDICATORS) {
    indicators[ind] = {
      cases: n(`${ind}_cases`),
      severe: n(`${ind}_severe`),
      measured: n(`${ind}_measured`),
      flagged: n(`${ind}_flagged`),
    };
  }
  return { registered: n("registered"), measured: n("measured"), indicators };
}

export const emptyGroup = (): GroupCount => ({
  registered: 0,
  measured: 0,
  indicators: {
    stunting: { cases: 0, severe: 0, measured: 0, flagged: 0 },
    wasting: { cases: 0, severe: 0, measured: 0, flagged: 0 },
    underweight: { cases: 0, severe: 0, measured: 0, flagged: 0 },
    overweight: { cases: 0, severe: 0, measured: 0, flagged: 0 },
  },
});

/**
 * Prevalence counts for each period, for the whole reach and (with a level) per area: one query,
 * the periods' children joined to each child's picked measurements of the month, grouped with
 * GROUPING SETS so the total comes with the areas.
 */
export async function countPeriods(
  db: DbOrTx,
  viewer: Viewer,
  periods: readonly Period[],
  level: Level | null,
): Promise<Map<string, PeriodCount>> {
  const out = new Map<string, PeriodCount>(periods.map((p) => [p.month, { total: emptyGroup(), groups: new Map() }]));
  if (periods.length === 0) return out;
  // Each period on its own (LATERAL): a few thousand children and measurements, so every
  // grouping stays in memory; GROUPING SETS give the total with the areas.
  const area = sql`coalesce(${areaOf(level)}, 'unknown')`;
  const rows = await queryRows<Row>(
    db,
    sql`
    with ${periodsTable(periods)}
    select periods.month, counted.*
    from periods cross join lateral (
      select ${area} as area, ${level ? sql`grouping(${area})` : sql`1`} as is_total,
        count(*)::int as registered, count(standings.child_id)::int as measured,
        ${sql.join(
          INDICATORS.map((ind) => indicatorCounts(ind)),
          sql`,`,
        )}
      from ${children} left join (
        select child_id, ${sql.join(
          INDICATORS.map((ind) => standingOf(ind)),
          sql`, `,
        )}
        from (
          select ${measurementColumns()}
          from ${measurements}
          where ${measurements.cancelledAt} is null and ${measurements.measuredOn} >= periods.first_day and ${measurements.measuredOn} <= periods.born_by
            ${reachOf(viewer)}
        ) rows
        group by child_id
      ) standings on standings.child_id = ${children.id}
      where ${registeredThen} and ${scopeOfChildren(viewer)}
      ${level ? sql`group by grouping sets ((${area}), ())` : sql``}
    ) counted`,
  );
  for (const r of rows) {
    const into = out.get(r.month);
    if (!into) continue;
    if (Number(r.is_total) === 1) into.total = groupOf(r);
    else if (level) into.groups.set(r.area ?? "unknown", groupOf(r));
  }
  return out;
}

/** SKDN counts of one posyandu and age group (K equals S: every registered child has a record). */
export interface SkdnCount {
  S: number;
  D: number;
  N: number;
  T: number;
  O: number;
  B: number;
  "2T": number;
  BGM: number;
}

const GROWTH_CODES = ["N", "T", "O", "B"] as const;

/** Completed months of age at the period's end, as stats.ts monthsOld. */
const monthsOldAt = (end: string) => sql`(
  (extract(year from ${end}::date) - extract(year from ${children.birthDate})) * 12
  + extract(month from ${end}::date) - extract(month from ${children.birthDate})
  - case when extract(day from ${end}::date) < least(extract(day from ${children.birthDate}),
      extract(day from (date_trunc('month', ${end}::date) + interval '1 month - 1 day'))) then 1 else 0 end)`;

function ageGroupSql(end: string): SQL {
  const months = monthsOldAt(end);
  const whens = AGE_GROUP_LAST_MONTH.map(([group, lastMonth]) => sql`when ${months} <= ${lastMonth} then ${group}::text`);
  return sql`case ${sql.join(whens, sql` `)} else ${AGE_GROUPS.at(-1)!}::text end`;
}

/**
 * SKDN per posyandu and F1 age group for one period: S the registered children, D those weighed,
 * N/T/O/B, 2T and BGM from each child's latest weighing of the month.
 */
export async function countSkdn(
  db: DbOrTx,
  viewer: Viewer,
  p: Period,
  onlyPosyandu?: string,
): Promise<Map<string, Map<AgeGroup, SkdnCount>>> {
  const only = onlyPosyandu ? sql`${children.posyanduId} = ${onlyPosyandu}::uuid` : sql`${children.posyanduId} is not null`;
  // The latest weighing's payload: growth code 1–4 (N, T, O, B; 0 none) + 8 × 2T + 16 × BGM.
  const codes = sql.join(
    GROWTH_CODES.map((c) => sql`${c}::text`),
    sql`, `,
  );
  const payload = sql`coalesce(array_position(array[${codes}], ${measurements.growthCode}), 0) + 8 * ${measurements.twoT}::int + 16 * ${measurements.bgm}::int`;
  const rows = await queryRows<Record<string, number | string>>(
    db,
    sql`
    with ${periodsTable([p])},
    ${registeredIn(viewer, "posyandu", only, p.end)},
    weighed as (
      select ${measurements.childId} as child_id, ${payloadOf(sql`max(${latestWith(payload)})`)} as w
      from ${measurements}
      where ${measurements.cancelledAt} is null and ${measurements.weightKg} is not null
        and ${measurements.measuredOn} >= ${p.start}::date and ${measurements.measuredOn} <= ${p.end}::date
        ${reachOf(viewer)}
      group by 1
    )
    select registered.area as posyandu_id, registered.age_group, count(*)::int as "S", count(weighed.w)::int as "D",
      ${sql.join(
        GROWTH_CODES.map((c, i) => sql`count(*) filter (where weighed.w % 8 = ${i + 1})::int as ${sql.raw(`"${c}"`)}`),
        sql`, `,
      )},
      count(*) filter (where weighed.w / 8 % 2 = 1)::int as "2T", count(*) filter (where weighed.w / 16 = 1)::int as "BGM"
    from registered left join weighed on weighed.child_id = registered.child_id
    group by 1, 2`,
  );
  const out = new Map<string, Map<AgeGroup, SkdnCount>>();
  for (const r of rows) {
    const unit = String(r.posyandu_id);
    let groups = out.get(unit);
    if (!groups) out.set(unit, (groups = new Map<AgeGroup, SkdnCount>()));
    const n = (k: string) => Number(r[k] ?? 0);
    groups.set(r.age_group as AgeGroup, { S: n("S"), D: n("D"), N: n("N"), T: n("T"), O: n("O"), B: n("B"), "2T": n("2T"), BGM: n("BGM") });
  }
  return out;
}
