// The FAQ a runtime answers from: the reviewed files plus the Pokja's database overrides. Built
// once at start, rebuilt when an override changes here, and refreshed by a job so that changes
// made on another instance arrive within a minute, with no redeploy.
import { count, max } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { LANGUAGES } from "../i18n/index.js";
import type { Runtime } from "../runtime.js";
import { loadFaqTopics } from "./content.js";
import { buildFaqIndex, type FaqIndex } from "./match.js";
import { faqOverrides } from "./overrides.sql.js";
import type { FaqTopic } from "./types.js";

export interface Knowledge {
  index: FaqIndex;
  topics: Map<string, FaqTopic>;
  /** Count and newest change of the overrides seen (to skip rebuilding when nothing changed). */
  version: string;
}

type Bundle = Record<string, unknown>;

const cache = new WeakMap<Runtime, Knowledge>();
/** The texts from locales/<lng>/faq, before any override was laid over them. */
const fileTexts = new WeakMap<Runtime, Record<string, Bundle>>();
const fileTopics = new WeakMap<Runtime, FaqTopic[]>();

function build(topics: FaqTopic[], version: string): Knowledge {
  return { index: buildFaqIndex(topics), topics: new Map(topics.map((t) => [t.id, t])), version };
}

function baseTopics(rt: Runtime): FaqTopic[] {
  let topics = fileTopics.get(rt);
  if (!topics) {
    topics = loadFaqTopics();
    fileTopics.set(rt, topics);
  }
  return topics;
}

/** The runtime's FAQ (files only until the first refresh). */
export function knowledgeOf(rt: Runtime): Knowledge {
  let k = cache.get(rt);
  if (!k) {
    k = build(baseTopics(rt), "0:0");
    cache.set(rt, k);
  }
  return k;
}

/** Reloads overrides from the database when they changed; returns true when rebuilt. */
export async function refreshKnowledge(rt: Runtime, db: DbOrTx = rt.db, force = false): Promise<boolean> {
  // A deletion lowers the count even when the newest change stays the same.
  const [latest] = await db.select({ n: count(), at: max(faqOverrides.updatedAt) }).from(faqOverrides);
  const version = `${latest?.n ?? 0}:${latest?.at ? new Date(latest.at).getTime() : 0}`;
  // Not knowledgeOf(rt): at start that would build the files-only FAQ just to be replaced here.
  if (!force && version === cache.get(rt)?.version) return false;

  const overrides = await db.select().from(faqOverrides);
  const byId = new Map(overrides.map((o) => [o.topicId, o]));
  const topics: FaqTopic[] = baseTopics(rt).filter((t) => !byId.has(t.id));
  for (const o of overrides) {
    if (o.disabled) continue;
    topics.push({
      id: o.topicId,
      section: o.section,
      danger: o.danger,
      source: o.source,
      keywords: o.keywords,
      examples: o.examples,
      titles: { id: o.texts.id.title, bjn: o.texts.bjn.title },
    });
  }

  // Texts: the files' faq namespace with the overrides laid over it, per language.
  const i18n = rt.i18n.instance;
  let originals = fileTexts.get(rt);
  if (!originals) {
    originals = Object.fromEntries(LANGUAGES.map((lang) => [lang, structuredClone(i18n.getResourceBundle(lang, "faq") ?? {}) as Bundle]));
    fileTexts.set(rt, originals);
  }
  for (const lang of LANGUAGES) {
    const merged: Bundle = structuredClone(originals[lang] ?? {});
    for (const o of overrides) merged[o.topicId] = { ...o.texts[lang] };
    i18n.removeResourceBundle(lang, "faq");
    i18n.addResourceBundle(lang, "faq", merged, true, true);
  }
  cache.set(rt, build(topics, version));
  return true;
}

/** Picks up FAQ changes made on other instances. */
export const faqRefreshJob = {
  name: "faq-refresh",
  schedule: "* * * * *",
  async run(rt: Runtime) {
    return { rebuilt: (await refreshKnowledge(rt)) ? 1 : 0 };
  },
};
