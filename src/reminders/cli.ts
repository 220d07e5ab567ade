// Preview of a family's reminder programme, one JSON object per line, sorted by due date.
//   npm run --silent schedule -- --hpht 2026-03-01 [--posyandu-day 12] [--hb-low] [--lang bjn]
//   npm run --silent schedule -- --hpl 2026-12-06
//   npm run --silent schedule -- --birth 2026-05-10 [--sex L|P] [--posyandu-day 12] [--name Ahmad]
// Bad arguments: one line on stderr, exit code 2.
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createI18n, isLang, type Lang } from "../i18n/index.js";
import { isLocalDate } from "./dates.js";
import { renderReminder } from "./render.js";
import { hphtFromHpl, planChild, planPostnatal, planPregnancy, sortPlan, type PlannedReminder, type Sex } from "./schedule.js";

export class UsageError extends Error {}

const USAGE =
  "usage: schedule (--hpht DATE | --hpl DATE | --birth DATE [--sex L|P]) [--posyandu-day 1-31] [--hb-low] [--from DATE] [--name NAME] [--lang id|bjn]";

export interface CliRequest {
  lang: Lang;
  name?: string;
  plan: PlannedReminder[];
}

export function parseCli(argv: string[]): CliRequest {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        hpht: { type: "string" },
        hpl: { type: "string" },
        birth: { type: "string" },
        sex: { type: "string" },
        "posyandu-day": { type: "string" },
        "hb-low": { type: "boolean" },
        from: { type: "string" },
        name: { type: "string" },
        lang: { type: "string" },
      },
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split("\n")[0]}; ${USAGE}`);
  }
  const anchors = (["hpht", "hpl", "birth"] as const).filter((k) => values[k] !== undefined);
  if (anchors.length !== 1) throw new UsageError(`give exactly one of --hpht, --hpl, --birth; ${USAGE}`);
  const lang = values.lang ?? "id";
  if (!isLang(lang)) throw new UsageError(`--lang must be id or bjn, got "${lang}"`);
  for (const k of ["hpht", "hpl", "birth", "from"] as const) {
    const v = values[k];
    if (v !== undefined && !isLocalDate(v)) throw new UsageError(`--${k} must be a real date YYYY-MM-DD, got "${v}"`);
  }
  let posyanduDay: number | undefined;
  if (values["posyandu-day"] !== undefined) {
    const raw = values["posyandu-day"];
    posyanduDay = /^\d{1,2}$/.test(raw) ? Number(raw) : NaN;
    if (!(posyanduDay >= 1 && posyanduDay <= 31)) throw new UsageError(`--posyandu-day must be a day of month 1–31, got "${raw}"`);
  }
  const fromDate = values.from;

  if (values.birth !== undefined) {
    if (values["hb-low"]) throw new UsageError("--hb-low applies to a pregnancy (--hpht/--hpl), not --birth");
    let sex: Sex | undefined;
    if (values.sex !== undefined) {
      const s = values.sex.toUpperCase();
      if (s !== "L" && s !== "P") throw new UsageError(`--sex must be L or P, got "${values.sex}"`);
      sex = s;
    }
    const plan = sortPlan([
      ...planChild({ birthDate: values.birth, sex, posyanduDay, fromDate }),
      ...planPostnatal({ birthDate: values.birth, fromDate }),
    ]);
    return { lang, name: values.name, plan };
  }
  if (values.sex !== undefined) throw new UsageError("--sex applies to --birth only");
  const hpht = values.hpht ?? hphtFromHpl(values.hpl!);
  return { lang, name: values.name, plan: planPregnancy({ hpht, posyanduDay, hbLow: values["hb-low"] ?? false, fromDate }) };
}

export async function main(argv: string[]): Promise<number> {
  let request: CliRequest;
  try {
    request = parseCli(argv);
  } catch (e) {
    process.stderr.write(`schedule: ${(e as Error).message}\n`);
    return 2;
  }
  const i18n = await createI18n();
  const lines = request.plan.map((r) =>
    JSON.stringify({
      key: r.ruleKey,
      kind: r.kind,
      due: r.due,
      until: r.until,
      text: renderReminder(i18n, request.lang, r, { name: request.name }),
      occurrence: r.occurrence,
    }),
  );
  process.stdout.write(lines.length ? `${lines.join("\n")}\n` : "");
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`schedule: ${(e as Error).message ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
