// The first-1000-days reminder programme as data, so the Pokja can review it in a pull request.
// Numbers come from public sources (Permenkes, Buku KIA, Kemenkes guidelines, WHO); every rule says
// where its timing comes from in `source`, and `uncertain` says what was NOT confirmed verbatim.
// Texts live in locales/<lng>/reminders/*.json under the `messageKey`.
import { BALITA_MONTHS } from "../children/balita.js";
import type { Offset } from "./dates.js";

export const REMINDER_KINDS = ["anc", "ttd", "p4k", "kf", "kn", "immunization", "vitamin-a", "posyandu", "feeding", "tip"] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/** What the window is counted from. HPL is HPHT + 280 days, so pregnancy rules count from HPHT. */
export type Anchor = "hpht" | "birth" | "calendar" | "posyandu-day" | "enrolment";

/** Whose plan a rule belongs to: the pregnancy, the child, or the mother after birth (KF). */
export type Programme = "pregnancy" | "child" | "postnatal";

export interface RuleConditions {
  /** Hb recorded low at ANC (Hb < 11 g/dL, < 10.5 in TM II — §9). */
  hbLow?: boolean;
  /** Child's age in completed months on the due date, inclusive bounds. */
  ageMonths?: { min: number; max: number };
}

export interface FollowUpSpec {
  /** Ask "sudah?" this many days before the window ends, if not confirmed. */
  daysBeforeEnd: number;
  messageKey: string;
}

interface RuleBase {
  key: string;
  kind: ReminderKind;
  programme: Programme;
  messageKey: string;
  /** The family can answer SUDAH to mark it done (stops the follow-up). */
  confirmable: boolean;
  followUp?: FollowUpSpec;
  conditions?: RuleConditions;
  /** Another text when a condition holds (first match wins), e.g. the anaemia TTD message. */
  alternates?: readonly { when: RuleConditions; messageKey: string }[];
  /** Fixed variables for the text (visit name, vaccine name). */
  vars?: Readonly<Record<string, string | number>>;
  source: string;
  uncertain?: string;
}

/** One window counted from HPHT or the birth date: occurrence "1". `end` is the last day, inclusive. */
export interface WindowRule extends RuleBase {
  anchor: "hpht" | "birth";
  start: Offset;
  end: Offset;
  /**
   * Immunisation: the last day of age (from birth, inclusive) a missed dose may still be caught
   * up. Absent → no catch-up (the dose is not given late).
   */
  catchUpUntil?: Offset;
}

/** A band of a series sharing one text (tips may share a text for 2–3 weeks). */
export interface SeriesBand {
  from: number;
  to: number;
  messageKey: string;
}

/** Repeats every week or month of age / pregnancy: occurrences "week-12", "month-7". */
export interface SeriesRule extends RuleBase {
  anchor: "hpht" | "birth";
  every: "week" | "month";
  from: number;
  to: number;
  /** Moves each occurrence off the exact week/month day (spreads messages out). */
  shift?: Offset;
  /** Each occurrence stays sendable this many days (inclusive of the due day). */
  lengthDays: number;
  bands?: readonly SeriesBand[];
}

/** Fixed calendar months (vitamin A in Februari and Agustus): occurrence "2027-02". */
export interface CalendarRule extends RuleBase {
  anchor: "calendar";
  months: readonly number[];
}

/**
 * The day before each monthly posyandu day: occurrence "2027-03". When the posyandu's day changes
 * after this month's reminder went out and the new date is still ahead, one more reminder with
 * `movedMessageKey` goes the day before the new date, occurrence the new date ("2027-03-20").
 */
export interface PosyanduRule extends RuleBase {
  anchor: "posyandu-day";
  daysBefore: number;
  movedMessageKey: string;
}

/**
 * Made once, when a child's plan is first planned (enrolment, a kader's code, a corrected birth
 * date): one message listing the doses whose window is already over but which may still be caught
 * up (each dose's `catchUpUntil`). Occurrence "1".
 */
export interface CatchUpRule extends RuleBase {
  anchor: "enrolment";
  /** The catch-up message stays sendable this many days (inclusive). */
  lengthDays: number;
}

