// Who a campaign reaches: a segment (filters the Pokja picks) inside the creator's area, as one SQL
// query with one row per person and the channel they get it on. Counting, previewing and freezing
// the recipient list all use this query, so the count shown is the list that is frozen.
import { DateTime } from "luxon";
import { sql, type SQL } from "drizzle-orm";
import { whereInScope, type ScopePrincipal } from "../platform/scope.js";
import { queryRows, type DbOrTx } from "../db/client.js";
import { monthsBefore } from "../reports/follow-up.js";

/** The creator's area (a snapshot of their role and area when the campaign was made). */
export type AreaPrincipal = ScopePrincipal;

export const SEGMENT_ROLES = ["parent", "pregnant", "kader", "staff"] as const;
export const SEGMENT_CHANNELS = ["telegram", "whatsapp", "whatsapp-cloud", "web"] as const;
/**
 * Growth status at a child's last measurement (Permenkes 2/2020; Buku KIA KBM): pendek TB/U < −2
 * (sangat pendek included), sangat_pendek < −3, gizi_kurang BB/TB < −2 (gizi buruk included),
 * gizi_buruk < −3 or oedema, bbu_kurang BB/U < −2, T (not gained), 2T, BGM. A z-score carrying a
 * WHO implausibility flag counts for nothing (as in the reports).
 */
export const GROWTH_STATUSES = ["pendek", "sangat_pendek", "gizi_kurang", "gizi_buruk", "bbu_kurang", "T", "2T", "BGM"] as const;
export type GrowthStatus = (typeof GROWTH_STATUSES)[number];

/** Filters: all given ones must hold; inside a list any value matches. */
export interface Segment {
  kecamatanCodes?: string[];
  desaCodes?: string[];
  posyanduIds?: string[];
  roles?: (typeof SEGMENT_ROLES)[number][];
  langs?: ("id" | "bjn")[];
  channels?: (typeof SEGMENT_CHANNELS)[number][];
  /** Pregnant mothers by trimester (programme cut-offs 12 and 24 weeks) or weeks of pregnancy. */
  pregnancy?: { trimesters?: (1 | 2 | 3)[]; weeksMin?: number; weeksMax?: number };
  /** Parents of a child whose age in completed months is in the band (and every child filter below holds for that child). */
  childAgeMonths?: { min?: number; max?: number };
  childGrowth?: GrowthStatus[];
  /** Parents of a child not measured for this many months (or never, once registered that long). */
  childNotMeasuredMonths?: number;
  /** Registered on or after this local date. */
  registeredSince?: string;
  /** Has not written for this many days. */
  notSeenDays?: number;
  /** Leave out people in the middle of a dialogue (DAFTAR, UKUR …). */
  excludeInDialogue?: boolean;
}

/** True when the segment names no place: with a pokja_admin's area that is the whole regency. */
export function namesNoArea(s: Segment): boolean {
  return !s.kecamatanCodes?.length && !s.desaCodes?.length && !s.posyanduIds?.length;
}

/** A text[] of bound parameters (one each). */
const textArray = (values: readonly string[]) =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;

// The growth status conditions on the last measurement `lm` (flags as in reports/stats.ts standing()).
const unflagged = (z: "zlen" | "zwfl" | "zwei") => sql.raw(`lm.${z} is not null and coalesce(lm.flags->>'${z}', '0') <> '1'`);
const GROWTH_SQL: Record<GrowthStatus, SQL> = {
  pendek: sql`(${unflagged("zlen")} and lm.zlen < -2)`,
  sangat_pendek: sql`(${unflagged("zlen")} and lm.zlen < -3)`,
  gizi_kurang: sql`(lm.oedema or (${unflagged("zwfl")} and lm.zwfl < -2))`,
  gizi_buruk: sql`(lm.oedema or (${unflagged("zwfl")} and lm.zwfl < -3))`,
  bbu_kurang: sql`(${unflagged("zwei")} and lm.zwei < -2)`,
  T: sql`(lm.growth_code = 'T')`,
  "2T": sql`lm.two_t`,
  BGM: sql`lm.bgm`,
};

