// Public API of the growth-assessment engine (all pure; the CLI lives in cli.ts).
export { assessGrowth, type GrowthAssessment, type GrowthInput, type AgeProblem } from "./assess.js";
export {
  classifyAll,
  classifyBbu,
  classifyTbu,
  classifyWasting,
  statusKey,
  type NutritionStatus,
  type StatusBbu,
  type StatusIndex,
  type StatusTbu,
  type StatusWasting,
} from "./classify.js";
export {
  ageDaysFromMonths,
  ageInDays,
  completedMonths,
  computeZScores,
  correctLengthHeight,
  roundHalfUp,
  roundTo,
  type Flag,
  type Position,
  type WhoFlags,
  type ZScoreInput,
  type ZScoreResult,
  type ZScores,
} from "./zscore.js";
export { HEIGHT_FROM_DAY, MAX_AGE_DAYS, MAX_AGE_MONTHS, type Sex } from "./who-tables.js";
export { kbmGrams, weightGainStatus, type GrowthCode, type Weighing, type WeighingAssessment } from "./weight-gain.js";
export {
  isParseError,
  looksLikeReport,
  parseReport,
  parseReports,
  type KaderReport,
  type MeasuredOn,
  type ParseError,
  type ParseErrorCode,
  type ParseFlag,
  type ParseResult,
  type ReportField,
} from "./parse.js";
export {
  checkPlausibility,
  plausibilityKey,
  type PlausibilityCode,
  type PlausibilityContext,
  type PlausibilityWarning,
  type PreviousMeasurement,
} from "./plausibility.js";
export { OUTPUT_COLUMNS, assessRow } from "./batch.js";