export type ReminderRule = WindowRule | SeriesRule | CalendarRule | PosyanduRule | CatchUpRule;

const NS = "reminders:";

// --- sources (short, repeated) ---------------------------------------------------------------
const SRC_ANC =
  "Permenkes 21/2021; Pedoman Pelayanan Antenatal Terpadu ed. 3 (Kemenkes 2020): minimal 6 kali, 1-2-3 per trimester, K1 & K5 dokter + USG";
const UNC_ANC_WEEKS =
  "Exact week windows are derived, not regulation. Older ANC guidance (4 visits) says 2-1-3 per trimester; Permenkes 21/2021 and the 2020 ANC guideline say 1-2-3, which we use.";
const SRC_TTD = "Pedoman Penatalaksanaan TTD: ibu hamil 1 tablet/hari, minimal 90 tablet; anemia 2 tablet/hari sampai Hb normal";
const SRC_KF = "Buku KIA 2020 / Permenkes 21/2021: KF1 6 jam–2 hari, KF2 hari 3–7, KF3 hari 8–28, KF4 hari 29–42";
const SRC_KN = "Panduan Pelayanan Kunjungan Neonatus 2020: KN1 6–48 jam, KN2 hari 3–7, KN3 hari 8–28";
const SRC_IMM =
  "Jadwal imunisasi rutin Kemenkes (slide P2P); rotavirus SE Dirjen P2P IM.02.02/C/3052/2023; IPV2 KMK HK.01.07/MENKES/1453/2022";
const SRC_VITA =
  "Panduan suplementasi vitamin A (Depkes 2005; Permenkes 21/2015): biru 100.000 SI 6–11 bln sekali, merah 200.000 SI 12–59 bln tiap Februari & Agustus";
const SRC_POSYANDU = "Posyandu bulanan, balita ditimbang tiap bulan; ibu hamil juga didaftar di meja 1 (sistem 5 meja posyandu, Kemenkes)";
const SRC_PMBA =
  "PP 33/2012 ASI eksklusif; Buku Saku Kader 2021: ASI eksklusif 0–6 bulan, MP-ASI mulai 6 bulan; tekstur lumat 6–8, lembek 9–11, makanan keluarga ≥12 bulan";

// --- ANC K1–K6 -----------------------------------------------------------------------------
// Trimester cut at 12 and 24 weeks from HPHT (§1 "Trimester boundaries", Indonesian programme use).
// Windows: K1 in TM I from 4 weeks (puskesmas practice: first integrated visit at 4–12 weeks);
// K2, K3 split TM II; K4, K5, K6 split TM III, K5 with doctor + USG around 31–35 weeks (§1: "commonly
// ~32–36 wk"), K6 near term up to HPL (40 weeks).
const ANC_WINDOWS: readonly { visit: string; trimester: number; start: Offset; end: Offset; doctor: boolean }[] = [
  { visit: "K1", trimester: 1, start: { weeks: 4 }, end: { weeks: 12 }, doctor: true },
  { visit: "K2", trimester: 2, start: { weeks: 12, days: 1 }, end: { weeks: 18, days: 6 }, doctor: false },
  { visit: "K3", trimester: 2, start: { weeks: 19 }, end: { weeks: 24 }, doctor: false },
  { visit: "K4", trimester: 3, start: { weeks: 24, days: 1 }, end: { weeks: 30, days: 6 }, doctor: false },
  { visit: "K5", trimester: 3, start: { weeks: 31 }, end: { weeks: 35, days: 6 }, doctor: true },
  { visit: "K6", trimester: 3, start: { weeks: 36 }, end: { weeks: 40 }, doctor: false },
];

const ancRules: WindowRule[] = ANC_WINDOWS.map((w) => ({
  key: `anc-${w.visit.toLowerCase()}`,
  kind: "anc",
  programme: "pregnancy",
  anchor: "hpht",
  start: w.start,
  end: w.end,
  messageKey: `${NS}anc.${w.doctor ? "doctor" : "visit"}`,
  confirmable: true,
  followUp: { daysBeforeEnd: 7, messageKey: `${NS}followUp.anc` },
  vars: { visit: w.visit, trimester: w.trimester },
  source: SRC_ANC,
  uncertain: UNC_ANC_WEEKS,
}));

