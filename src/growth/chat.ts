// Growth monitoring by chat for approved kader: ANAK BARU, UKUR (one-liners, several lines, or a
// guided dialogue), confirmation of implausible values, BATAL UKUR, RIWAYAT, CARI, KEMBAR, HAMIL;
// and TERIMA/HASIL for puskesmas staff answering a referral. Texts: locales/*/growth.json.
// The flows live in chat/: commands (reading), reports (UKUR), child (ANAK BARU), lookup,
// maternal (HAMIL), referral-replies (TERIMA/HASIL); this file routes a message to them.
import type { ConversationDomain } from "../conversation/domain.js";
import type { Turn } from "../conversation/turn.js";
import { NEW_CHILD_WORDS } from "../lib/input/index.js";
import { isParseError } from "./parse.js";
import { kaderOf } from "./chat/kader.js";
import { parseGrowthCommand, UNDO_VERBS, UNDO_OBJECTS } from "./chat/commands.js";
import { handleReports, confirmFlow, ukurFlow } from "./chat/reports.js";
import { childFlow, startTwin } from "./chat/child.js";
import { undoLast, showHistory, search } from "./chat/lookup.js";
import { handleMaternal, bidanOf, maternalFlow } from "./chat/maternal.js";
import { handleReferralCommand } from "./chat/referral-replies.js";

export { parseGrowthCommand } from "./chat/commands.js";

// --- entry -----------------------------------------------------------------------------------

/** The growth module's domain handler. */
export async function growthHandler(turn: Turn): Promise<boolean> {
  const command = parseGrowthCommand(turn.text);
  if (!command) return false;
  if (command.kind === "referral") return handleReferralCommand(turn, command);
  // A parent asking "ukur lingkar kepala normal berapa?" is a question for the FAQ, not a report.
  if (command.kind === "report" && turn.contact.role !== "kader" && command.results.every(isParseError)) return false;
  if (command.kind === "search" && turn.contact.role !== "kader") return false;
  if (command.kind === "maternal" && turn.contact.role !== "kader") {
    const bidan = await bidanOf(turn);
    if (!bidan) return false;
    await handleMaternal(turn, bidan, command.rest);
    return true;
  }
  const kader = kaderOf(turn, command);
  if (!kader) return true;
  switch (command.kind) {
    case "new-child":
      await childFlow.start(turn);
      break;
    case "twin":
      await startTwin(turn, kader, command.code);
      break;
    case "guided-report":
      await ukurFlow.start(turn);
      break;
    case "report":
      await handleReports(turn, kader, command.results);
      break;
    case "undo":
      await undoLast(turn);
      break;
    case "history":
      await showHistory(turn, kader, command.code);
      break;
    case "search":
      await search(turn, kader, command.query);
      break;
    case "maternal":
      await handleMaternal(turn, kader, command.rest);
      break;
  }
  return true;
}

/**
 * The growth domain in the conversation. ANAK BARU is a kader's (register a child at the
 * posyandu); a parent's ANAK BARU belongs to the reminders. Plain BATAL is a kader's undo of the
 * last report when no dialogue is open; for everyone else it is the general "cancel".
 */
export const growthConversation: ConversationDomain = {
  name: "growth",
  flows: [confirmFlow, childFlow, ukurFlow, maternalFlow],
  handlers: [growthHandler],
  keywords: [
    { words: [...NEW_CHILD_WORDS, "batal"], roles: ["kader"] },
    {
      words: ["ukur", "ukor", "ukr", "batalkan"],
      prefixes: [
        "kembar",
        "kembaran",
        "riwayat",
        "cari",
        "terima r",
        "hasil r",
        "hamil",
        "bumil",
        "batianan",
        ...UNDO_VERBS.flatMap((v) => UNDO_OBJECTS.map((o) => `${v} ${o}`)),
      ],
    },
  ],
};
