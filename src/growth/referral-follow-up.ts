// Following referrals up as staff do it over the admin API: acknowledge one, record its outcome,
// and set the Pokja's weighing referral rules; each in one transaction with its audit entry.
// (The chat does the same through referrals.ts inside the turn's transaction.)
import { auditSnapshot, recordAudit, type AuditActor } from "../platform/audit.js";
import { conflict, notFound } from "../platform/errors.js";
import type { ScopePrincipal } from "../platform/scope.js";
import type { Runtime } from "../runtime.js";
import type { ReferralOutcome } from "./growth.sql.js";
import type { ReferralRule } from "./referral-rules.js";
import { acknowledgeReferral, recordReferralOutcome, setReferralRules, type Referral, type ReferralChange } from "./referrals.js";

/** A staff account acting: its area, how the audit log names it, and its id on the referral. */
export interface StaffHand {
  principal: ScopePrincipal;
  actor: AuditActor;
  accountId: string;
}

/** The referral changed, or the domain error why not (404 outside the area, 409 once closed). */
function changed(result: ReferralChange): Referral {
  if (result.ok) return result.referral;
  if (result.reason === "closed") throw conflict("referral_closed", "This referral is already closed");
  throw notFound("Referral");
}

/** Acknowledges a referral of the caller's area (again: no change). */
export async function acknowledgeAsStaff(rt: Runtime, by: StaffHand, id: string): Promise<Referral> {
  const now = rt.clock.now();
  return rt.db.transaction(async (tx) => {
    const r = changed(await acknowledgeReferral(tx, by.principal, id, by.accountId, now));
    await recordAudit(tx, {
      actor: by.actor,
      action: "referral.acknowledge",
      entity: "referral",
      entityId: r.id,
      after: { status: r.status },
      at: now,
    });
    return r;
  });
}

/** Records a referral's outcome: datang keeps it followed; ditangani and sembuh-membaik close it. */
export async function recordOutcomeAsStaff(rt: Runtime, by: StaffHand, id: string, outcome: ReferralOutcome): Promise<Referral> {
  const now = rt.clock.now();
  return rt.db.transaction(async (tx) => {
    const r = changed(await recordReferralOutcome(tx, by.principal, id, outcome, by.accountId, now));
    await recordAudit(tx, {
      actor: by.actor,
      action: "referral.outcome",
      entity: "referral",
      entityId: r.id,
      after: { status: r.status, outcome: r.outcome },
      at: now,
    });
    return r;
  });
}

/** Sets the Pokja's weighing referral rules (applies to the next report). */
export async function changeReferralRules(
  rt: Runtime,
  by: Pick<StaffHand, "actor" | "accountId">,
  rules: readonly ReferralRule[],
): Promise<void> {
  const now = rt.clock.now();
  await rt.db.transaction(async (tx) => {
    const { before, after } = await setReferralRules(tx, rules, by.accountId, now);
    await recordAudit(tx, {
      actor: by.actor,
      action: "growth_setting.update",
      entity: "growth_setting",
      entityId: after.key,
      before: auditSnapshot(before),
      after: auditSnapshot(after),
      at: now,
    });
  });
}
