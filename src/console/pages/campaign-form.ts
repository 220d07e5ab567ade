// Reading the compose form into the body /api/v1/campaigns takes; the API validates the rest.
import { DateTime } from "luxon";
import { MAX_BUTTONS } from "../../campaigns/compose.js";

export type Form = Record<string, unknown>;
const textOf = (form: Form, k: string) => (typeof form[k] === "string" ? form[k].trim() : "");
const manyOf = (form: Form, k: string) =>
  (Array.isArray(form[k]) ? (form[k] as unknown[]) : form[k] === undefined ? [] : [form[k]]).filter(
    (v): v is string => typeof v === "string" && v !== "",
  );
/** A whole number from a field; other text goes to the API as it is, so its validation names the field. */
const integerOf = (form: Form, k: string): number | string | undefined => {
  const v = textOf(form, k);
  return v === "" ? undefined : /^\d{1,6}$/.test(v) ? Number(v) : v;
};
/** Drops the keys left undefined. */
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The segment from the form's filters (only those filled in). */
export function segmentFromForm(form: Form): Record<string, unknown> {
  const segment: Record<string, unknown> = {};
  const list = (key: string, values: unknown[]) => {
    if (values.length) segment[key] = values;
  };
  list("kecamatanCodes", textOf(form, "kecamatan") ? [textOf(form, "kecamatan")] : []);
  list("desaCodes", textOf(form, "desa") ? [textOf(form, "desa")] : []);
  list("roles", manyOf(form, "roles"));
  list("langs", manyOf(form, "langs"));
  list("channels", manyOf(form, "channels"));
  const pregnancy = defined({
    trimesters: manyOf(form, "trimesters").length ? manyOf(form, "trimesters").map((v) => (/^\d$/.test(v) ? Number(v) : v)) : undefined,
    weeksMin: integerOf(form, "weeksMin"),
    weeksMax: integerOf(form, "weeksMax"),
  });
  if (Object.keys(pregnancy).length) segment.pregnancy = pregnancy;
  const age = defined({ min: integerOf(form, "ageMin"), max: integerOf(form, "ageMax") });
  if (Object.keys(age).length) segment.childAgeMonths = age;
  list("childGrowth", manyOf(form, "growth"));
  const notMeasured = integerOf(form, "notMeasured");
  if (notMeasured !== undefined) segment.childNotMeasuredMonths = notMeasured;
  if (textOf(form, "registeredSince")) segment.registeredSince = textOf(form, "registeredSince");
  const notSeen = integerOf(form, "notSeenDays");
  if (notSeen !== undefined) segment.notSeenDays = notSeen;
  if (form.excludeInDialogue === "on") segment.excludeInDialogue = true;
  return segment;
}

/** Up to three buttons: a reply choice or an FAQ topic, labelled in Indonesian (Banjar optional). */
function buttonsFromForm(form: Form): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 1; i <= MAX_BUTTONS; i++) {
    const kind = textOf(form, `b${i}kind`);
    if (kind !== "reply" && kind !== "faq") continue;
    const label = defined({ id: textOf(form, `b${i}id`), bjn: textOf(form, `b${i}bjn`) || undefined });
    out.push(kind === "faq" ? { kind, topicId: textOf(form, `b${i}topic`), label } : { kind, label });
  }
  return out;
}

/** When it goes: when "Kirim" is pressed, once at a local time, or repeating (times are WITA, the service's TIMEZONE). */
function timingFromForm(form: Form, zone: string): Record<string, unknown> {
  const when = textOf(form, "when");
  if (when === "at") {
    const local = DateTime.fromISO(textOf(form, "sendAt"), { zone });
    // An unreadable time goes to the API as it is (it answers validation_failed for sendAt).
    return { sendAt: local.isValid ? local.toUTC().toISO({ suppressMilliseconds: true }) : textOf(form, "sendAt") || "?" };
  }
  if (when === "repeat") {
    const every = textOf(form, "every");
    return {
      repeat: defined({
        every,
        weekdays:
          every === "weekly" && manyOf(form, "weekdays").length
            ? manyOf(form, "weekdays").map((v) => (/^\d$/.test(v) ? Number(v) : v))
            : undefined,
        dayOfMonth: every === "monthly" ? integerOf(form, "dayOfMonth") : undefined,
        time: textOf(form, "time"),
        from: textOf(form, "from") || undefined,
        until: textOf(form, "until"),
      }),
    };
  }
  return {};
}

/** The API's campaign body from the compose form; the API checks the rest (unknown variables, area, quiet hours). */
export function campaignFromForm(form: Form, zone = "Asia/Makassar"): Record<string, unknown> {
  const same = form.sameForBoth === "on";
  const buttons = buttonsFromForm(form);
  return {
    name: textOf(form, "name"),
    textId: textOf(form, "textId"),
    ...(same ? { sameForBoth: true } : { textBjn: textOf(form, "textBjn") || null }),
    ...(buttons.length ? { buttons } : {}),
    segment: segmentFromForm(form),
    ...timingFromForm(form, zone),
  };
}
