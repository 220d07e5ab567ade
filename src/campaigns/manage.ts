// A campaign's life: draft → (awaiting approval →) approved → scheduled / running ⇄ paused →
// done, or cancelled at any point before done. Every step is audited in its transaction; editing
// after approval asks for approval again. Who may: pokja_admin, puskesmas and bidan, within
// their area; another pokja_admin approves.
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { principalOf } from "../admin/accounts.js";
import { recordAudit } from "../platform/audit.js";
import type { StaffAccount } from "../admin/auth.js";
import { badField, conflict, forbidden, invalidFields, notFound } from "../platform/errors.js";
import { actorOf } from "../platform/http/auth.js";
import { desaInScope, posyanduInScope } from "../platform/scope.js";
import type { DbOrTx } from "../db/client.js";
import type { Runtime } from "../runtime.js";
import { campaignRuns, campaigns, type CampaignStatus } from "./campaigns.sql.js";
import { checkMessage, type CampaignButton, type CampaignRepeat } from "./compose.js";
import { checkRepeat } from "./schedule.js";
import { namesNoArea, type Segment } from "./segment.js";
import {
  announceStop,
  campaignSettings,
  freezeRun,
  queueRun,
  stopCommitted,
  withdrawQueued,
  type FrozenRun,
  type SentTexts,
} from "./send.js";

export type Campaign = typeof campaigns.$inferSelect;

export const CAMPAIGN_ROLES = ["pokja_admin", "puskesmas", "bidan"] as const;

export interface CampaignInput {
  name: string;
  textId: string;
  textBjn?: string | null;
  sameForBoth?: boolean;
  buttons?: CampaignButton[];
  segment?: Segment;
  sendAt?: string | null;
  repeat?: CampaignRepeat | null;
}

/** Only campaign roles; a kader has no campaigns. */
export function requireCampaignRole(staff: StaffAccount): void {
  if (!(CAMPAIGN_ROLES as readonly string[]).includes(staff.role))
    throw forbidden("Campaigns are for pokja_admin, puskesmas and bidan accounts");
}

/** A campaign the caller may see: every one for a pokja_admin, their own for others. Else 404. */
export async function campaignFor(db: DbOrTx, staff: StaffAccount, id: string): Promise<Campaign> {
  requireCampaignRole(staff);
  const [row] = await db
    .select()
    .from(campaigns)
    .where(and(eq(campaigns.id, id), staff.role === "pokja_admin" ? undefined : eq(campaigns.createdBy, staff.id)));
  if (!row) throw notFound("Campaign");
  return row;
}

export async function listCampaigns(db: DbOrTx, staff: StaffAccount, page: { limit: number; offset: number }) {
  requireCampaignRole(staff);
  const where = staff.role === "pokja_admin" ? undefined : eq(campaigns.createdBy, staff.id);
  const items = await db
    .select()
    .from(campaigns)
    .where(where)
    .orderBy(desc(campaigns.createdAt), desc(campaigns.id))
    .limit(page.limit)
    .offset(page.offset);
  const [total] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(campaigns)
    .where(where);
  return { items, total: Number(total?.n ?? 0) };
}

/** Places named in a segment must lie in the caller's area (a bidan cannot name another desa). */
async function checkSegmentArea(db: DbOrTx, staff: StaffAccount, s: Segment): Promise<void> {
  const principal = principalOf(staff);
  for (const [i, code] of (s.desaCodes ?? []).entries()) {
    if (!(await desaInScope(db, principal, code))) throw badField(`body.segment.desaCodes[${i}]`, "is outside your area");
  }
  for (const [i, id] of (s.posyanduIds ?? []).entries()) {
    if (!(await posyanduInScope(db, principal, id))) throw badField(`body.segment.posyanduIds[${i}]`, "is outside your area");
  }
}

function validate(rt: Runtime, input: Required<Pick<CampaignInput, "textId">> & CampaignInput): void {
  const problems = checkMessage({
    textId: input.textId,
    textBjn: input.textBjn ?? null,
    sameForBoth: input.sameForBoth ?? false,
    buttons: input.buttons ?? [],
  });
  if (input.repeat) problems.push(...checkRepeat(input.repeat, campaignSettings(rt.config).quiet));
  if (input.repeat && input.sendAt)
    problems.push({ field: "body.sendAt", reason: "cannot be given with repeat (repeat has its own time)" });
  const first = problems[0];
  if (first) throw invalidFields(`${first.field} ${first.reason}`, problems);
}

/** Whether sending needs a second pokja_admin's approval (CAMPAIGN_APPROVAL). */
function needsApproval(rt: Runtime, regencyWide: boolean): boolean {
  const rule = campaignSettings(rt.config).approval;
  return rule === "all" || (rule === "regency" && regencyWide);
}

