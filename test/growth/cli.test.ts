import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const fixture = fileURLToPath(new URL("./fixtures/small.csv", import.meta.url));

describe("zscore CLI", () => {
  const run = spawnSync("npx", ["tsx", "src/growth/cli.ts", fixture], { cwd: root, encoding: "utf8" });
  const rows = parse(run.stdout, { columns: true }) as Record<string, string>[];
  const byId = (id: string): Record<string, string> => rows.find((r) => r.id === id) ?? {};

  it("exits 0 and keeps every row and input column", () => {
    expect(run.status).toBe(0);
    expect(rows).toHaveLength(15);
    expect(Object.keys(rows[0] ?? {}).slice(0, 10)).toEqual([
      "id",
      "nama",
      "sex",
      "age_days",
      "birth_date",
      "measured_at",
      "weight_kg",
      "lenhei_cm",
      "measure",
      "oedema",
    ]);
    expect(byId("3").nama).toBe("Citra");
  });

  it("matches WHO Anthro for a row of WHO's igrowup survey (id 1: girl, 683 d, 10.4 kg, 84.8 cm lying)", () => {
    expect(byId("1")).toMatchObject({
      clenhei: "84.8",
      cbmi: "14.46",
      zlen: "-0.07",
      zwei: "-0.57",
      zwfl: "-0.81",
      zbmi: "-0.79",
      flen: "0",
      fwei: "0",
      error: "",
    });
    expect(byId("1")).toMatchObject({ status_tbu: "normal", status_bbu: "normal", status_bbtb: "normal", status_imtu: "normal" });
    expect(byId("1")).toMatchObject({
      status_tbu_label: "Normal",
      status_bbu_label: "Berat badan normal",
      status_bbtb_label: "Gizi baik",
      status_imtu_label: "Gizi baik",
    });
    // 1852 days is 60.8 months: igrowup scored it, WHO Anthro 1.1.0 does not.
    expect(byId("2")).toMatchObject({ zlen: "", zwei: "", zwfl: "", zbmi: "", error: "too-old" });
  });

  it("uses birth and measurement dates and applies +0.7 cm to standing under 2 years", () => {
    expect(byId("3")).toMatchObject({ clenhei: "75.7", status_tbu: "stunted", status_tbu_label: "Pendek", error: "" });
  });

  it("with oedema: no weight-based z-score, BB/TB gizi buruk (edema)", () => {
    expect(byId("4")).toMatchObject({ zwei: "", fwei: "", zwfl: "", zbmi: "", error: "oedema" });
    expect(byId("4")).toMatchObject({
      status_bbtb: "severely-wasted",
      status_bbtb_label: "Gizi buruk (edema)",
      status_bbu: "",
      status_imtu: "",
    });
    expect(byId("4")).toMatchObject({ zlen: "-3.40", status_tbu: "severely-stunted", status_tbu_label: "Sangat pendek" });
  });

  it("gives WHO's z-scores and flags but no status where WHO flags the z-score", () => {
    expect(byId("11")).toMatchObject({ zwei: "7.17", fwei: "1", zwfl: "9.32", fwfl: "1", zbmi: "9.71", fbmi: "1" });
    expect(byId("11")).toMatchObject({ status_bbu: "", status_bbu_label: "", status_bbtb: "", status_imtu: "", status_tbu: "normal" });
    expect(byId("11").error).toBe("who-flag-zwei;who-flag-zwfl;who-flag-zbmi");
  });

  it("computes nothing for invalid input: a negative age, a measurement before birth", () => {
    for (const id of ["10", "13"]) {
      const row = byId(id);
      for (const c of ["zlen", "zwei", "zwfl", "zbmi", "status_tbu", "status_bbu", "status_bbtb", "status_imtu"])
        expect(row[c], `${id} ${c}`).toBe("");
    }
    expect(byId("10").error).toBe("bad-age");
    expect(byId("13").error).toBe("measured-before-birth");
  });

  it("scores day 1826 but not 1852 (60 months), and MUAC-for-age from 91 days", () => {
    expect(byId("14")).toMatchObject({ zlen: "-0.34", zwei: "-0.35", zac: "-0.37", fac: "0", status_bbtb: "normal", error: "" });
    expect(byId("12")).toMatchObject({ zac: "-0.04", fac: "0" });
  });

  it("without age: only weight-for-length/height, and says why the rest is blank", () => {
    expect(byId("15")).toMatchObject({ zwfl: "-0.66", status_bbtb: "normal", zlen: "", status_tbu: "", error: "missing-age" });
  });

  it("marks bad rows and carries on", () => {
    expect(byId("5").error).toBe("bad-sex");
    expect(byId("6").error).toBe("bad-age");
    expect(byId("7")).toMatchObject({ error: "too-old", zlen: "" });
    expect(byId("8")).toMatchObject({ error: "", zlen: "", zwei: "" });
    // Standing under 9 months: not corrected, flagged, no length-based status.
    expect(byId("9")).toMatchObject({
      clenhei: "65",
      c9mo_flag: "1",
      status_tbu: "",
      status_bbtb: "",
      status_imtu: "",
      status_bbu: "normal",
      error: "standing-under-9-months",
    });
  });
});
