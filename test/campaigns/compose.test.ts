// Pure rules: variables and their rendering, the check of a composed message, quiet hours and the
// days a repeating campaign goes, in WITA.
import { describe, expect, it } from "vitest";
import { buttonsFor, checkMessage, renderText, unknownVariables, type RecipientValues } from "../../src/campaigns/compose.js";
import { checkRepeat, dueOccurrence, inQuietHours, quietEnd, repeatsOn } from "../../src/campaigns/schedule.js";

const none: RecipientValues = { nama_desa: null, nama_kecamatan: null, nama_posyandu: null, posyandu_hari: null, nama_anak: null };
const fallbacks = {
  nama_desa: "desa Anda",
  nama_kecamatan: "kecamatan Anda",
  nama_posyandu: "posyandu",
  posyandu_hari: "hari posyandu",
  nama_anak: "anak Anda",
};
const WITA = { start: 21, end: 6, zone: "Asia/Makassar" };

describe("compose", () => {
  it("renders each variable per recipient, with a fallback for what is unknown", () => {
    const text = "Halo warga {nama_desa} ({nama_kecamatan}): {nama_anak} ditimbang di {nama_posyandu} {posyandu_hari}.";
    expect(renderText(text, { ...none, nama_desa: "Lampihong Kanan", nama_anak: "Siti" }, fallbacks)).toBe(
      "Halo warga Lampihong Kanan (kecamatan Anda): Siti ditimbang di posyandu hari posyandu.",
    );
    expect(renderText("{nama_desa}{nama_desa} {bukan}", { ...none, nama_desa: "X" }, fallbacks)).toBe("XX {bukan}");
  });

  it("refuses unknown variables, a missing Banjar text, and too many or too long buttons", () => {
    expect(unknownVariables("{nama_dsa} {nama_desa} {x}")).toEqual(["nama_dsa", "x"]);
    const base = { textId: "Halo {nama_desa}", textBjn: "Halo {nama_desa}", sameForBoth: false, buttons: [] };
    expect(checkMessage(base)).toEqual([]);
    expect(checkMessage({ ...base, textBjn: null })[0]?.field).toBe("body.textBjn");
    expect(checkMessage({ ...base, textBjn: null, sameForBoth: true })).toEqual([]);
    expect(checkMessage({ ...base, sameForBoth: true })[0]?.reason).toMatch(/left out/);
    expect(checkMessage({ ...base, textId: "Halo {nama_dsa}" })[0]?.reason).toMatch(/unknown variables \{nama_dsa\}/);
    const label = { id: "Ya" };
    expect(checkMessage({ ...base, buttons: [1, 2, 3, 4].map(() => ({ kind: "reply" as const, label })) })[0]?.field).toBe("body.buttons");
    expect(checkMessage({ ...base, buttons: [{ kind: "reply", label: { id: "x".repeat(21) } }] })[0]?.field).toBe("body.buttons[0].label");
  });

  it("makes reply buttons counted per run and FAQ buttons open the topic, labels in Banjar where given", () => {
    const buttons = [
      { kind: "reply" as const, label: { id: "Ikut", bjn: "Umpat" } },
      { kind: "faq" as const, topicId: "stunting-apa", label: { id: "Apa itu stunting?" } },
    ];
    const run = "11111111-2222-3333-4444-555555555555";
    expect(buttonsFor(buttons, "bjn", run)).toEqual([
      { label: "Umpat", payload: `cmp:${run}:0` },
      { label: "Apa itu stunting?", payload: "faq:topic:stunting-apa" },
    ]);
  });
});

describe("campaign timing (WITA)", () => {
  it("quiet hours run from 21:00 to 06:00 WITA and end the next morning", () => {
    expect(inQuietHours(new Date("2026-03-09T12:59:00Z"), WITA)).toBe(false); // 20:59 WITA
    expect(inQuietHours(new Date("2026-03-09T13:00:00Z"), WITA)).toBe(true); // 21:00
    expect(inQuietHours(new Date("2026-03-09T21:59:00Z"), WITA)).toBe(true); // 05:59 next day
    expect(quietEnd(new Date("2026-03-09T13:30:00Z"), WITA).toISOString()).toBe("2026-03-09T22:00:00.000Z"); // 06:00 on the 10th
    expect(quietEnd(new Date("2026-03-09T20:00:00Z"), WITA).toISOString()).toBe("2026-03-09T22:00:00.000Z"); // 04:00 → 06:00
    const noon = new Date("2026-03-09T04:00:00Z");
    expect(quietEnd(noon, WITA)).toBe(noon);
  });

  it("repeats daily, weekly on given weekdays, monthly (31 = last day), between from and until", () => {
    const weekly = { every: "weekly" as const, weekdays: [1, 4], time: "08:00", until: "2026-03-31" };
    const days = ["2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12", "2026-03-13", "2026-03-14", "2026-03-15"];
    expect(days.filter((d) => repeatsOn(weekly, d))).toEqual(["2026-03-09", "2026-03-12"]); // Monday, Thursday
    expect(repeatsOn(weekly, "2026-04-02")).toBe(false); // after until
    const monthly = { every: "monthly" as const, dayOfMonth: 31, time: "08:00", until: "2026-12-31" };
    expect(repeatsOn(monthly, "2026-02-28")).toBe(true);
    expect(repeatsOn(monthly, "2026-03-30")).toBe(false);
    expect(repeatsOn(monthly, "2026-03-31")).toBe(true);
    expect(repeatsOn({ every: "daily", time: "08:00", from: "2026-03-10", until: "2026-03-11" }, "2026-03-09")).toBe(false);
  });

  it("is due on its local day once its local time has come: a Monday 07:30 WITA is still Sunday in UTC", () => {
    const weekly = { every: "weekly" as const, weekdays: [1], time: "07:00", until: "2026-12-31" };
    // Monday 9 March 2026, 07:30 WITA = Sunday 8 March 23:30 UTC.
    expect(dueOccurrence(weekly, new Date("2026-03-08T23:30:00Z"), "Asia/Makassar")).toBe("2026-03-09");
    expect(dueOccurrence(weekly, new Date("2026-03-08T22:30:00Z"), "Asia/Makassar")).toBeNull(); // 06:30 WITA
    expect(dueOccurrence(weekly, new Date("2026-03-09T23:30:00Z"), "Asia/Makassar")).toBeNull(); // Tuesday
  });

  it("refuses a repeat time inside quiet hours and a weekly rule without weekdays", () => {
    expect(checkRepeat({ every: "daily", time: "21:30", until: "2026-12-31" }, WITA)[0]?.field).toBe("body.repeat.time");
    expect(checkRepeat({ every: "weekly", time: "08:00", until: "2026-12-31" }, WITA)[0]?.field).toBe("body.repeat.weekdays");
  });
});