export async function createCampaign(rt: Runtime, staff: StaffAccount, input: CampaignInput): Promise<Campaign> {
  requireCampaignRole(staff);
  validate(rt, input);
  const segment = input.segment ?? {};
  await checkSegmentArea(rt.db, staff, segment);
  const now = rt.clock.now();
  const regencyWide = staff.role === "pokja_admin" && namesNoArea(segment);
  return rt.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(campaigns)
      .values({
        name: input.name,
        textId: input.textId,
        textBjn: input.sameForBoth ? null : (input.textBjn ?? null),
        sameForBoth: input.sameForBoth ?? false,
        buttons: input.buttons ?? [],
        segment,
        area: principalOf(staff),
        regencyWide,
        needsApproval: needsApproval(rt, regencyWide),
        sendAt: input.sendAt ? new Date(input.sendAt) : null,
        repeat: input.repeat ?? null,
        createdBy: staff.id,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await recordAudit(tx, { actor: actorOf(staff), action: "campaign.create", entity: "campaign", entityId: row!.id, after: row, at: now });
    return row!;
  });
}

const EDITABLE: CampaignStatus[] = ["draft", "awaiting_approval", "approved", "scheduled"];

/** Edits a campaign not yet sent; an approval given before is void (approved again after the change). */
export async function editCampaign(rt: Runtime, staff: StaffAccount, id: string, patch: Partial<CampaignInput>): Promise<Campaign> {
  const before = await campaignFor(rt.db, staff, id);
  if (!EDITABLE.includes(before.status)) throw conflict("not_editable", `A ${before.status} campaign cannot be edited`);
  const merged = {
    name: patch.name ?? before.name,
    textId: patch.textId ?? before.textId,
    sameForBoth: patch.sameForBoth ?? before.sameForBoth,
    textBjn: patch.textBjn !== undefined ? patch.textBjn : patch.sameForBoth ? null : before.textBjn,
    buttons: patch.buttons ?? before.buttons,
    segment: patch.segment ?? before.segment,
    sendAt: patch.sendAt !== undefined ? patch.sendAt : (before.sendAt?.toISOString() ?? null),
    repeat: patch.repeat !== undefined ? patch.repeat : before.repeat,
  };
  validate(rt, merged);
  await checkSegmentArea(rt.db, staff, merged.segment);
  const regencyWide = before.area.role === "pokja_admin" && namesNoArea(merged.segment);
  const now = rt.clock.now();
  return rt.db.transaction(async (tx) => {
    const [row] = await tx
      .update(campaigns)
      .set({
        ...merged,
        textBjn: merged.sameForBoth ? null : merged.textBjn,
        sendAt: merged.sendAt ? new Date(merged.sendAt) : null,
        regencyWide,
        needsApproval: needsApproval(rt, regencyWide),
        status: "draft",
        approvedBy: null,
        approvedAt: null,
        updatedAt: now,
      })
      .where(and(eq(campaigns.id, id), inArray(campaigns.status, EDITABLE)))
      .returning();
    if (!row) throw conflict("not_editable", "The campaign changed meanwhile; load it again");
    await recordAudit(tx, {
      actor: actorOf(staff),
      action: "campaign.edit",
      entity: "campaign",
      entityId: id,
      before,
      after: row,
      at: now,
    });
    return row;
  });
}

/** Moves a campaign from one status to another in a transaction with its audit entry. */
async function transition(
  rt: Runtime,
  staff: StaffAccount,
  c: Campaign,
  from: CampaignStatus[],
  to: CampaignStatus,
  action: string,
  extra: Partial<typeof campaigns.$inferInsert> = {},
  inTx?: (tx: DbOrTx) => Promise<object | void>,
): Promise<{ campaign: Campaign; detail: object | void }> {
  if (!from.includes(c.status)) throw conflict("wrong_status", `A ${c.status} campaign cannot be ${action}`);
  const now = rt.clock.now();
  return rt.db.transaction(async (tx) => {
    const [row] = await tx
      .update(campaigns)
      .set({ status: to, updatedAt: now, ...extra })
      .where(and(eq(campaigns.id, c.id), eq(campaigns.status, c.status)))
      .returning();
    if (!row) throw conflict("wrong_status", "The campaign changed meanwhile; load it again");
    const detail = await inTx?.(tx);
    await recordAudit(tx, {
      actor: actorOf(staff),
      action: `campaign.${action}`,
      entity: "campaign",
      entityId: c.id,
      before: { status: c.status },
      after: { status: to, ...(detail ?? {}) },
      at: now,
    });
    return { campaign: row, detail };
  });
}

/** Ready: to approval when the rule asks for it, else approved at once. */
export async function submitCampaign(rt: Runtime, staff: StaffAccount, id: string) {
  const c = await campaignFor(rt.db, staff, id);
  return transition(rt, staff, c, ["draft"], c.needsApproval ? "awaiting_approval" : "approved", "submit");
}

/** Another pokja_admin approves (never the creator). */
export async function approveCampaign(rt: Runtime, staff: StaffAccount, id: string) {
  if (staff.role !== "pokja_admin") throw forbidden("Only a pokja_admin approves campaigns");
  const c = await campaignFor(rt.db, staff, id);
  if (c.createdBy === staff.id) throw forbidden("A campaign is approved by another pokja_admin than its creator");
  return transition(rt, staff, c, ["awaiting_approval"], "approved", "approve", { approvedBy: staff.id, approvedAt: rt.clock.now() });
}

