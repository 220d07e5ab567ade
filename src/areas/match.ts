// Finds a desa or kecamatan from what a person typed ("paringin slatan", "btu piring"), forgiving
// typos, missing spaces and the Banjar habit of dropping or adding an initial h.
import MiniSearch from "minisearch";

export interface AreaName {
  code: string;
  level: "kabupaten" | "kecamatan" | "desa";
  parentCode: string | null;
  name: string;
}

export type AreaMatch =
  | { kind: "desa"; desa: AreaName[] } // best first; one entry = certain
  | { kind: "kecamatan"; kecamatan: AreaName; desa: AreaName[] }
  | { kind: "none" };

// A module constant: esbuild writes a \p{…} literal as new RegExp(…), built again on every call.
const MARKS = /\p{M}/gu;

function fold(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(MARKS, "")
    .replace(/\b(desa|kelurahan|kel|ds|kecamatan|kec|kampung)\b/g, " ")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

const squash = (s: string) => fold(s).replace(/\s+/g, "");

export class AreaMatcher {
  private readonly search: MiniSearch<AreaName & { id: string }>;
  private readonly byCode: Map<string, AreaName>;

  constructor(private readonly areas: AreaName[]) {
    this.byCode = new Map(areas.map((a) => [a.code, a]));
    this.search = new MiniSearch({
      fields: ["name"],
      storeFields: ["code"],
      processTerm: (term) => fold(term) || null,
      searchOptions: { fuzzy: 0.3, prefix: true, combineWith: "AND" },
    });
    this.search.addAll(areas.filter((a) => a.level !== "kabupaten").map((a) => ({ ...a, id: a.code })));
  }

  private desaOf(kecamatanCode: string): AreaName[] {
    return this.areas.filter((a) => a.level === "desa" && a.parentCode === kecamatanCode).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Interprets a typed place name. */
  match(text: string): AreaMatch {
    const typed = squash(text);
    if (typed.length < 3) return { kind: "none" };
    // Exact (ignoring spaces and case) wins outright; a desa named like its kecamatan
    // (Juai, Halong, Awayan …) is taken as the desa, with the kecamatan's other desa as alternatives.
    const exact = this.areas.filter((a) => a.level !== "kabupaten" && squash(a.name) === typed);
    const exactDesa = exact.filter((a) => a.level === "desa");
    if (exactDesa.length > 0) return { kind: "desa", desa: exactDesa };
    const exactKec = exact.find((a) => a.level === "kecamatan");
    if (exactKec) return { kind: "kecamatan", kecamatan: exactKec, desa: this.desaOf(exactKec.code) };

    let hits = this.search.search(fold(text));
    if (hits.length === 0) hits = this.search.search(fold(text), { combineWith: "OR" });
    if (hits.length === 0) return { kind: "none" };
    const top = hits[0];
    const best = top ? this.byCode.get(String(top.id)) : undefined;
    if (!best || !top) return { kind: "none" };
    if (best.level === "kecamatan") return { kind: "kecamatan", kecamatan: best, desa: this.desaOf(best.code) };
    // Keep the close runners-up so the person can pick when unsure.
    const close = hits
      .filter((h) => h.score >= top.score * 0.75)
      .map((h) => this.byCode.get(String(h.id)))
      .filter((a): a is AreaName => a?.level === "desa")
      .slice(0, 6);
    const certain = close.length === 1 || hits[1] === undefined || hits[1].score < top.score * 0.6;
    return { kind: "desa", desa: certain ? [best] : close };
  }
}