// --- TTD ---------------------------------------------------------------------------------------
// Weekly nudge to take 1 tablet every day; from week 5 (pregnancy usually known) to week 40 gives
// 36 weeks, well above the 90-tablet minimum if taken daily (§2: "start as early as possible").
const ttdRule: SeriesRule = {
  key: "ttd-weekly",
  kind: "ttd",
  programme: "pregnancy",
  anchor: "hpht",
  every: "week",
  from: 5,
  to: 40,
  lengthDays: 7,
  messageKey: `${NS}ttd.weekly`,
  alternates: [{ when: { hbLow: true }, messageKey: `${NS}ttd.anemia` }],
  confirmable: false,
  source: SRC_TTD,
};

// --- P4K around week 34; danger signs at enrolment and once per trimester ------------------------
// The full danger list is sent in each trimester (TM cut at 12/24 weeks, §1). Each window spans the
// whole trimester, so a mother who enrols mid-trimester hears it at enrolment (a late enrolment
// gets every window still open), then once in each later trimester.
const DANGER_SIGN_TRIMESTERS: readonly { trimester: number; start: Offset; end: Offset }[] = [
  { trimester: 1, start: { weeks: 4 }, end: { weeks: 12 } },
  { trimester: 2, start: { weeks: 12, days: 1 }, end: { weeks: 24 } },
  // To the end of the longest pregnancy we accept (44 weeks, chat.ts MAX_PREGNANCY_DAYS).
  { trimester: 3, start: { weeks: 24, days: 1 }, end: { weeks: 44 } },
];

const p4kRules: WindowRule[] = [
  {
    key: "p4k-plan",
    kind: "p4k",
    programme: "pregnancy",
    anchor: "hpht",
    start: { weeks: 34 },
    end: { weeks: 36, days: 6 },
    messageKey: `${NS}p4k.plan`,
    confirmable: true,
    followUp: { daysBeforeEnd: 6, messageKey: `${NS}followUp.p4k` },
    source:
      "Buku KIA: P4K (Program Perencanaan Persalinan dan Pencegahan Komplikasi) — penolong, tempat, pendamping, transportasi, calon donor darah, dana/JKN (faq-topics 'persalinan-faskes')",
    uncertain: "Timing 'around week 34' is our choice, not a regulation.",
  },
  ...DANGER_SIGN_TRIMESTERS.map((t): WindowRule => ({
    key: `danger-signs-tm${t.trimester}`,
    kind: "p4k",
    programme: "pregnancy",
    anchor: "hpht",
    start: t.start,
    end: t.end,
    messageKey: `${NS}p4k.dangerSigns`,
    vars: { trimester: t.trimester },
    confirmable: false,
    source: "Buku KIA 'tanda bahaya kehamilan'; once per trimester",
    uncertain: "Danger-sign list recalled from Buku KIA, page not retrieved (§9).",
  })),
];

// --- Post-term: HPL passed and no SUDAH LAHIR -------------------------------------------------------
// The plan stops at SUDAH LAHIR, so these go only while the birth is not reported. 40+0 is HPL
// (HPHT + 280 days, §1); 41+0 is where WHO recommends induction of labour ("WHO recommendations:
// Induction of labour at or beyond term", 2018, https://www.who.int/publications/i/item/9789241550413).
// Both say: go to the bidan/puskesmas today.
const POST_TERM_WEEKS: readonly number[] = [40, 41];
const postTermRules: WindowRule[] = POST_TERM_WEEKS.map((weeks) => ({
  key: `post-term-${weeks}`,
  kind: "p4k",
  programme: "pregnancy",
  anchor: "hpht",
  start: { weeks },
  end: { weeks, days: 6 },
  messageKey: `${NS}anc.postTerm`,
  vars: { weeks },
  confirmable: false,
  source: "HPL = HPHT + 280 hari (Naegele); WHO 2018 induction of labour at ≥ 41 weeks; Buku KIA: lewat HPL → periksa ke bidan/dokter",
  uncertain: "Buku KIA wording on 'hamil lewat waktu' not retrieved; we choose the safer reading: see the bidan the same day from HPL on.",
}));

