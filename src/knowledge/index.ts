// Public API of the FAQ knowledge base: load topics, build the index once, match questions.
export { CONTENT_DIR, faqTopicSchema, loadFaqTopics } from "./content.js";
export { buildFaqIndex, matchQuestion, rankTopics, hasDangerWords, MATCH_TUNING } from "./match.js";
export { isQuestionLike } from "./question.js";
export { findDangerSign, type DangerFinding, type DangerTopicId } from "./danger.js";
export type { FaqIndex } from "./match.js";
export { normalizeText, normalizeTokens } from "./normalize.js";
export { detectLanguage } from "./language.js";
export { faqRefreshJob, knowledgeOf, refreshKnowledge, type Knowledge } from "./base.js";
export { faqOverrides, type TopicTexts } from "./overrides.sql.js";
export type { FaqMatch, FaqTopic, NoneReason } from "./types.js";
