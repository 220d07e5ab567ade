// The safety state of the linked number while the adapter runs: WhatsApp's warnings (reach-out time
// lock, message capping, ack error 463) become restrictions (safety.ts), kept in the database
// (safety-store.ts), shown as metrics and to the Pokja admins, lifted at their time or when
// WhatsApp says so; meanwhile bulk and first-contact messages are held back (holdUntil).
// Changes are applied one at a time, in the order they came.
import type { BaileysEventMap } from "@whiskeysockets/baileys";
import type { Logger } from "../../lib/log.js";
import * as metrics from "../../metrics/index.js";
import type { Runtime } from "../../runtime.js";
import type { SendContext } from "../channel.js";
import { markFailedByExternalId } from "../outbox.js";
import { laneOf } from "../pacing.js";
import {
  ackErrorCode,
  fromAckError,
  fromMessageCapping,
  fromReachoutTimelock,
  holdUntil,
  mergeRestriction,
  SAFETY_CAUSES,
  type SafetyCause,
  type SafetyChange,
  type SafetyRestriction,
} from "./safety.js";
import { deleteRestriction, HELD_REASON, loadRestrictions, releaseHeld, saveRestriction, tellPokjaAdmins } from "./safety-store.js";

/** The safety state as the status API and the console show it. */
export interface SafetyView {
  paused: boolean;
  restrictions: { cause: SafetyCause; since: string; liftsAt: string; detail: SafetyRestriction["detail"] }[];
}

export interface SafetyKeeper {
  /** The number the restrictions are kept for (its digits; "unlinked" before pairing). */
  account(): string;
  /** Loads the restrictions of a number from the database (a restart keeps a pause until its lift time). */
  load(account: string): Promise<void>;
  /** Resolves once the changes already begun are applied. */
  settled(): Promise<void>;
  /** `connection.update`'s reachoutTimeLock. */
  onReachoutTimelock(lock: BaileysEventMap["connection.update"]["reachoutTimeLock"]): void;
  /** `message-capping.update`. */
  onCapping(info: BaileysEventMap["message-capping.update"]): void;
  /** Ack errors of sent messages (`messages.update` with status ERROR): the row fails; 463 pauses, and WhatsApp is asked for the time lock. */
  onMessagesUpdate(updates: BaileysEventMap["messages.update"], askTimelock: () => void): void;
  /** Until when a message waits under the restrictions in force (the adapter's holdUntil). */
  holdUntil(context: SendContext): { until: Date; reason: string } | null;
  view(): SafetyView;
  /** Stops the lift timer (the adapter stopped). */
  stop(): void;
}

