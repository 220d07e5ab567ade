// Reports: the Pokja's monitoring figures (prevalence with coverage, trend, SKDN) over the registry.
export { reportRoutes } from "./routes.js";
export { publicRoutes, publicSummary, latestRound } from "./public.js";
export { prevalenceReport, skdnReport, trendReport, type Level, type PrevalenceReport, type PosyanduSkdn, type Skdn } from "./figures.js";
export * from "./stats.js";
