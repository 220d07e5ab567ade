// The preview: both languages as one sample recipient gets them (variables filled from their
// record, footer and buttons), with the same rules as the queued texts (send.ts messageSql).
import { sql } from "drizzle-orm";
import { notFound } from "../platform/errors.js";
import { queryRows } from "../db/client.js";
import type { Lang } from "../i18n/index.js";
import type { Runtime } from "../runtime.js";
import { buttonsFor, renderText, textFor, type RecipientValues } from "./compose.js";
import type { Campaign } from "./manage.js";
import { audienceSql } from "./segment.js";
import { campaignTexts } from "./send.js";

export interface Preview {
  /** The sample recipient (null: nobody matches; the texts then show the fallbacks). */
  sample: { contactId: string; channel: string; lang: string; desaCode: string | null } | null;
  id: { text: string; buttons: { label: string; payload: string }[] };
  bjn: { text: string; buttons: { label: string; payload: string }[] };
  /** When messages go (quiet hours), for the person composing. */
  quietNote: { id: string; bjn: string };
}

/** Renders one language for a recipient's values. */
export function renderFor(
  rt: Runtime,
  c: Pick<Campaign, "textId" | "textBjn" | "sameForBoth" | "buttons">,
  lang: Lang,
  values: RecipientValues,
  runId = "00000000-0000-0000-0000-000000000000",
) {
  const texts = campaignTexts(rt, lang);
  const filled: RecipientValues = {
    ...values,
    posyandu_hari: values.posyandu_hari === null ? null : texts.dayText.replace("{{day}}", values.posyandu_hari),
  };
  const text = `${renderText(textFor(c.sameForBoth ? { textId: c.textId, textBjn: null } : c, lang), filled, texts.fallbacks)}\n\n${texts.footer}`;
  return { text, buttons: buttonsFor(c.buttons, lang, runId) };
}

const quietNote = (rt: Runtime, lang: Lang) =>
  rt.i18n.t(lang, "campaigns:quiet_note", {
    start: String(rt.config.QUIET_HOURS_START).padStart(2, "0"),
    end: String(rt.config.QUIET_HOURS_END).padStart(2, "0"),
  });

export async function previewCampaign(rt: Runtime, c: Campaign, contactId?: string): Promise<Preview> {
  const audience = audienceSql(c.area, c.segment, { now: rt.clock.now(), zone: rt.config.TIMEZONE });
  const [row] = await queryRows<{
    contact_id: string;
    channel: string;
    lang: string;
    desa_code: string | null;
    desa: string | null;
    kecamatan: string | null;
    posyandu: string | null;
    day: number | null;
    child: string | null;
  }>(
    rt.db,
    sql`select a.contact_id, a.channel, a.lang, a.desa_code, d.name as desa, kc.name as kecamatan, py.name as posyandu, py.day_of_month as day,
          (select k.name from children k where k.parent_contact_id = a.contact_id and k.reminders_stopped_at is null order by k.birth_date desc, k.id limit 1) as child
        from (${audience}) a join contacts c on c.id = a.contact_id
          left join areas d on d.code = a.desa_code left join areas kc on kc.code = substr(a.desa_code, 1, 8)
          left join posyandu py on py.id = c.posyandu_id
        ${contactId ? sql`where a.contact_id = ${contactId}` : sql``}
        order by a.contact_id limit 1`,
  );
  if (contactId && !row) throw notFound("Recipient in this campaign's audience");
  const values: RecipientValues = {
    nama_desa: row?.desa ?? null,
    nama_kecamatan: row?.kecamatan ?? null,
    nama_posyandu: row?.posyandu ?? null,
    posyandu_hari: row?.day === null || row?.day === undefined ? null : String(row.day),
    nama_anak: row?.child ?? null,
  };
  return {
    sample: row ? { contactId: row.contact_id, channel: row.channel, lang: row.lang, desaCode: row.desa_code } : null,
    id: renderFor(rt, c, "id", values),
    bjn: renderFor(rt, c, "bjn", values),
    quietNote: { id: quietNote(rt, "id"), bjn: quietNote(rt, "bjn") },
  };
}