/** The texts a run sends (Banjar speakers get the Indonesian text with sameForBoth). */
export const sentTexts = (c: Campaign): SentTexts => ({
  textId: c.textId,
  textBjn: c.sameForBoth ? c.textId : (c.textBjn ?? c.textId),
  buttons: c.buttons,
});

/** Starts an occurrence's run: freeze in a transaction with the status change and audit, then queue. */
export async function startRun(rt: Runtime, c: Campaign, occurrence: string, staff?: StaffAccount): Promise<FrozenRun | null> {
  const now = rt.clock.now();
  const sent = sentTexts(c);
  const frozen = await rt.db.transaction(async (tx) => {
    const run = await freezeRun(rt, tx, c, occurrence, sent);
    if (!run) return null;
    await tx
      .update(campaigns)
      .set({ status: "running", updatedAt: now })
      .where(and(eq(campaigns.id, c.id), inArray(campaigns.status, ["approved", "scheduled", "running"])));
    // The text actually sent is kept with the run and in the log.
    await recordAudit(tx, {
      actor: staff ? actorOf(staff) : { kind: "system" },
      action: "campaign.send",
      entity: "campaign",
      entityId: c.id,
      after: { runId: run.runId, occurrence, recipients: run.recipients, noTemplate: run.noTemplate, ...sent },
      at: now,
    });
    return run;
  });
  if (frozen) await queueRun(rt, frozen.runId, sent);
  return frozen;
}

/** Send now, at a time, or (repeating) on its days. */
export async function sendCampaign(rt: Runtime, staff: StaffAccount, id: string, at?: string) {
  const c = await campaignFor(rt.db, staff, id);
  if (c.status !== "approved") {
    throw conflict(
      "wrong_status",
      c.status === "awaiting_approval" ? "The campaign waits for approval by another pokja_admin" : `A ${c.status} campaign cannot be sent`,
    );
  }
  const when = at ? new Date(at) : c.sendAt;
  if (c.repeat || (when && when > rt.clock.now())) {
    const { campaign } = await transition(rt, staff, c, ["approved"], "scheduled", "schedule", when && !c.repeat ? { sendAt: when } : {});
    return { campaign, run: null };
  }
  const run = await startRun(rt, c, rt.clock.now().toISOString(), staff);
  return { campaign: await campaignFor(rt.db, staff, id), run };
}

const runsOf = async (db: DbOrTx, campaignId: string, status: string[]) =>
  (
    await db
      .select({ id: campaignRuns.id })
      .from(campaignRuns)
      .where(and(eq(campaignRuns.campaignId, campaignId), inArray(campaignRuns.status, status as never[])))
  ).map((r) => r.id);

// Pause and cancel take effect at once: after the commit, rows already cleared to go are checked
// again before sending (in this process at once, elsewhere on the NOTIFY).
export async function pauseCampaign(rt: Runtime, staff: StaffAccount, id: string) {
  const c = await campaignFor(rt.db, staff, id);
  const result = await transition(rt, staff, c, ["running", "scheduled"], "paused", "pause", {}, async (tx) => {
    const runs = await runsOf(tx, id, ["running"]);
    if (runs.length) await tx.update(campaignRuns).set({ status: "paused" }).where(inArray(campaignRuns.id, runs));
    await announceStop(tx);
    return { withdrawn: await withdrawQueued(tx, runs, "pending") };
  });
  stopCommitted();
  return result;
}

export async function resumeCampaign(rt: Runtime, staff: StaffAccount, id: string) {
  const c = await campaignFor(rt.db, staff, id);
  const paused = await runsOf(rt.db, id, ["paused"]);
  // A repeating campaign paused between runs goes back to waiting for its next day.
  const to = paused.length || !c.repeat ? "running" : "scheduled";
  const result = await transition(rt, staff, c, ["paused"], to, "resume", {}, async (tx) => {
    if (paused.length) await tx.update(campaignRuns).set({ status: "running" }).where(inArray(campaignRuns.id, paused));
  });
  const runs = paused.length ? await rt.db.select().from(campaignRuns).where(inArray(campaignRuns.id, paused)) : [];
  for (const run of runs) await queueRun(rt, run.id, run.sent);
  return result;
}

export async function cancelCampaign(rt: Runtime, staff: StaffAccount, id: string) {
  const c = await campaignFor(rt.db, staff, id);
  const result = await transition(
    rt,
    staff,
    c,
    ["draft", "awaiting_approval", "approved", "scheduled", "running", "paused"],
    "cancelled",
    "cancel",
    {},
    async (tx) => {
      const runs = await runsOf(tx, id, ["running", "paused"]);
      if (runs.length)
        await tx.update(campaignRuns).set({ status: "cancelled", finishedAt: rt.clock.now() }).where(inArray(campaignRuns.id, runs));
      await announceStop(tx);
      return { withdrawn: await withdrawQueued(tx, runs, "cancelled") };
    },
  );
  stopCommitted();
  return result;
}
