// `npm ci` on the Node version README names (20) must print no EBADENGINE warning: no locked
// package may require a newer Node. (cookie 2 and content-disposition 3 need Node ≥ 22; package.json
// `overrides` pins them to their Node-18+ majors with the same API.)
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const lock = JSON.parse(readFileSync(new URL("../../package-lock.json", import.meta.url), "utf8")) as {
  packages: Record<string, { engines?: { node?: string } | string[]; dev?: boolean; optional?: boolean }>;
};
const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { engines: { node: string } };

/** The lowest major a range like ">=22", "^22.0.0 || >=24" or "18 || 20 || >=22" admits. */
function admitsNode20(range: string): boolean {
  return range.split("||").some((part) => {
    const p = part.trim();
    if (p === "" || p === "*" || p === "x") return true;
    const m = /^(>=|\^|~|>)?\s*v?(\d+)/.exec(p);
    if (!m) return true;
    const major = Number(m[2]);
    if (m[1] === ">=" || m[1] === ">") return major <= 20;
    return major === 20; // "20", "^20.x", "~20.1"
  });
}

describe("Node engines", () => {
  it("README's Node version is the one package.json asks for", () => {
    expect(pkg.engines.node).toMatch(/^>=20/);
  });

  it("every locked package runs on Node 20", () => {
    const tooNew = Object.entries(lock.packages)
      .filter(([name]) => name !== "")
      .filter(([, p]) => p.engines && !Array.isArray(p.engines) && p.engines.node && !admitsNode20(p.engines.node))
      .map(([name, p]) => `${name} (${(p.engines as { node: string }).node})`);
    expect(tooNew).toEqual([]);
  });
});
