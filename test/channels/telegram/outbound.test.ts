import fc from "fast-check";
import { GrammyError, HttpError } from "grammy";
import { describe, expect, it } from "vitest";
import { SendError } from "../../../src/channels/channel.js";
import { inlineKeyboard, splitTelegramText, toSendError } from "../../../src/channels/telegram/outbound.js";
import { safeError } from "../../../src/lib/log.js";

function grammyError(code: number, description: string, parameters: Record<string, number> = {}) {
  return new GrammyError("Call to 'sendMessage' failed!", { ok: false, error_code: code, description, parameters }, "sendMessage", {
    chat_id: 555001,
    text: "rahasia",
  });
}

describe("toSendError", () => {
  it.each([
    [grammyError(429, "Too Many Requests: retry after 7", { retry_after: 7 }), true, 7000],
    [grammyError(429, "Too Many Requests"), true, 1000],
    [grammyError(500, "Internal Server Error"), true, undefined],
    [grammyError(502, "Bad Gateway"), true, undefined],
    [grammyError(400, "Bad Request: chat not found"), false, undefined],
    [grammyError(403, "Forbidden: bot was blocked by the user"), false, undefined],
    [grammyError(401, "Unauthorized"), false, undefined],
    [new HttpError("Network request for 'sendMessage' failed!", new Error("ECONNRESET")), true, undefined],
    [new TypeError("something odd"), true, undefined],
  ])("%s → retryable %s, retryAfterMs %s", (err, retryable, retryAfterMs) => {
    const e = toSendError(err);
    expect(e).toBeInstanceOf(SendError);
    expect(e.retryable).toBe(retryable);
    expect(e.retryAfterMs).toBe(retryAfterMs);
  });

  it("keeps the reason but not the message text", () => {
    const e = toSendError(grammyError(403, "Forbidden: bot was blocked by the user"));
    expect(e.message).toContain("403");
    expect(e.message).toContain("blocked");
    expect(e.message).not.toContain("rahasia");
  });
});

describe("a grammY error in the log", () => {
  it("never carries the request payload", () => {
    const safe = safeError(grammyError(400, "Bad Request"));
    expect(JSON.stringify(safe)).not.toMatch(/rahasia|555001/);
    expect(safe).toMatchObject({ type: "GrammyError", code: 400 });
    const dbError = Object.assign(new Error("Failed query: insert … params: 6281234567890,halo"), { code: "23505" });
    expect(safeError(dbError)).toEqual({ type: "Error", message: "Error: (query)", code: "23505" });
  });
});

describe("inlineKeyboard", () => {
  it("puts short labels two to a row", () => {
    const kb = inlineKeyboard([
      { label: "Ya", payload: "consent:yes" },
      { label: "Kada", payload: "consent:no" },
      { label: "Menu", payload: "menu" },
    ]);
    expect(kb.inline_keyboard).toEqual([
      [
        { text: "Ya", callback_data: "consent:yes" },
        { text: "Kada", callback_data: "consent:no" },
      ],
      [{ text: "Menu", callback_data: "menu" }],
    ]);
  });

  it("gives each button its own row when any label is long", () => {
    const kb = inlineKeyboard([
      { label: "Jadwal imunisasi anak", payload: "faq:imunisasi" },
      { label: "Ya", payload: "yes" },
    ]);
    expect(kb.inline_keyboard.map((row) => row.length)).toEqual([1, 1]);
  });

  it("refuses payloads Telegram would reject (1-64 bytes), without retry", () => {
    for (const payload of ["", "x".repeat(65), "é".repeat(33)]) {
      let err: unknown;
      try {
        inlineKeyboard([{ label: "A", payload }]);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SendError);
      expect((err as SendError).retryable).toBe(false);
    }
    expect(() => inlineKeyboard([{ label: "A", payload: "x".repeat(64) }])).not.toThrow();
  });
});

describe("splitTelegramText", () => {
  it("leaves a short text whole", () => {
    expect(splitTelegramText("Jadwal posyandu: tanggal 10")).toEqual(["Jadwal posyandu: tanggal 10"]);
  });

  it("cuts at a paragraph break when there is one in the second half", () => {
    const a = "a".repeat(60);
    const b = "b".repeat(30);
    expect(splitTelegramText(`${a}\n\n${b}`, 80)).toEqual([a, b]);
  });

  it("does not cut an emoji in half", () => {
    const pieces = splitTelegramText("x".repeat(9) + "👶" + "y".repeat(5), 10);
    expect(pieces).toEqual(["x".repeat(9), "👶yyyyy"]);
  });

  it("keeps every piece within the limit, non-empty, and loses no word", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), fc.constantFrom("\n", "\n\n", " ")), { maxLength: 60 }),
        fc.integer({ min: 8, max: 50 }),
        (parts, limit) => {
          const text = parts.join(" ");
          const pieces = splitTelegramText(text, limit);
          for (const p of pieces) {
            expect(p.length).toBeGreaterThan(0);
            expect(p.length).toBeLessThanOrEqual(limit);
          }
          expect(pieces.join("").replace(/\s/g, "")).toBe(text.replace(/\s/g, ""));
        },
      ),
    );
  });
});