// --- KF (mother) and KN (baby) -------------------------------------------------------------------
// The 6-hour lower bound is inside the birth day, so windows are counted in days from the birth date.
const KF_WINDOWS = [
  { visit: "KF1", start: 0, end: 2, followUp: 1 },
  { visit: "KF2", start: 3, end: 7, followUp: 2 },
  { visit: "KF3", start: 8, end: 28, followUp: 7 },
  { visit: "KF4", start: 29, end: 42, followUp: 7 },
] as const;
const KN_WINDOWS = [
  { visit: "KN1", start: 0, end: 2, followUp: 1 },
  { visit: "KN2", start: 3, end: 7, followUp: 2 },
  { visit: "KN3", start: 8, end: 28, followUp: 7 },
] as const;

// Newborn danger signs and cord care go with KN1 (days 0–2), when they matter most, not weeks later.
const newbornCareRule: WindowRule = {
  key: "kn1-newborn-care",
  kind: "kn",
  programme: "child",
  anchor: "birth",
  start: { days: 0 },
  end: { days: 2 },
  messageKey: `${NS}kn.newbornCare`,
  confirmable: false,
  source: "Buku KIA: perawatan tali pusat dan tanda bahaya bayi baru lahir, diajarkan pada KN1 (Panduan Pelayanan Kunjungan Neonatus 2020)",
  uncertain: "Buku KIA danger-sign page not retrieved; list as in faq-topics.",
};

const kfRules: WindowRule[] = KF_WINDOWS.map((w) => ({
  key: `kf${w.visit.slice(2)}`,
  kind: "kf",
  programme: "postnatal",
  anchor: "birth",
  start: { days: w.start },
  end: { days: w.end },
  messageKey: w.visit === "KF1" ? `${NS}kf.first` : `${NS}kf.visit`,
  confirmable: true,
  followUp: { daysBeforeEnd: w.followUp, messageKey: `${NS}followUp.kf` },
  vars: { visit: w.visit, fromDay: w.start, toDay: w.end },
  source: SRC_KF,
  uncertain:
    w.visit === "KF1" ? "KF1 upper bound: 2 days per Buku KIA summary and PMK 21/2021; the Bali deck reads '0-3 hr' (§3)." : undefined,
}));

const knRules: WindowRule[] = KN_WINDOWS.map((w) => ({
  key: `kn${w.visit.slice(2)}`,
  kind: "kn",
  programme: "child",
  anchor: "birth",
  start: { days: w.start },
  end: { days: w.end },
  messageKey: w.visit === "KN1" ? `${NS}kn.first` : `${NS}kn.visit`,
  confirmable: true,
  followUp: { daysBeforeEnd: w.followUp, messageKey: `${NS}followUp.kn` },
  vars: { visit: w.visit, fromDay: w.start, toDay: w.end },
  source: SRC_KN,
}));

// --- Immunisation (§4) -------------------------------------------------------------------------
// One rule per dose so each can be confirmed and audited; doses due the same day are merged into
// one message by mergeSameDay. Window: from the month of age to the day before the next month,
// follow-up a week before that. The window is when the dose is due, not a deadline: a dose missed
// in it can still be caught up until its `catchUpUntil` age. Vaccine names are product names, the
// same in both languages.

/**
 * Pokja settings: how long after its window a missed dose is still suggested as catch-up
 * (imunisasi kejar), by age from birth, last day inclusive. Where the Kemenkes rule is uncertain we
 * take the safer reading (never suggest a dose past a limit the programme states) and say so here.
 * Change a number here (with its source) to change what families are told.
 */
