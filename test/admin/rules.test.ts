// The pure rules of the admin module, as tables.
import { describe, expect, it } from "vitest";
import { mayManageRole } from "../../src/admin/accounts.js";
import { auditSnapshot } from "../../src/platform/audit.js";
import { afterFailedLogin, isLocked, LOCKOUT_MS } from "../../src/admin/auth.js";
import { chatLinkReplyKey, parseChatLinkCommand } from "../../src/admin/chat-link.js";
import { usernameFromName } from "../../src/admin/cli.js";
import { maskPhone } from "../../src/admin/people.js";
import { createI18n } from "../../src/i18n/index.js";

const T0 = new Date("2026-11-27T02:00:00Z");
const at = (ms: number) => new Date(T0.getTime() + ms);

describe("lockout", () => {
  it.each([
    { failedLogins: 0, lockedUntil: null, now: T0, expected: { failedLogins: 1, lockedUntil: null } },
    { failedLogins: 3, lockedUntil: null, now: T0, expected: { failedLogins: 4, lockedUntil: null } },
    { failedLogins: 4, lockedUntil: null, now: T0, expected: { failedLogins: 5, lockedUntil: at(LOCKOUT_MS) } },
    // A lock that has run out starts a fresh count.
    { failedLogins: 5, lockedUntil: at(-1), now: T0, expected: { failedLogins: 1, lockedUntil: null } },
  ])("after $failedLogins failures → $expected.failedLogins", ({ failedLogins, lockedUntil, now, expected }) => {
    expect(afterFailedLogin({ failedLogins, lockedUntil }, now)).toEqual(expected);
  });

  it.each([
    [null, false],
    [at(1), true],
    [T0, false],
    [at(-1), false],
  ] as const)("locked until %s → %s", (lockedUntil, locked) => {
    expect(isLocked({ failedLogins: 5, lockedUntil }, T0)).toBe(locked);
  });
});

describe("who manages whom", () => {
  it.each([
    ["pokja_admin", "pokja_admin", true],
    ["pokja_admin", "puskesmas", true],
    ["pokja_admin", "kader", true],
    ["puskesmas", "bidan", true],
    ["puskesmas", "kader", true],
    ["puskesmas", "puskesmas", false],
    ["puskesmas", "pokja_admin", false],
    ["bidan", "kader", false],
    ["bidan", "bidan", false],
    ["kader", "kader", false],
  ] as const)("%s may manage %s: %s", (actor, target, expected) => {
    expect(mayManageRole(actor, target)).toBe(expected);
  });
});

describe("chat link command", () => {
  it.each([
    ["KODE 12345678", "12345678"],
    ["kode 01234567", "01234567"],
    ["Kode: 1234 5678", "12345678"],
    ["  kode12345678 ", "12345678"],
    ["KODE 123456", null],
    ["KODE 1234567", null],
    ["KODE 123456789", null],
    ["kode abcdefgh", null],
    ["halo", null],
    ["saya mau kode 12345678", null],
  ])("%j → %s", (text, code) => {
    expect(parseChatLinkCommand(text)).toBe(code);
  });

  it("has a reply text for every outcome in both languages", async () => {
    const i18n = await createI18n();
    for (const result of [
      { ok: true, accountId: "a", role: "bidan" },
      { ok: false, reason: "invalid" },
      { ok: false, reason: "too_many_attempts" },
    ] as const) {
      const key = chatLinkReplyKey(result);
      expect(i18n.exists("id", key), key).toBe(true);
      expect(i18n.t("bjn", key)).not.toBe(i18n.t("id", key));
    }
  });
});

describe("small helpers", () => {
  it.each([
    ["6281234567890", "**********890"],
    ["12345", "****5"],
    ["1234", "****"],
    ["", ""],
  ])("maskPhone(%s) = %s", (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });

  it.each([
    ["Siti Aminah", "siti.aminah"],
    ["  Hj. Rahmah  Nor ", "hj..rahmah.nor"],
    ["Muhammad Ferdi Ansyari", "muhammad.ferdi.ansyari"],
  ])("usernameFromName(%j) = %s", (name, username) => {
    expect(usernameFromName(name)).toBe(username);
  });

  it("keeps secrets out of audit snapshots and writes dates as ISO", () => {
    expect(
      auditSnapshot({ id: "x", passwordHash: "$argon2id$…", tokenHash: "ab", password: "p", at: T0, name: "A", passwordChanged: true }),
    ).toEqual({
      id: "x",
      at: T0.toISOString(),
      name: "A",
      passwordChanged: true,
    });
    expect(auditSnapshot(null)).toBeNull();
  });
});
