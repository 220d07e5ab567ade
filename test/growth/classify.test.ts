import { describe, expect, it } from "vitest";
import { classifyAll, classifyBbu, classifyTbu, classifyWasting } from "../../src/growth/classify.js";

// Permenkes 2/2020: "< −3 SD" | "−3 SD sd < −2 SD" | "−2 SD sd +1 SD" (or +3 for TB/U) | "> …".
describe("TB/U (PB/U)", () => {
  it.each([
    [-3.01, "severely-stunted"],
    [-3, "stunted"],
    [-2.01, "stunted"],
    [-2, "normal"],
    [0, "normal"],
    [3, "normal"],
    [3.01, "tall"],
  ])("z = %s → %s", (z, code) => expect(classifyTbu(z)).toBe(code));
});

describe("BB/U", () => {
  it.each([
    [-3.01, "severely-underweight"],
    [-3, "underweight"],
    [-2.01, "underweight"],
    [-2, "normal"],
    [1, "normal"],
    [1.01, "risk-of-overweight"],
    [4, "risk-of-overweight"],
  ])("z = %s → %s", (z, code) => expect(classifyBbu(z)).toBe(code));
});

describe("BB/PB, BB/TB and IMT/U (0–60 months)", () => {
  it.each([
    [-3.01, "severely-wasted"],
    [-3, "wasted"],
    [-2.01, "wasted"],
    [-2, "normal"],
    [1, "normal"],
    [1.01, "possible-risk-of-overweight"],
    [2, "possible-risk-of-overweight"],
    [2.01, "overweight"],
    [3, "overweight"],
    [3.01, "obese"],
  ])("z = %s → %s", (z, code) => expect(classifyWasting(z)).toBe(code));
});

it("returns null for a missing z-score", () => {
  expect(classifyTbu(null)).toBeNull();
  expect(classifyWasting(Number.NaN)).toBeNull();
  expect(classifyAll({ zlen: -2.5, zwei: null, zwfl: 0, zbmi: 3.5 })).toEqual({ tbu: "stunted", bbu: null, bbtb: "normal", imtu: "obese" });
});
