// BATAL UKUR, RIWAYAT and CARI.
import { and, asc, eq, ilike, or } from "drizzle-orm";
import { whereInScope } from "../../platform/scope.js";
import { children } from "../../children/index.js";
import type { Turn } from "../../conversation/turn.js";
import { ageText } from "../report-reply.js";
import { cancelMeasurement, childById, childHistory, lastUndoableReport } from "../reports.js";
import { formatDate, formatNumber } from "../rules.js";
import { today, type Kader, childInPosyandu } from "./kader.js";

// --- BATAL UKUR, RIWAYAT, CARI ----------------------------------------------------------------

export async function undoLast(turn: Turn): Promise<void> {
  const last = await lastUndoableReport(turn.tx, turn.contact.id, turn.now);
  if (!last) return turn.say("growth:undo.none");
  await cancelMeasurement(turn.tx, last.id, turn.now);
  const child = await childById(turn.tx, last.childId);
  turn.say("growth:undo.done", { name: child?.name ?? "", code: child?.code ?? "", date: formatDate(last.measuredOn) });
}

export async function showHistory(turn: Turn, kader: Kader, code: string): Promise<void> {
  const child = await childInPosyandu(turn.tx, kader, code);
  if (!child) return turn.say("growth:chat.child_not_found", { code });
  const rows = await childHistory(turn.tx, child.id);
  if (rows.length === 0) return turn.say("growth:history.empty", { name: child.name, code: child.code });
  const lines = rows.map((m) => {
    const parts = [formatDate(m.measuredOn)];
    if (m.weightKg !== null) parts.push(`BB ${formatNumber(m.weightKg, 1)}`);
    if (m.lengthCm !== null) parts.push(`${m.position === "standing" ? "TB" : "PB"} ${formatNumber(m.lengthCm, 1)}`);
    if (m.growthCode) parts.push(m.twoT ? "2T" : m.growthCode);
    if (m.statusTbu && m.statusTbu !== "normal") parts.push(turn.t(`growth:status.tbu.${m.statusTbu}`));
    const wasting = m.statusBbtb ?? m.statusImtu;
    if (wasting && wasting !== "normal") parts.push(turn.t(`growth:status.bbtb.${wasting}`));
    if (m.bgm) parts.push("BGM");
    return parts.join(" · ");
  });
  turn.sayText(
    `${turn.t("growth:history.head", { name: child.name, code: child.code, age: ageText((k, v) => turn.t(k, v), child.birthDate, today(turn)) })}\n${lines.join("\n")}`,
  );
}

export async function search(turn: Turn, kader: Kader, query: string): Promise<void> {
  const digits = query.replace(/[\s.-]/g, "");
  const scope = whereInScope(kader.principal, { posyanduId: children.posyanduId });
  let match;
  if (/^\d{16}$/.test(digits)) match = eq(children.nikHash, turn.rt.nik.hashOf(digits));
  else if (/^[a-z0-9]{4,8}$/i.test(query) && /\d/.test(query)) match = eq(children.code, query.toUpperCase());
  else {
    const pattern = `%${query.replace(/[%_\\]/g, "")}%`;
    match = or(ilike(children.name, pattern), ilike(children.motherName, pattern));
  }
  const rows = await turn.tx.select().from(children).where(and(scope, match)).orderBy(asc(children.name)).limit(10);
  if (rows.length === 0) return turn.say("growth:search.none");
  const lines = rows.map((c) =>
    turn.t("growth:search.row", { code: c.code, name: c.name, sex: c.sex, birth: formatDate(c.birthDate), mother: c.motherName ?? "-" }),
  );
  turn.sayText(`${turn.t("growth:search.head")}\n${lines.join("\n")}`);
}
