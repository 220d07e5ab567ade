// Who is looking at a report and which desa they chose: the caller's area (admin scope) and,
// optionally, only the desa lokus or only the other desa, so the two can be compared.
import { and, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { whereInScope, type ScopeColumns, type ScopePrincipal } from "../platform/scope.js";
import { desaLokus } from "./reports.sql.js";

export const LOKUS_FILTERS = ["only", "others"] as const;
export type LokusFilter = (typeof LOKUS_FILTERS)[number];

/** The caller's area, plus the desa lokus choice of the request. */
export type Viewer = ScopePrincipal & { lokus?: LokusFilter };

/** Limits rows to the viewer's area and, when asked, to the desa lokus or to the rest. */
export function reportScope(viewer: Viewer, columns: ScopeColumns & { desaCode: AnyColumn | SQL }): SQL {
  const area = whereInScope(viewer, columns);
  if (!viewer.lokus) return area;
  const lokus = sql`${columns.desaCode} in (select ${desaLokus.desaCode} from ${desaLokus})`;
  // A record without a desa is not in a lokus: it counts with the others.
  return and(area, viewer.lokus === "only" ? lokus : sql`not coalesce(${lokus}, false)`)!;
}
