// Shared steps for the reminder tests: register through the web chat, read the web inbox, tick.
import { DateTime } from "luxon";
import type { Reply, WebChatHarness } from "../helpers/web-chat.js";
import { reminderTick } from "../../src/reminders/dispatch.js";

/** DAFTAR in a role (1 = Indonesian, 2 = Banjar), desa Batu Piring; returns the last replies (the enrolment prompt). */
export async function registerAs(
  chat: WebChatHarness,
  from: string,
  role: "parent" | "pregnant" | "kader",
  lang: "1" | "2" = "1",
): Promise<string> {
  await chat.send(from, "DAFTAR");
  await chat.send(from, lang);
  await chat.send(from, { payload: "yes" });
  await chat.send(from, { payload: `role:${role}` });
  if (role === "kader") await chat.send(from, "Siti Aminah"); // a kader gives their name
  const replies = await chat.send(from, "btu piring");
  // When the desa has posyandu, the first one listed is chosen.
  const unit = replies.flatMap((r) => r.buttons ?? []).find((b) => b.payload.startsWith("posyandu:") && b.payload !== "posyandu:none");
  if (unit) return chat.say(from, { payload: unit.payload });
  return replies.map((r) => r.text).join("\n---\n");
}

/** Everything that arrived on its own (reminders) since the last look. */
export async function inbox(chat: WebChatHarness, from: string): Promise<Reply[]> {
  return chat.inbox(from);
}

/** Sets the clock to a local WITA time, e.g. "2026-03-01T09:00". */
export function setWita(chat: WebChatHarness, local: string): void {
  chat.rt.clock.set(DateTime.fromISO(local, { zone: "Asia/Makassar" }).toJSDate());
}

export function tick(chat: WebChatHarness) {
  return reminderTick(chat.rt, chat.hub);
}

export function witaDate(chat: WebChatHarness): string {
  return DateTime.fromJSDate(chat.rt.clock.now(), { zone: "Asia/Makassar" }).toISODate() ?? "";
}

export function plusDays(local: string, days: number): string {
  return DateTime.fromISO(local).plus({ days }).toISO({ includeOffset: false, suppressMilliseconds: true }) ?? "";
}