export const CATCH_UP_LIMITS = {
  // HB-0 is only the birth dose: after 7 days hepatitis B comes with DPT-HB-Hib (Permenkes 12/2017
  // lampiran; Buku KIA "HB0 0–7 hari").
  hb0: { days: 7 },
  // BCG: the programme gives it in the first year; from 3 months the bidan may first test for TB.
  // [UNCERTAIN: limit not retrieved; IDAI jadwal 2023 says "BCG ≥ 3 bulan: uji tuberkulin dulu"].
  bcg: { months: 12, days: -1 },
  // Rotavirus: last dose no later than 6 bulan 29 hari (SE Dirjen P2P IM.02.02/C/3052/2023, §4);
  // doses are ≥ 4 weeks apart, so dose n is only suggested while the remaining doses still fit.
  "rotavirus-1": { months: 7, days: -1 - 2 * 28 },
  "rotavirus-2": { months: 7, days: -1 - 28 },
  "rotavirus-3": { months: 7, days: -1 },
  // PCV catch-up (§4): 2 doses before 12 months + 1 at ≥ 12 months; first dose at 12–23 months →
  // 2 doses; 24–59 months never vaccinated → 1 dose. So PCV 1 to 59 months, PCV 2 and 3 to 23.
  "pcv-1": { months: 60, days: -1 },
  "pcv-2": { months: 24, days: -1 },
  "pcv-3": { months: 24, days: -1 },
  // IPV: catch-up until 59 months (KMK HK.01.07/MENKES/1453/2022, §4).
  ipv: { months: 60, days: -1 },
  // OPV, DPT-HB-Hib and MR: balita age (to 59 months). [UNCERTAIN: the programme's own catch-up
  // table (Permenkes 12/2017 "imunisasi kejar") was not retrieved; the message asks the bidan.]
  balita: { months: BALITA_MONTHS, days: -1 },
} as const satisfies Record<string, Offset>;

function dose(
  key: string,
  vaccine: string,
  ageMonths: number,
  catchUpUntil: Offset | undefined,
  extra: Partial<Pick<WindowRule, "start" | "end" | "uncertain" | "followUp" | "messageKey">> = {},
): WindowRule {
  return {
    key: `imm-${key}`,
    kind: "immunization",
    programme: "child",
    anchor: "birth",
    start: { months: ageMonths },
    end: { months: ageMonths + 1, days: -1 },
    messageKey: `${NS}immunization.due`,
    confirmable: true,
    followUp: { daysBeforeEnd: 7, messageKey: `${NS}followUp.immunization` },
    vars: { vaccine, ageMonths },
    source: SRC_IMM,
    ...(catchUpUntil ? { catchUpUntil } : {}),
    ...extra,
  };
}

