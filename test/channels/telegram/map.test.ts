import { readFileSync } from "node:fs";
import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import type { InboundMessage } from "../../../src/channels/channel.js";
import { mapTelegramUpdate } from "../../../src/channels/telegram/map.js";

function fixture(name: string): Update {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), "utf8")) as Update;
}

const NOW = new Date("2026-11-27T03:00:00Z");
const SENT = new Date("2026-11-27T02:00:00Z"); // the fixtures' message.date

describe("mapTelegramUpdate", () => {
  const cases: [fixture: string, expected: InboundMessage | null][] = [
    ["text", { channel: "telegram", externalId: "msg:555001:41", address: "555001", text: "halo, pian bisa bantu?", receivedAt: SENT }],
    ["start-command", { channel: "telegram", externalId: "msg:555001:42", address: "555001", text: "/start", receivedAt: SENT }],
    ["callback", { channel: "telegram", externalId: "cb:4382bfdwdsb323b2d9", address: "555001", payload: "menu:jadwal", receivedAt: NOW }],
    ["photo-caption", { channel: "telegram", externalId: "msg:555001:44", address: "555001", text: "anak ulun batuk", receivedAt: SENT }],
    ["contact-own", { channel: "telegram", externalId: "msg:555001:45", address: "555001", phone: "6281234567890", receivedAt: SENT }],
    // Ignored: not a person's turn in a private chat with the bot.
    ["edited", null],
    ["group", null],
    ["group-callback", null],
    ["channel-post", null],
    ["photo-no-caption", null],
    ["contact-other", null],
    ["service-new-member", null],
    ["from-bot", null],
    ["callback-no-message", null],
    ["callback-game", null],
    ["blank-text", null],
  ];

  it.each(cases)("%s", (name, expected) => {
    expect(mapTelegramUpdate(fixture(name), NOW)).toEqual(expected);
  });

  it("gives a redelivered update the same externalId, and different messages different ones", () => {
    const first = mapTelegramUpdate(fixture("text"), NOW);
    const again = mapTelegramUpdate(fixture("text"), new Date(NOW.getTime() + 60_000));
    const other = mapTelegramUpdate(fixture("start-command"), NOW);
    expect(again?.externalId).toBe(first?.externalId);
    expect(other?.externalId).not.toBe(first?.externalId);
  });
});