export function createSafetyKeeper(options: {
  rt: Runtime;
  log: Logger;
  /** WHATSAPP_SAFETY_PAUSE_MINUTES in ms: the pause after a warning with no end time (error 463). */
  pauseMs: number;
  /** Whether the adapter runs (no lift timer otherwise). */
  isRunning: () => boolean;
}): SafetyKeeper {
  const { rt, log, pauseMs, isRunning } = options;
  let account = "unlinked";
  const restrictions = new Map<SafetyCause, SafetyRestriction>();
  let liftTimer: NodeJS.Timeout | null = null;
  let chain: Promise<void> = Promise.resolve();

  const work = (what: string, task: () => Promise<void>) => {
    chain = chain.then(task).catch((err: unknown) => log.error({ err }, `WhatsApp safety: ${what} failed`));
    return chain;
  };

  const show = () => {
    for (const cause of SAFETY_CAUSES) metrics.whatsappRestricted.set({ cause }, restrictions.has(cause) ? 1 : 0);
  };

  const latestLift = () => [...restrictions.values()].reduce<Date | null>((at, r) => (!at || r.liftsAt > at ? r.liftsAt : at), null);

  const stopTimer = () => {
    if (liftTimer) clearTimeout(liftTimer);
    liftTimer = null;
  };

  /** Lifts every restriction whose time has come at its lift time, then waits for the next. */
  function armLiftTimer(): void {
    stopTimer();
    if (restrictions.size === 0 || !isRunning()) return;
    const next = Math.min(...[...restrictions.values()].map((r) => r.liftsAt.getTime()));
    // setTimeout holds at most ~24.8 days; a longer wait re-arms on the way.
    const delay = Math.min(Math.max(0, next - rt.clock.now().getTime()), 2 ** 31 - 1);
    liftTimer = setTimeout(() => {
      liftTimer = null;
      void work("lifting a restriction", async () => {
        const now = rt.clock.now();
        for (const r of [...restrictions.values()]) if (r.liftsAt <= now) await lift(r.cause, "expired");
        armLiftTimer();
      });
    }, delay);
  }

  async function lift(cause: SafetyCause, why: "expired" | "whatsapp"): Promise<void> {
    const r = restrictions.get(cause);
    if (!r) return;
    restrictions.delete(cause);
    await deleteRestriction(rt.db, account, cause);
    show();
    metrics.whatsappSafetyEvents.inc({ cause, event: "lifted" });
    // Lifted before its time: what was held for it goes now (unless another restriction holds).
    const released = why === "whatsapp" && restrictions.size === 0 ? await releaseHeld(rt.db, rt.clock.now()) : 0;
    log.warn(
      { alert: "whatsapp_safety_lifted", cause, why, released, stillRestricted: [...restrictions.keys()] },
      "WhatsApp safety: restriction lifted; bulk and first-contact sends resume",
    );
    await tellPokjaAdmins(rt, "resumed", r);
  }

  const apply = (change: SafetyChange) => {
    if (!change) return Promise.resolve();
    return work("recording a WhatsApp warning", async () => {
      const now = rt.clock.now();
      if ("lift" in change) return lift(change.lift, "whatsapp");
      const current = restrictions.get(change.set.cause);
      const isNew = !current || current.liftsAt <= now;
      const merged = mergeRestriction(current, change.set, now);
      // Stored first: what is in force in memory is always also kept for a restart.
      await saveRestriction(rt.db, account, merged);
      restrictions.set(merged.cause, merged);
      show();
      armLiftTimer();
      if (!isNew) {
        log.info({ cause: merged.cause, liftsAt: merged.liftsAt.toISOString() }, "WhatsApp safety: restriction updated");
        return;
      }
      metrics.whatsappSafetyEvents.inc({ cause: merged.cause, event: "paused" });
      log.error(
        { alert: "whatsapp_safety_paused", cause: merged.cause, liftsAt: merged.liftsAt.toISOString(), ...merged.detail },
        "WhatsApp restricts this number: bulk and first-contact sends paused until the lift time; replies continue",
      );
      await tellPokjaAdmins(rt, "paused", merged);
    });
  };

  const load = async (forAccount: string) => {
    account = forAccount;
    restrictions.clear();
    for (const r of await loadRestrictions(rt.db, account)) restrictions.set(r.cause, r);
    show();
    armLiftTimer();
    if (restrictions.size > 0) {
      log.warn(
        { causes: [...restrictions.keys()], liftsAt: latestLift()?.toISOString() },
        "WhatsApp safety: restrictions still in force; bulk and first-contact sends wait",
      );
    }
  };

  return {
    account: () => account,
    load: (forAccount) => work("loading the safety state", () => load(forAccount)),
    settled: () => chain,
    onReachoutTimelock: (lock) => void apply(fromReachoutTimelock(lock, rt.clock.now(), pauseMs)),
    onCapping: (info) => void apply(fromMessageCapping(info, rt.clock.now(), pauseMs)),
    onMessagesUpdate(updates, askTimelock) {
      for (const { key, update } of updates) {
        const code = key.fromMe ? ackErrorCode(update) : null;
        if (!code || !key.id) continue;
        const id = key.id;
        metrics.whatsappSafetyEvents.inc({ cause: code === "463" ? "account-restricted" : "other", event: "ack_error" });
        log.warn({ externalId: id, code }, "WhatsApp refused a sent message (ack error)");
        void markFailedByExternalId(rt, "whatsapp", id, `WhatsApp ack error ${code}`).catch((err: unknown) =>
          log.warn({ err }, "recording a WhatsApp ack error failed"),
        );
        const change = fromAckError(code, rt.clock.now(), pauseMs);
        if (change) {
          void apply(change);
          // WhatsApp may hold a time lock with an end time behind the 463: ask for it.
          askTimelock();
        }
      }
    },
    holdUntil(context) {
      const until = holdUntil(restrictions.values(), laneOf(context.kind), context.lastInboundAt === null, rt.clock.now());
      return until ? { until, reason: `${HELD_REASON} ${[...restrictions.keys()].join(",")}` } : null;
    },
    view() {
      const now = rt.clock.now();
      const list = [...restrictions.values()].filter((r) => r.liftsAt > now).sort((a, b) => a.liftsAt.getTime() - b.liftsAt.getTime());
      return {
        paused: list.length > 0,
        restrictions: list.map((r) => ({
          cause: r.cause,
          since: r.since.toISOString(),
          liftsAt: r.liftsAt.toISOString(),
          detail: r.detail,
        })),
      };
    },
    stop: stopTimer,
  };
}