const L = CATCH_UP_LIMITS;
export const immunizationRules: readonly WindowRule[] = [
  // HB-0: "< 24 jam" is best (§4 [OK]), but it may be given up to 7 days (Permenkes 12/2017
  // lampiran; Buku KIA 2020 "HB0: 0–7 hari"), so a birth reported on day 2 or later still gets it,
  // as "secepatnya". Usually given where the baby is born; the reminder makes sure.
  dose("hb0", "HB-0", 0, undefined, {
    start: { days: 0 },
    end: L.hb0,
    followUp: { daysBeforeEnd: 5, messageKey: `${NS}followUp.immunization` },
    messageKey: `${NS}immunization.hb0`,
    uncertain: "Upper bound 7 days from Permenkes 12/2017 / Buku KIA as summarised, page not retrieved (§4 lists only '< 24 jam').",
  }),
  // BCG: the programme slide says 1 month, other texts "0–1 bulan" ([UNCERTAIN] §4). We remind a
  // week before 1 month so it is given "sebelum/ketika usia 1 bulan", as §4 recommends.
  dose("bcg", "BCG", 1, L.bcg, {
    start: { months: 1, days: -7 },
    uncertain: "BCG 0–1 bulan vs 1 bulan (§4 UNCERTAIN): reminder starts 1 month − 7 days.",
  }),
  dose("polio-1", "Polio tetes (OPV) 1", 1, L.balita, { start: { months: 1, days: -7 } }),
  dose("dpt-hb-hib-1", "DPT-HB-Hib 1", 2, L.balita),
  dose("polio-2", "Polio tetes (OPV) 2", 2, L.balita),
  dose("pcv-1", "PCV 1", 2, L["pcv-1"]),
  dose("rotavirus-1", "Rotavirus 1", 2, L["rotavirus-1"]),
  dose("dpt-hb-hib-2", "DPT-HB-Hib 2", 3, L.balita),
  dose("polio-3", "Polio tetes (OPV) 3", 3, L.balita),
  dose("pcv-2", "PCV 2", 3, L["pcv-2"]),
  dose("rotavirus-2", "Rotavirus 2", 3, L["rotavirus-2"]),
  dose("dpt-hb-hib-3", "DPT-HB-Hib 3", 4, L.balita),
  dose("polio-4", "Polio tetes (OPV) 4", 4, L.balita),
  dose("ipv-1", "Polio suntik (IPV) 1", 4, L.ipv),
  // RV3 window ends at 5 months − 1 day, inside the "no later than 6 bulan 29 hari" limit (§4).
  dose("rotavirus-3", "Rotavirus 3", 4, L["rotavirus-3"]),
  dose("mr-1", "MR (Campak-Rubela) 1", 9, L.balita),
  // IPV2 with MR at 9 months since 2024, ≥ 4 months after IPV1 (KMK 1453/2022, §4).
  dose("ipv-2", "Polio suntik (IPV) 2", 9, L.ipv),
  dose("pcv-3", "PCV 3", 12, L["pcv-3"]),
  dose("dpt-hb-hib-4", "DPT-HB-Hib lanjutan (4)", 18, L.balita),
  dose("mr-2", "MR (Campak-Rubela) 2", 18, L.balita),
];

/** The one catch-up message of a child enrolled after some doses' windows (see CatchUpRule). */
export const catchUpRule: CatchUpRule = {
  key: "imm-catch-up",
  kind: "immunization",
  programme: "child",
  anchor: "enrolment",
  lengthDays: 14,
  messageKey: `${NS}immunization.catchUp`,
  confirmable: true,
  followUp: { daysBeforeEnd: 4, messageKey: `${NS}followUp.catchUp` },
  source: `${SRC_IMM}; imunisasi kejar: Permenkes 12/2017`,
  uncertain: "Age limits per dose: see CATCH_UP_LIMITS.",
};

// --- Vitamin A (§5) ------------------------------------------------------------------------------
// The child's age on the day the capsule is given decides eligibility and colour: the posyandu day
// of Februari/Agustus (the capsule is given there, §5/§6), or the 1st of the month when the family
// has no posyandu (VITAMIN_A_AGE_ON). The reminder itself goes on the 1st ("bulan vitamin A").
// Februari and Agustus are 6 months apart, so exactly one of them meets a child in the 6–11-month
// band: every child gets one blue capsule.
const vitaminARules: CalendarRule[] = [
  {
    key: "vitamin-a-blue",
    kind: "vitamin-a",
    programme: "child",
    anchor: "calendar",
    months: [2, 8],
    conditions: { ageMonths: { min: 6, max: 11 } },
    messageKey: `${NS}vitaminA.blue`,
    confirmable: true,
    followUp: { daysBeforeEnd: 7, messageKey: `${NS}followUp.vitaminA` },
    source: SRC_VITA,
  },
  {
    key: "vitamin-a-red",
    kind: "vitamin-a",
    programme: "child",
    anchor: "calendar",
    months: [2, 8],
    conditions: { ageMonths: { min: 12, max: 59 } },
    messageKey: `${NS}vitaminA.red`,
    confirmable: true,
    followUp: { daysBeforeEnd: 7, messageKey: `${NS}followUp.vitaminA` },
    source: SRC_VITA,
  },
];

