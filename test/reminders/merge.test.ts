import { beforeAll, describe, expect, it } from "vitest";
import { createI18n, type I18n } from "../../src/i18n/index.js";
import { formatDate, renderMerged, renderReminder } from "../../src/reminders/render.js";
import { followUpAsReminder, mergeSameDay, planChild, planPregnancy, type PlannedReminder } from "../../src/reminders/schedule.js";

let i18n: I18n;
beforeAll(async () => {
  i18n = await createI18n();
});

describe("mergeSameDay", () => {
  it("groups one person's reminders of the same day and keeps different people apart", () => {
    const child = planChild({ birthDate: "2026-01-31" }).map((r) => ({ ...r, personId: "anak-1" }));
    const sibling = planChild({ birthDate: "2026-01-31" }).map((r) => ({ ...r, personId: "anak-2" }));
    const groups = mergeSameDay([...sibling, ...child]);
    const twoMonths = groups.filter((g) => g.due === "2026-03-31");
    expect(twoMonths.map((g) => g.personId)).toEqual(["anak-1", "anak-2"]);
    expect(twoMonths[0]!.items.map((r) => r.ruleKey)).toEqual([
      "imm-dpt-hb-hib-1",
      "imm-polio-2",
      "imm-pcv-1",
      "imm-rotavirus-1",
      "feeding-exclusive",
    ]);
    // every item ends up in exactly one group
    expect(groups.reduce((n, g) => n + g.items.length, 0)).toBe(child.length + sibling.length);
    for (const g of groups) for (const r of g.items) expect(r.due).toBe(g.due);
  });

  it("sorts groups by date and treats items without personId as one person", () => {
    const plan = planPregnancy({ hpht: "2026-03-01" });
    const groups = mergeSameDay([...plan].reverse());
    const dues = groups.map((g) => g.due);
    expect(dues).toEqual([...new Set(plan.map((r) => r.due))].sort());
    expect(new Set(groups.map((g) => g.personId))).toEqual(new Set([""]));
  });

  it("returns nothing for nothing", () => {
    expect(mergeSameDay([])).toEqual([]);
  });
});

describe("rendering", () => {
  const plan = planChild({ birthDate: "2026-01-31" });
  const dayTwoMonths = plan.filter((r) => r.due === "2026-03-31");

  it("writes one message with a header and bullets, vaccines of one visit on one line", () => {
    const text = renderMerged(i18n, "id", dayTwoMonths, { name: "Siti" });
    const lines = text.split("\n");
    expect(lines[0]).toBe("Pengingat hari ini (31 Maret 2026):");
    expect(lines).toHaveLength(3); // header, one immunisation line, one feeding line
    expect(lines[1]).toContain("DPT-HB-Hib 1, Polio tetes (OPV) 2, PCV 1, Rotavirus 1");
    expect(lines[1]).toMatch(/^• .*Siti/);
    expect(lines[2]).toMatch(/^• Usia Siti sudah 2 bulan/);
  });

  it("writes it in Banjar too, with the default child name", () => {
    const text = renderMerged(i18n, "bjn", dayTwoMonths);
    expect(text.split("\n")[0]).toBe("Pangingat hagan ari ini (31 Maret 2026):");
    expect(text).toContain("hagan anak pian");
  });

  it("a single item is sent as is", () => {
    const kn1 = plan.find((r) => r.ruleKey === "kn1")!;
    expect(renderMerged(i18n, "id", [kn1])).toBe(renderReminder(i18n, "id", kn1));
  });

  it("renders dates the Indonesian way and leaves no placeholders", () => {
    expect(formatDate("2028-02-29")).toBe("29 Februari 2028");
    for (const lang of ["id", "bjn"] as const) {
      for (const r of [...plan, ...planPregnancy({ hpht: "2026-03-01", posyanduDay: 5 })]) {
        const text = renderReminder(i18n, lang, r, { name: "Ahmad" });
        expect(text, r.messageKey).not.toMatch(/\{\{|reminders:|undefined/);
      }
    }
  });

  it("follow-ups ask SUDAH / BELUM and can be merged with that day's reminders", () => {
    const withFollowUps: PlannedReminder[] = plan.flatMap((r) => {
      const fu = followUpAsReminder(r);
      return fu ? [r, fu] : [r];
    });
    const bcg = plan.find((r) => r.ruleKey === "imm-bcg")!;
    const fuDay = mergeSameDay(withFollowUps).find((g) => g.due === bcg.followUp!.due)!;
    const text = renderMerged(i18n, "id", fuDay.items, { name: "Siti" });
    expect(text).toContain("Apakah Siti sudah mendapat imunisasi BCG, Polio tetes (OPV) 1? Balas SUDAH atau BELUM.");
    expect(renderMerged(i18n, "bjn", fuDay.items, { name: "Siti" })).toContain("Balas SUDAH atawa BELUM");
  });
});