export interface AudienceOptions {
  now: Date;
  zone: string;
}

/** The child filters for one child row `k` (null: the segment has none). */
function childCondition(s: Segment, today: string): SQL | null {
  const parts: SQL[] = [];
  if (s.childAgeMonths?.min !== undefined) parts.push(sql`k.birth_date <= ${monthsBefore(today, s.childAgeMonths.min)}::date`);
  if (s.childAgeMonths?.max !== undefined) parts.push(sql`k.birth_date > ${monthsBefore(today, s.childAgeMonths.max + 1)}::date`);
  if (s.childGrowth?.length) {
    const any = sql.join(
      s.childGrowth.map((g) => GROWTH_SQL[g]),
      sql` or `,
    );
    parts.push(sql`exists (select 1 from (select m.zlen, m.zwfl, m.zwei, m.oedema, m.growth_code, m.two_t, m.bgm, m.flags
        from measurements m where m.child_id = k.id and m.cancelled_at is null
        order by m.measured_on desc, m.created_at desc limit 1) lm where ${any})`);
  }
  if (s.childNotMeasuredMonths !== undefined) {
    // As the follow-up report: never measured counts once registered for the whole interval.
    const cutoff = monthsBefore(today, s.childNotMeasuredMonths);
    parts.push(sql`not exists (select 1 from measurements m where m.child_id = k.id and m.cancelled_at is null and m.measured_on > ${cutoff}::date)
      and (exists (select 1 from measurements m where m.child_id = k.id and m.cancelled_at is null)
           or (k.created_at + interval '8 hours')::date <= ${cutoff}::date)`);
  }
  if (parts.length === 0) return null;
  return sql`exists (select 1 from children k where k.parent_contact_id = c.id and k.reminders_stopped_at is null and ${sql.join(parts, sql` and `)})`;
}

/** Conditions on contact `c` for the area and the segment (not the channel). */
export function audienceWhere(area: AreaPrincipal, s: Segment, o: AudienceOptions): SQL {
  const today = DateTime.fromJSDate(o.now, { zone: o.zone }).toISODate() as string;
  const staffLink = sql`exists (select 1 from staff_chat_links l where l.contact_id = c.id)`;
  const parts: SQL[] = [
    sql`c.opted_out_at is null`,
    // People who agreed to the privacy notice, and staff who linked their chat.
    sql`(c.consent_at is not null or ${staffLink})`,
    whereInScope(area, { desaCode: sql`c.desa_code`, posyanduId: sql`c.posyandu_id` }),
  ];
  if (s.kecamatanCodes?.length) parts.push(sql`substr(c.desa_code, 1, 8) = any(${textArray(s.kecamatanCodes)})`);
  if (s.desaCodes?.length) parts.push(sql`c.desa_code = any(${textArray(s.desaCodes)})`);
  if (s.posyanduIds?.length) parts.push(sql`c.posyandu_id::text = any(${textArray(s.posyanduIds)})`);
  if (s.roles?.length) {
    const roles: SQL[] = [];
    const plain = s.roles.filter((r) => r === "parent" || r === "pregnant");
    if (plain.length) roles.push(sql`c.role = any(${textArray(plain)})`);
    if (s.roles.includes("kader")) roles.push(sql`(c.role = 'kader' and c.kader_status = 'active')`);
    if (s.roles.includes("staff")) roles.push(staffLink);
    parts.push(sql`(${sql.join(roles, sql` or `)})`);
  }
  if (s.langs?.length) parts.push(sql`coalesce(c.lang, 'id') = any(${textArray(s.langs)})`);
  if (s.pregnancy) {
    const p: SQL[] = [];
    const days = sql`(${today}::date - pg.hpht)`;
    // Trimester by the programme cut-offs (reminders/schedule.ts trimesterOf): I ≤ 12 weeks, II ≤ 24, III after.
    if (s.pregnancy.trimesters?.length) {
      const t = s.pregnancy.trimesters.map((n) =>
        n === 1 ? sql`${days} <= 84` : n === 2 ? sql`(${days} > 84 and ${days} <= 168)` : sql`${days} > 168`,
      );
      p.push(sql`(${sql.join(t, sql` or `)})`);
    }
    if (s.pregnancy.weeksMin !== undefined) p.push(sql`${days} >= ${s.pregnancy.weeksMin * 7}`);
    if (s.pregnancy.weeksMax !== undefined) p.push(sql`${days} < ${(s.pregnancy.weeksMax + 1) * 7}`);
    parts.push(sql`exists (select 1 from pregnancies pg where pg.contact_id = c.id and pg.status = 'active' and ${days} >= 0
      ${p.length ? sql`and ${sql.join(p, sql` and `)}` : sql``})`);
  }
  const child = childCondition(s, today);
  if (child) parts.push(child);
  if (s.registeredSince) {
    const since = DateTime.fromISO(s.registeredSince, { zone: o.zone }).toJSDate();
    parts.push(sql`c.registered_at >= ${since.toISOString()}::timestamptz`);
  }
  if (s.notSeenDays !== undefined) {
    const before = new Date(o.now.getTime() - s.notSeenDays * 86_400_000);
    parts.push(sql`(c.last_inbound_at is null or c.last_inbound_at < ${before.toISOString()}::timestamptz)`);
  }
  if (s.excludeInDialogue) {
    parts.push(
      sql`not exists (select 1 from conversation_states st where st.contact_id = c.id and st.expires_at > ${o.now.toISOString()}::timestamptz)`,
    );
  }
  return sql.join(parts, sql` and `);
}

