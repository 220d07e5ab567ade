import { describe, expect, it } from "vitest";
import { balanganAreas } from "../../src/areas/index.js";
import { AreaMatcher, type AreaName } from "../../src/areas/match.js";

const matcher = new AreaMatcher((await balanganAreas()) as AreaName[]);

function names(text: string): string[] {
  const m = matcher.match(text);
  if (m.kind === "desa") return m.desa.map((d) => d.name);
  if (m.kind === "kecamatan") return [`kec:${m.kecamatan.name}`];
  return [];
}

describe("AreaMatcher", () => {
  it.each([
    ["Batu Piring", "Batu Piring"],
    ["batu piring", "Batu Piring"],
    ["btu piring", "Batu Piring"],
    ["desa Batupiring", "Batu Piring"],
    ["Muara Ninian", "Muara Ninian"],
    ["muara ninan", "Muara Ninian"],
    ["Teluk Bayur", "Teluk Bayur"],
    // A desa named like its kecamatan is taken as the desa.
    ["tebing tinggi", "Tebing Tinggi"],
    ["batumandi", "Batumandi"],
  ])("finds the desa in %j", (typed, expected) => {
    expect(names(typed)[0]).toBe(expected);
  });

  it.each([
    ["paringin slatan", "kec:Paringin Selatan"],
    ["Kecamatan Paringin Selatan", "kec:Paringin Selatan"],
    ["kec paringin selatan", "kec:Paringin Selatan"],
  ])("recognises the kecamatan in %j and lists its desa", (typed, expected) => {
    expect(names(typed)).toEqual([expected]);
    const m = matcher.match(typed);
    expect(m.kind === "kecamatan" && m.desa.length).toBeGreaterThan(3);
  });

  it.each(["", "ab", "pasar malam", "jakarta selatan 123"])("finds nothing sensible in %j", (typed) => {
    const m = matcher.match(typed);
    if (m.kind === "desa")
      expect(m.desa.length).toBeGreaterThan(0); // fuzzy may offer, never crash
    else expect(["none", "kecamatan"]).toContain(m.kind);
  });
});
