// The kader's reply to a report: the child's age, weight, length and their z-scores with status,
// N/T against the last weighing, advice and any referral, in the kader's language.
import type { Child } from "../children/index.js";
import type { Evaluation, Stored } from "./reports.js";
import { ageParts, formatDate, formatNumber } from "./rules.js";

type T = (key: string, vars?: Record<string, unknown>) => string;

export function ageText(t: T, birthDate: string, on: string): string {
  const p = ageParts(birthDate, on);
  if (!p) return "-";
  return t("growth:reply.age", { months: p.months, days: p.days });
}

const INDEX_ROWS = [
  ["bbu", "zwei", "BB/U"],
  ["tbu", "zlen", null],
  ["bbtb", "zwfl", null],
  ["imtu", "zbmi", "IMT/U"],
] as const;

/** The answer to the kader for one stored (or about to be stored) report. */
export function renderAssessment(
  t: T,
  child: Pick<Child, "name" | "code" | "birthDate">,
  ev: Evaluation,
  stored: Pick<Stored, "referral" | "referralCreated" | "referralAdded" | "puskesmasName"> | null,
): string {
  const { values: v, assessment: a, weighing: w } = ev;
  const lines: string[] = [];
  lines.push(
    t("growth:reply.head", {
      name: child.name,
      code: child.code,
      age: ageText(t, child.birthDate, v.measuredOn),
      date: formatDate(v.measuredOn),
    }),
  );
  const measured: string[] = [];
  if (v.weightKg !== undefined) measured.push(`BB ${formatNumber(v.weightKg, 1)} kg`);
  if (v.lengthCm !== undefined)
    measured.push(
      `${v.position === "standing" ? "TB" : "PB"} ${formatNumber(v.lengthCm, 1)} cm (${t(`growth:reply.position.${v.position ?? "lying"}`)})`,
    );
  if (v.muacCm !== undefined) measured.push(`LILA ${formatNumber(v.muacCm, 1)} cm`);
  if (v.headCm !== undefined) measured.push(`LK ${formatNumber(v.headCm, 1)} cm`);
  if (v.oedema) measured.push(t("growth:reply.oedema"));
  lines.push(measured.join(" · "));
  if (a.ageProblem === "too-old") lines.push(t("growth:reply.too_old"));
  const standing = v.position === "standing";
  for (const [index, z, fixed] of INDEX_ROWS) {
    const value = a.z[z];
    const status = a.status[index];
    if (value === null || status === null) continue;
    const label = fixed ?? (index === "tbu" ? (standing ? "TB/U" : "PB/U") : standing ? "BB/TB" : "BB/PB");
    lines.push(`${label}: z ${formatNumber(value, 2)} · ${t(`growth:status.${index}.${status}`)}`);
  }
  if (w) {
    const code = w.twoT ? "2T" : w.code;
    lines.push(t("growth:reply.gain", { code: t(`growth:code.${code}`) }));
    if (w.bgm) lines.push(t("growth:code.BGM"));
  }
  const reasonList = (reasons: readonly string[]) => reasons.map((r) => t(`growth:reason.${r}`)).join(", ");
  if (ev.reasons.length > 0) {
    const urgent = ev.advice === "refer-urgent";
    lines.push(
      t(urgent ? "growth:reply.refer_urgent" : "growth:reply.refer", {
        puskesmas: stored?.puskesmasName ?? t("growth:reply.puskesmas_unknown"),
        reasons: reasonList(ev.reasons),
      }),
    );
    if (urgent) lines.push(t("growth:danger_signs"));
    const r = stored?.referral;
    if (r) {
      if (stored.referralCreated)
        lines.push(t(urgent ? "growth:reply.referral_created_urgent" : "growth:reply.referral_created", { number: r.number }));
      else if (stored.referralAdded.length > 0)
        lines.push(
          t("growth:reply.referral_updated", { number: r.number, added: reasonList(stored.referralAdded), reasons: reasonList(r.reasons) }),
        );
      else lines.push(t("growth:reply.referral_open", { number: r.number }));
    }
  } else {
    lines.push(
      t(`growth:advice.${ev.advice}`, {
        number: ev.openReferral?.number ?? "",
        reasons: reasonList(ev.openReferral?.reasons ?? []),
        date: ev.latestLength ? formatDate(ev.latestLength.date) : "",
        status: ev.latestLength ? t(`growth:status.tbu.${ev.latestLength.tbu}`) : "",
      }),
    );
  }
  return lines.join("\n");
}