// --- Posyandu day (§6) ---------------------------------------------------------------------------
const posyanduRules: PosyanduRule[] = [
  {
    key: "posyandu-pregnancy",
    kind: "posyandu",
    programme: "pregnancy",
    anchor: "posyandu-day",
    daysBefore: 1,
    messageKey: `${NS}posyandu.pregnancy`,
    movedMessageKey: `${NS}posyandu.pregnancyMoved`,
    confirmable: false,
    source: SRC_POSYANDU,
  },
  {
    key: "posyandu-child",
    kind: "posyandu",
    programme: "child",
    anchor: "posyandu-day",
    daysBefore: 1,
    // Balita = under 5: weighed monthly up to 59 completed months.
    conditions: { ageMonths: { min: 0, max: 59 } },
    messageKey: `${NS}posyandu.child`,
    movedMessageKey: `${NS}posyandu.childMoved`,
    confirmable: false,
    source: SRC_POSYANDU,
  },
];

// --- Feeding / PMBA (§8) -------------------------------------------------------------------------
const feedingRules: ReminderRule[] = [
  {
    key: "feeding-birth",
    kind: "feeding",
    programme: "child",
    anchor: "birth",
    start: { days: 0 },
    end: { days: 6 },
    messageKey: `${NS}feeding.birth`,
    confirmable: false,
    source: `${SRC_PMBA}; IMD ≥ 1 jam`,
  },
  {
    key: "feeding-exclusive",
    kind: "feeding",
    programme: "child",
    anchor: "birth",
    every: "month",
    from: 1,
    to: 5,
    lengthDays: 7,
    messageKey: `${NS}feeding.exclusive`,
    confirmable: false,
    source: SRC_PMBA,
  },
  {
    // Two weeks after the 5-month message, so the family has ~2 weeks to prepare before 6 months.
    key: "feeding-mpasi-prepare",
    kind: "feeding",
    programme: "child",
    anchor: "birth",
    start: { months: 5, days: 14 },
    end: { months: 5, days: 20 },
    messageKey: `${NS}feeding.mpasiPrepare`,
    confirmable: false,
    source: SRC_PMBA,
  },
  {
    key: "feeding-mpasi-start",
    kind: "feeding",
    programme: "child",
    anchor: "birth",
    start: { months: 6 },
    end: { months: 6, days: 6 },
    messageKey: `${NS}feeding.mpasiStart`,
    confirmable: false,
    source: `${SRC_PMBA}; protein hewani tiap makan (faq-topics 'mpasi-protein-hewani')`,
  },
  {
    key: "feeding-texture-9",
    kind: "feeding",
    programme: "child",
    anchor: "birth",
    start: { months: 9 },
    end: { months: 9, days: 6 },
    messageKey: `${NS}feeding.texture9`,
    confirmable: false,
    source: SRC_PMBA,
    uncertain: "Texture table mis-rendered in the retrieved Depkes source (§8); matches faq-topics 'mpasi-frekuensi'.",
  },
  {
    key: "feeding-texture-12",
    kind: "feeding",
    programme: "child",
    anchor: "birth",
    start: { months: 12 },
    end: { months: 12, days: 6 },
    messageKey: `${NS}feeding.texture12`,
    confirmable: false,
    source: SRC_PMBA,
    uncertain: "See feeding-texture-9.",
  },
];

// --- Weekly / monthly stage tips ------------------------------------------------------------------
const PREGNANCY_TIP_BANDS: readonly [number, number][] = [
  [4, 5],
  [6, 7],
  [8, 9],
  [10, 11],
  [12, 13],
  [14, 15],
  [16, 17],
  [18, 19],
  [20, 21],
  [22, 23],
  [24, 25],
  [26, 27],
  [28, 29],
  [30, 31],
  [32, 33],
  [34, 35],
  [36, 37],
  [38, 40],
];
const pad = (n: number): string => String(n).padStart(2, "0");

const pregnancyTips: SeriesRule = {
  key: "tip-pregnancy",
  kind: "tip",
  programme: "pregnancy",
  anchor: "hpht",
  every: "week",
  from: 4,
  to: 40,
  lengthDays: 7,
  messageKey: `${NS}tip.pregnancy.w${pad(4)}`,
  bands: PREGNANCY_TIP_BANDS.map(([from, to]) => ({ from, to, messageKey: `${NS}tip.pregnancy.w${pad(from)}` })),
  confirmable: false,
  source: "Buku KIA: gizi ibu hamil, TTD, tanda bahaya, ASI",
};

