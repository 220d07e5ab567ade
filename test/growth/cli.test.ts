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
    expect(rows).toHaveLength(9);
    expect(Object.keys(rows[0] ?? {}).slice(0, 10)).toEqual(["id", "nama", "sex", "age_days", "birth_date", "measured_at", "weight_kg", "lenhei_cm", "measure", "oedema"]);
    expect(byId("3").nama).toBe("Citra");
  });

  it("matches WHO Anthro for a row of WHO's igrowup survey (id 1: girl, 683 d, 10.4 kg, 84.8 cm lying)", () => {
    expect(byId("1")).toMatchObject({ clenhei: "84.8", cbmi: "14.46", zlen: "-0.07", zwei: "-0.57", zwfl: "-0.81", zbmi: "-0.79", flen: "0", fwei: "0", error: "" });
    expect(byId("1")).toMatchObject({ status_tbu: "normal", status_bbu: "normal", status_bbtb: "normal", status_imtu: "normal" });
    // 1852 days is 60.8 months: igrowup scored it, WHO Anthro 1.1.0 does not.
    expect(byId("2")).toMatchObject({ zlen: "", zwei: "", zwfl: "", zbmi: "", error: "too-old" });
  });

  it("uses birth and measurement dates and applies +0.7 cm to standing under 2 years", () => {
    expect(byId("3")).toMatchObject({ clenhei: "75.7", status_tbu: "stunted", error: "" });
  });

  it("leaves weight-based columns empty with oedema", () => {
    expect(byId("4")).toMatchObject({ zwei: "", fwei: "", zwfl: "", zbmi: "", error: "" });
    expect(byId("4").zlen).not.toBe("");
  });

  it("marks bad rows and carries on", () => {
    expect(byId("5").error).toBe("bad-sex");
    expect(byId("6").error).toBe("bad-age");
    expect(byId("7")).toMatchObject({ error: "too-old", zlen: "" });
    expect(byId("8")).toMatchObject({ error: "", zlen: "", zwei: "" });
    expect(byId("9").clenhei).toBe("65"); // standing under 9 months: not corrected
  });
});
