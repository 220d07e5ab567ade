// The FAQ topics as written: src/knowledge/content/*.json, checked against their schema, with the
// titles from locales/<lng>/faq/*.json attached.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { LANGUAGES, LOCALES_DIR } from "../i18n/index.js";
import type { FaqTopic } from "./types.js";

export const CONTENT_DIR = fileURLToPath(new URL("./content", import.meta.url));

const perLang = z.object({ id: z.array(z.string().min(1)), bjn: z.array(z.string().min(1)) });
export const faqTopicSchema = z.object({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
  section: z.string().regex(/^[A-G]$/),
  danger: z.boolean(),
  source: z.string().min(1),
  keywords: perLang,
  examples: perLang,
});

/**
 * Reads every src/knowledge/content/*.json (sections A–G, written by different people) and attaches
 * the titles from locales/<lng>/faq/*.json so titles are searchable too.
 */
export function loadFaqTopics(dir: string = CONTENT_DIR, localesDir: string = LOCALES_DIR): FaqTopic[] {
  const topics: FaqTopic[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    const raw: unknown = JSON.parse(readFileSync(join(dir, file), "utf8"));
    const parsed = z.array(faqTopicSchema).safeParse(raw);
    if (!parsed.success) throw new Error(`invalid FAQ content ${file}: ${parsed.error.message}`);
    topics.push(...parsed.data);
  }
  const titles = readTitles(localesDir);
  return topics.map((t) => ({ ...t, titles: titles.get(t.id) ?? {} }));
}

function readTitles(localesDir: string): Map<string, FaqTopic["titles"]> {
  const out = new Map<string, NonNullable<FaqTopic["titles"]>>();
  for (const lang of LANGUAGES) {
    const faqDir = join(localesDir, lang, "faq");
    if (!existsSync(faqDir)) continue;
    for (const file of readdirSync(faqDir).filter((f) => f.endsWith(".json"))) {
      const tree = JSON.parse(readFileSync(join(faqDir, file), "utf8")) as Record<string, { title?: unknown }>;
      for (const [id, entry] of Object.entries(tree)) {
        if (typeof entry?.title !== "string") continue;
        const titles = out.get(id) ?? {};
        titles[lang] = entry.title;
        out.set(id, titles);
      }
    }
  }
  return out;
}