// Weekly for the first 3 months (weeks 1–12), then monthly to 24 months. Monthly tips come 10
// days after the month day so they do not pile onto the immunisation/feeding messages of that day.
const CHILD_WEEK_BANDS: readonly [number, number][] = [
  [1, 1],
  [2, 2],
  [3, 3],
  [4, 4],
  [5, 6],
  [7, 8],
  [9, 10],
  [11, 12],
];
const CHILD_MONTH_BANDS: readonly [number, number][] = [
  [3, 3],
  [4, 4],
  [5, 5],
  [6, 6],
  [7, 7],
  [8, 8],
  [9, 9],
  [10, 10],
  [11, 11],
  [12, 12],
  [13, 14],
  [15, 16],
  [17, 18],
  [19, 20],
  [21, 22],
  [23, 24],
];

const childTipsWeekly: SeriesRule = {
  key: "tip-child-week",
  kind: "tip",
  programme: "child",
  anchor: "birth",
  every: "week",
  from: 1,
  to: 12,
  lengthDays: 7,
  messageKey: `${NS}tip.child.w${pad(1)}`,
  bands: CHILD_WEEK_BANDS.map(([from, to]) => ({ from, to, messageKey: `${NS}tip.child.w${pad(from)}` })),
  confirmable: false,
  source: "Buku KIA: ASI, imunisasi, tumbuh kembang",
};

const childTipsMonthly: SeriesRule = {
  key: "tip-child-month",
  kind: "tip",
  programme: "child",
  anchor: "birth",
  every: "month",
  from: 3,
  to: 24,
  shift: { days: 10 },
  lengthDays: 7,
  messageKey: `${NS}tip.child.m${pad(3)}`,
  bands: CHILD_MONTH_BANDS.map(([from, to]) => ({ from, to, messageKey: `${NS}tip.child.m${pad(from)}` })),
  confirmable: false,
  source: "Buku KIA: MP-ASI, tumbuh kembang, posyandu",
};

/** The whole programme. Order here is only for reading; plans are sorted by due date. */
export const REMINDER_RULES: readonly ReminderRule[] = [
  ...ancRules,
  ttdRule,
  ...p4kRules,
  ...postTermRules,
  pregnancyTips,
  posyanduRules[0]!,
  ...kfRules,
  ...knRules,
  newbornCareRule,
  ...immunizationRules,
  catchUpRule,
  ...vitaminARules,
  posyanduRules[1]!,
  ...feedingRules,
  childTipsWeekly,
  childTipsMonthly,
];

export function rulesFor(programme: Programme): ReminderRule[] {
  return REMINDER_RULES.filter((r) => r.programme === programme);
}

export function ruleByKey(key: string): ReminderRule | undefined {
  return REMINDER_RULES.find((r) => r.key === key);
}

/**
 * Pokja setting: the day a child's age is judged for vitamin A — "posyandu-day" (the day it is
 * given) or "first-of-month". Without a posyandu the 1st is used.
 */
export const VITAMIN_A_AGE_ON: "posyandu-day" | "first-of-month" = "posyandu-day";

/** "BELUM" → remind again after this many days (within the window). */
export const NOT_YET_RETRY_DAYS = 3;

/** Texts outside single rules: merged message, replies, loss. */
export const MESSAGE_KEYS = {
  mergedHeader: `${NS}merged.header`,
  mergedItem: `${NS}merged.item`,
  replyDone: `${NS}reply.done`,
  replyNotYet: `${NS}reply.notYet`,
  replyUnknown: `${NS}reply.unknown`,
  lossPregnancy: `${NS}loss.pregnancy`,
  lossChild: `${NS}loss.child`,
  lossChildPostnatal: `${NS}loss.childPostnatal`,
  replyDoneItems: `${NS}reply.doneItems`,
  defaultChildName: `${NS}default.childName`,
} as const;
