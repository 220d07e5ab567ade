// Turns a FaqMatch into the text the bot sends, using the i18n texts (faq:*, knowledge:*).
import type { I18n, Lang } from "../i18n/index.js";
import type { FaqIndex } from "./match.js";
import type { FaqMatch } from "./types.js";

export interface FaqReply {
  text: string;
  /** Topic ids in the order they were numbered, when the bot asked "which one?". */
  choices?: string[];
  /** Topic whose "more" text can follow when the user answers "selengkapnya". */
  moreTopicId?: string;
}

/**
 * Reply in the language the question was written in, else the user's own language setting.
 * Danger topics start with the "go to the bidan/puskesmas now" line (Buku KIA tanda bahaya).
 */
export function renderFaqReply(i18n: I18n, index: FaqIndex, match: FaqMatch, userLang: Lang): FaqReply {
  const lang = match.lang ?? userLang;
  switch (match.kind) {
    case "none":
      return { text: i18n.t(lang, `knowledge:none.${match.reason}`) };
    case "choices": {
      const lines = match.topicIds.map((id, i) => i18n.t(lang, "knowledge:choices.item", { n: i + 1, title: i18n.t(lang, `faq:${id}.title`) }));
      return {
        text: [i18n.t(lang, "knowledge:choices.intro"), ...lines, i18n.t(lang, "knowledge:choices.none_of_these")].join("\n"),
        choices: match.topicIds,
      };
    }
    case "answer": {
      const topic = index.topics.get(match.topicId);
      const parts: string[] = [];
      if (match.danger) parts.push(i18n.t(lang, "knowledge:danger.prefix"));
      parts.push(`*${i18n.t(lang, `faq:${match.topicId}.title`)}*`, i18n.t(lang, `faq:${match.topicId}.answer`));
      const hasMore = i18n.exists(lang, `faq:${match.topicId}.more`);
      if (hasMore) parts.push(i18n.t(lang, "knowledge:more.hint"));
      if (topic?.source) parts.push(i18n.t(lang, "knowledge:source", { source: topic.source }));
      return { text: parts.join("\n\n"), ...(hasMore ? { moreTopicId: match.topicId } : {}) };
    }
  }
}
