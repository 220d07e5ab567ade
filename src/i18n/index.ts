// i18next set up for Balanting's two languages. Texts live in locales/<lng>/<namespace>.json;
// a folder locales/<lng>/<namespace>/ holds more files merged into the same namespace (the FAQ
// is split this way so each content section can be reviewed on its own).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import i18next, { type i18n as I18nInstance } from "i18next";

export const LANGUAGES = ["id", "bjn"] as const;
export type Lang = (typeof LANGUAGES)[number];
export const DEFAULT_LANG: Lang = "id";

export const LOCALES_DIR = fileURLToPath(new URL("../../locales", import.meta.url));

export function isLang(value: unknown): value is Lang {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

type Tree = Record<string, unknown>;

function mergeInto(target: Tree, source: Tree, where: string): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (existing && typeof existing === "object" && value && typeof value === "object") {
      mergeInto(existing as Tree, value as Tree, `${where}.${key}`);
    } else if (existing !== undefined) {
      throw new Error(`duplicate locale key ${where}.${key}`);
    } else {
      target[key] = value;
    }
  }
}

/** Reads every namespace of one language from disk. */
export function readLocale(lang: string, dir = LOCALES_DIR): Record<string, Tree> {
  const base = join(dir, lang);
  const namespaces: Record<string, Tree> = {};
  if (!existsSync(base)) return namespaces;
  for (const entry of readdirSync(base).sort()) {
    const path = join(base, entry);
    if (entry.endsWith(".json")) {
      const ns = entry.slice(0, -".json".length);
      namespaces[ns] ??= {};
      mergeInto(namespaces[ns], JSON.parse(readFileSync(path, "utf8")) as Tree, `${lang}/${ns}`);
    } else if (statSync(path).isDirectory()) {
      namespaces[entry] ??= {};
      for (const file of readdirSync(path)
        .filter((f) => f.endsWith(".json"))
        .sort()) {
        const tree = JSON.parse(readFileSync(join(path, file), "utf8")) as Tree;
        mergeInto(namespaces[entry], tree, `${lang}/${entry}`);
      }
    }
  }
  return namespaces;
}

export type Translate = (lang: Lang, key: string, vars?: Record<string, unknown>) => string;

export interface I18n {
  t: Translate;
  /** True when the key exists in the language itself or in its fallback. */
  exists(lang: Lang, key: string): boolean;
  instance: I18nInstance;
}

/** Creates an isolated i18next instance (no global state, so tests can run side by side). */
export async function createI18n(dir = LOCALES_DIR): Promise<I18n> {
  const resources: Record<string, Record<string, Tree>> = {};
  for (const lang of LANGUAGES) resources[lang] = readLocale(lang, dir);
  const namespaces = [...new Set(Object.values(resources).flatMap((r) => Object.keys(r)))];
  const instance = i18next.createInstance();
  await instance.init({
    resources,
    lng: DEFAULT_LANG,
    supportedLngs: [...LANGUAGES],
    fallbackLng: { bjn: ["id"], default: ["id"] },
    ns: namespaces,
    defaultNS: "common",
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  // Intl has no plural rules for Banjar and would use the host locale's (English: one/other).
  // Banjar, like Indonesian, does not inflect for number, so give it Indonesian's rules.
  const resolver = instance.services.pluralResolver as unknown as {
    getRule: (code: string, options?: object) => Intl.PluralRules | undefined;
  };
  const getRule = resolver.getRule.bind(resolver);
  resolver.getRule = (code, options) => getRule(code === "bjn" ? "id" : code, options);

  return {
    instance,
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- i18next types t as maybe an object (returnObjects), which we never ask for
    t: (lang, key, vars) => instance.t(key, { lng: lang, ...vars }) as string,
    exists: (lang, key) => instance.exists(key, { lng: lang }),
  };
}
