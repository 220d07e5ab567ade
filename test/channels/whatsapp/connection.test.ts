import { DisconnectReason } from "@whiskeysockets/baileys";
import { describe, expect, it } from "vitest";
import { disconnectAction, disconnectStatusCode, reconnectDelayMs } from "../../../src/channels/whatsapp/connection.js";

describe("disconnectAction", () => {
  it.each([
    [DisconnectReason.restartRequired, "reconnect-now"],
    [DisconnectReason.loggedOut, "logged-out"],
    [DisconnectReason.forbidden, "logged-out"],
    [DisconnectReason.connectionReplaced, "replaced"],
    [DisconnectReason.connectionClosed, "reconnect-later"],
    [DisconnectReason.connectionLost, "reconnect-later"],
    [DisconnectReason.badSession, "reconnect-later"],
    [DisconnectReason.unavailableService, "reconnect-later"],
    [DisconnectReason.multideviceMismatch, "reconnect-later"],
    [undefined, "reconnect-later"],
  ])("status %s → %s", (code, action) => {
    expect(disconnectAction(code)).toBe(action);
  });
});

describe("disconnectStatusCode", () => {
  it("reads a Boom's output.statusCode and nothing else", () => {
    expect(disconnectStatusCode({ output: { statusCode: 515 } })).toBe(515);
    expect(disconnectStatusCode(new Error("x"))).toBeUndefined();
    expect(disconnectStatusCode(undefined)).toBeUndefined();
    expect(disconnectStatusCode({ output: { statusCode: "515" } })).toBeUndefined();
  });
});

describe("reconnectDelayMs", () => {
  it.each([
    [0, 1_000],
    [1, 2_000],
    [2, 4_000],
    [5, 32_000],
    [6, 60_000],
    [50, 60_000],
    [-3, 1_000],
  ])("attempt %i waits %i ms", (attempt, ms) => {
    expect(reconnectDelayMs(attempt)).toBe(ms);
  });
});
