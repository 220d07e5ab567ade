// The templates WhatsApp Cloud sends outside the 24-hour window: the configured ones
// (WHATSAPP_CLOUD_TEMPLATES) with the Pokja's own list on top (whatsapp_templates, kept in the
// console), and the list's changes, each recorded in the audit log.
import { asc, eq } from "drizzle-orm";
import type { DbOrTx } from "../../db/client.js";
import { recordAudit, type AuditActor } from "../../platform/audit.js";
import { conflict, notFound, pgErrorCode, UNIQUE_VIOLATION } from "../../platform/errors.js";
import type { CloudTemplates } from "./outbound.js";
import { whatsappTemplates, type WhatsAppTemplateRow } from "./templates.sql.js";

/** The templates in force: the configured map, each row replacing its kind and language (a disabled row removing it). */
export function effectiveTemplates(
  configured: CloudTemplates,
  rows: readonly Pick<WhatsAppTemplateRow, "kind" | "lang" | "name" | "disabled">[],
): CloudTemplates {
  const out: CloudTemplates = {};
  for (const [kind, byLang] of Object.entries(configured)) out[kind] = { ...byLang };
  for (const r of rows) {
    const byLang = (out[r.kind] ??= {});
    if (r.disabled) delete byLang[r.lang];
    else byLang[r.lang] = r.name;
    if (!byLang.id && !byLang.bjn) delete out[r.kind];
  }
  return out;
}

export async function templateRows(db: DbOrTx): Promise<WhatsAppTemplateRow[]> {
  return db.select().from(whatsappTemplates).orderBy(asc(whatsappTemplates.kind), asc(whatsappTemplates.lang));
}

/** The templates in force now (one small query). */
export async function loadTemplates(db: DbOrTx, configured: CloudTemplates): Promise<CloudTemplates> {
  return effectiveTemplates(configured, await templateRows(db));
}

/** Bumped by every change made in this process: its senders read the list again at once. */
let changes = 0;

/**
 * The templates for every send, read again at most every `ttlMs` (a change made through another
 * instance reaches this one's sender within that time) and right after a change made here,
 * without a query per message.
 */
export function templateBook(
  load: () => Promise<CloudTemplates>,
  now: () => number = () => performance.now(),
  ttlMs = 30_000,
): () => Promise<CloudTemplates> {
  let cached: { at: number; seen: number; value: Promise<CloudTemplates> } | undefined;
  return () => {
    const t = now();
    if (!cached || cached.seen !== changes || t - cached.at >= ttlMs) {
      const value = load();
      cached = { at: t, seen: changes, value };
      // A failed read is not kept: the next send tries again.
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
    }
    return cached.value;
  };
}

export interface TemplateChange {
  actor: AuditActor;
  now: Date;
}

export async function addTemplate(
  db: DbOrTx,
  input: { kind: string; lang: "id" | "bjn"; name: string },
  c: TemplateChange,
): Promise<WhatsAppTemplateRow> {
  try {
    return await db
      .transaction(async (tx) => {
        const [row] = await tx
          .insert(whatsappTemplates)
          .values({ ...input, createdAt: c.now, updatedAt: c.now })
          .returning();
        await recordAudit(tx, {
          actor: c.actor,
          action: "whatsapp_template.create",
          entity: "whatsapp_template",
          entityId: row!.id,
          after: row,
          at: c.now,
        });
        return row!;
      })
      .finally(() => changes++);
  } catch (err) {
    if (pgErrorCode(err) === UNIQUE_VIOLATION)
      throw conflict("template_exists", "This kind and language has a template already; edit it instead");
    throw err;
  }
}

export async function editTemplate(
  db: DbOrTx,
  id: string,
  patch: { name?: string; disabled?: boolean; reason: string },
  c: TemplateChange,
): Promise<WhatsAppTemplateRow> {
  return db
    .transaction(async (tx) => {
      const [before] = await tx.select().from(whatsappTemplates).where(eq(whatsappTemplates.id, id)).for("update");
      if (!before) throw notFound("Template");
      const [after] = await tx
        .update(whatsappTemplates)
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
          updatedAt: c.now,
        })
        .where(eq(whatsappTemplates.id, id))
        .returning();
      const action =
        patch.disabled === true && !before.disabled
          ? "whatsapp_template.disable"
          : patch.disabled === false && before.disabled
            ? "whatsapp_template.enable"
            : "whatsapp_template.update";
      await recordAudit(tx, {
        actor: c.actor,
        action,
        entity: "whatsapp_template",
        entityId: id,
        before,
        after,
        reason: patch.reason,
        at: c.now,
      });
      return after!;
    })
    .finally(() => changes++);
}