/**
 * The audience: one row per person with the channel they are reached on (the one they wrote on
 * last, among the segment's channels; then the newest, then by id), language, desa and last
 * inbound time on that channel. Two ways to the same rows: per person, the top channel by an
 * index probe (`lateral`: best when the other filters leave few people: counts and previews); or
 * for the whole list at once, each person's top channel in one ordered pass over the channels
 * (`set`, DISTINCT ON): freezing a regency-wide list then reads each table once instead of
 * probing per person, whose random page reads through the file system were most of the freeze on
 * PGlite, and holds no hash of all channels in the embedded database's memory (BENCHMARKS.md).
 */
export function audienceSql(area: AreaPrincipal, s: Segment, o: AudienceOptions, pick: "lateral" | "set" = "lateral"): SQL {
  const channelFilter = s.channels?.length ? sql`and cc.channel = any(${textArray(s.channels)})` : sql``;
  const order = sql`cc.last_inbound_at desc nulls last, cc.created_at desc, cc.id desc`;
  const channel =
    pick === "lateral"
      ? sql`join lateral (select cc.channel, cc.address, cc.last_inbound_at from contact_channels cc
                  where cc.contact_id = c.id ${channelFilter} order by ${order} limit 1) ch on true`
      : sql`join (select distinct on (cc.contact_id) cc.contact_id, cc.channel, cc.address, cc.last_inbound_at from contact_channels cc
                  where true ${channelFilter} order by cc.contact_id, ${order}) ch on ch.contact_id = c.id`;
  return sql`select c.id as contact_id, ch.channel, ch.address, coalesce(c.lang, 'id') as lang, c.desa_code, ch.last_inbound_at
    from contacts c ${channel}
    where ${audienceWhere(area, s, o)}`;
}

export interface AudienceCount {
  total: number;
  byChannel: Record<string, number>;
  byLang: Record<string, number>;
}

/** How many people the segment reaches, in all, per channel and per language. */
export async function countAudience(db: DbOrTx, area: AreaPrincipal, s: Segment, o: AudienceOptions): Promise<AudienceCount> {
  const rows = await queryRows<{ channel: string; lang: string; n: number }>(
    db,
    sql`select channel, lang, count(*)::int as n from (${audienceSql(area, s, o)}) a group by channel, lang`,
  );
  const out: AudienceCount = { total: 0, byChannel: {}, byLang: {} };
  for (const r of rows) {
    const n = Number(r.n);
    out.total += n;
    out.byChannel[r.channel] = (out.byChannel[r.channel] ?? 0) + n;
    out.byLang[r.lang] = (out.byLang[r.lang] ?? 0) + n;
  }
  return out;
}
