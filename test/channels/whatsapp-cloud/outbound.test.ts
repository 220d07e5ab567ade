import { describe, expect, it } from "vitest";
import { SendError, type Button, type MessageKind, type SendContext } from "../../../src/channels/channel.js";
import {
  buildCloudRequest,
  chooseTemplate,
  freeFormBody,
  insideServiceWindow,
  isBusinessScopedUserId,
  numberedText,
  templateBody,
  templateLanguageCode,
  templateParam,
  type CloudTemplates,
} from "../../../src/channels/whatsapp-cloud/outbound.js";

const NOW = new Date("2026-11-27T02:00:00Z");
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
const buttons = (n: number, label = (i: number) => `Pilihan ${i + 1}`): Button[] =>
  Array.from({ length: n }, (_, i) => ({ label: label(i), payload: `p:${i + 1}` }));
const templates: CloudTemplates = {
  reminder: { id: "balanting_pengingat", bjn: "balanting_pengingat_bjn" },
  broadcast: { id: "balanting_info" },
};

describe("insideServiceWindow (Meta: free-form messages for 24 hours after the person's last message)", () => {
  it.each([
    [null, false],
    [hoursAgo(0), true],
    [hoursAgo(23.5), true],
    [hoursAgo(24 - 2 / 60), true],
    // The last minute counts as closed: clocks and travel time differ.
    [hoursAgo(24 - 0.5 / 60), false],
    [hoursAgo(24), false],
    [hoursAgo(72), false],
  ])("last inbound %s → %s", (last, inside) => {
    expect(insideServiceWindow(last, NOW)).toBe(inside);
  });
});

describe("chooseTemplate", () => {
  const ctx = (kind: MessageKind, lang: SendContext["lang"]) => ({ kind, lang });
  it.each([
    ["reminder", "id", { name: "balanting_pengingat", lang: "id", params: ["Halo"] }],
    ["reminder", "bjn", { name: "balanting_pengingat_bjn", lang: "bjn", params: ["Halo"] }],
    // No Banjar template: the Indonesian one.
    ["broadcast", "bjn", { name: "balanting_info", lang: "bjn", params: ["Halo"] }],
    ["reply", "id", undefined],
  ] as const)("%s/%s", (kind, lang, expected) => {
    expect(chooseTemplate({ text: "Halo" }, ctx(kind, lang), templates)).toEqual(expected);
  });

  it("prefers the message's own template", () => {
    const own = { name: "balanting_rujukan", lang: "id", params: ["Posyandu Mawar", "Senin"] };
    expect(chooseTemplate({ text: "x", template: own }, ctx("reminder", "id"), templates)).toBe(own);
  });
});

describe("templateParam (no new lines, tabs or runs of spaces in template parameters)", () => {
  it.each([
    ["Jadwal posyandu besok", "Jadwal posyandu besok"],
    ["Baris satu\nBaris dua", "Baris satu · Baris dua"],
    ["A\r\n\r\nB\tC", "A · B · C"],
    ["kata     kata", "kata kata"],
    ["\nawal dan akhir\n", "awal dan akhir"],
  ])("%j → %j", (input, output) => {
    expect(templateParam(input)).toBe(output);
  });

  it("cuts to the 1024-character body limit", () => {
    const out = templateParam("a".repeat(2000));
    expect(out).toHaveLength(1024);
    expect(out.endsWith("…")).toBe(true);
  });
});

describe("templateLanguageCode", () => {
  it.each([
    ["id", "id"],
    ["bjn", "id"],
    ["en_US", "en_US"],
  ])("%s → %s", (lang, code) => expect(templateLanguageCode(lang)).toBe(code));
});

describe("freeFormBody", () => {
  const to = "6281234567890";
  const kindOf = (body: Record<string, unknown>) =>
    body.type === "interactive" ? `interactive:${(body.interactive as { type: string }).type}` : String(body.type);

  it.each([
    [0, "text"],
    [1, "interactive:button"],
    [3, "interactive:button"],
    [4, "interactive:list"],
    [10, "interactive:list"],
    [11, "text"],
  ])("%i choices → %s", (n, kind) => {
    expect(kindOf(freeFormBody(to, { text: "Pilih", buttons: buttons(n) }, "Pilih salah satu"))).toBe(kind);
  });

  it.each([
    ["a label over 20 characters", { text: "Pilih", buttons: [{ label: "x".repeat(21), payload: "a" }] }, "text"],
    ["a label of 20 characters", { text: "Pilih", buttons: [{ label: "x".repeat(20), payload: "a" }] }, "interactive:button"],
    [
      "twice the same label",
      {
        text: "Pilih",
        buttons: [
          { label: "Ya", payload: "a" },
          { label: "Ya", payload: "b" },
        ],
      },
      "text",
    ],
    ["a body over 1024 characters", { text: "x".repeat(1025), buttons: buttons(2) }, "text"],
    ["list rows up to 24 characters", { text: "Pilih", buttons: buttons(5, (i) => `${i}`.padEnd(24, "x")) }, "interactive:list"],
    ["a list row over 24 characters", { text: "Pilih", buttons: buttons(5, (i) => `${i}`.padEnd(25, "x")) }, "text"],
  ])("%s → %s", (_why, message, kind) => {
    expect(kindOf(freeFormBody(to, message, "Pilih salah satu"))).toBe(kind);
  });

  it("falls back to numbered text when there is no list button label", () => {
    expect(kindOf(freeFormBody(to, { text: "Pilih", buttons: buttons(5) }, undefined))).toBe("text");
  });

  it("builds Meta's shapes", () => {
    expect(freeFormBody(to, { text: "Halo" }, undefined)).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to,
      type: "text",
      text: { preview_url: false, body: "Halo" },
    });
    expect(
      freeFormBody(
        to,
        {
          text: "Bahasa?",
          buttons: [
            { label: "Indonesia", payload: "lang:id" },
            { label: "Banjar", payload: "lang:bjn" },
          ],
        },
        undefined,
      ),
    ).toMatchObject({
      type: "interactive",
      interactive: {
        type: "button",
        body: { text: "Bahasa?" },
        action: {
          buttons: [
            { type: "reply", reply: { id: "lang:id", title: "Indonesia" } },
            { type: "reply", reply: { id: "lang:bjn", title: "Banjar" } },
          ],
        },
      },
    });
    expect(freeFormBody(to, { text: "Menu", buttons: buttons(4) }, "Pilih salah satu")).toMatchObject({
      type: "interactive",
      interactive: {
        type: "list",
        body: { text: "Menu" },
        action: { button: "Pilih salah satu", sections: [{ rows: [{ id: "p:1", title: "Pilihan 1" }, {}, {}, {}] }] },
      },
    });
  });

  it("addresses a business-scoped user id with recipient instead of to", () => {
    const body = freeFormBody("ID.13491208655302741918", { text: "Halo" }, undefined);
    expect(body.recipient).toBe("ID.13491208655302741918");
    expect(body).not.toHaveProperty("to");
  });
});

describe("isBusinessScopedUserId", () => {
  it.each([
    ["ID.13491208655302741918", true],
    ["US.ENT.11815799212886844830", true],
    ["6281234567890", false],
    ["id.123", false],
  ])("%s → %s", (address, yes) => expect(isBusinessScopedUserId(address)).toBe(yes));
});

describe("numberedText", () => {
  it("appends 1. 2. … lines", () => {
    expect(numberedText("Pilih:", buttons(2))).toBe("Pilih:\n\n1. Pilihan 1\n2. Pilihan 2");
  });
  it("adds nothing when the prompt already lists the choices", () => {
    const text = "Pilih:\n1. Pilihan 1\n2. Pilihan 2";
    expect(numberedText(text, buttons(2))).toBe(text);
  });
});

describe("templateBody", () => {
  it("puts each parameter in the body and maps Banjar to Meta's Indonesian code", () => {
    expect(templateBody("6281234567890", { name: "balanting_pengingat_bjn", lang: "bjn", params: ["Baris 1\nBaris 2"] })).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "6281234567890",
      type: "template",
      template: {
        name: "balanting_pengingat_bjn",
        language: { code: "id" },
        components: [{ type: "body", parameters: [{ type: "text", text: "Baris 1 · Baris 2" }] }],
      },
    });
  });
  it("sends no components for a template without parameters", () => {
    expect(templateBody("6281234567890", { name: "balanting_halo", lang: "id", params: [] }).template).toEqual({
      name: "balanting_halo",
      language: { code: "id" },
    });
  });
});

describe("buildCloudRequest", () => {
  const message = { text: "Besok ada posyandu", buttons: buttons(2) };
  const ctx = (kind: MessageKind, lastInboundAt: Date | null): SendContext => ({ kind, lang: "id", lastInboundAt });
  const build = (c: SendContext) => buildCloudRequest("6281234567890", message, c, { templates, now: NOW, listButton: "Pilih" });

  it("sends free-form inside the window, whatever the kind", () => {
    expect(build(ctx("reminder", hoursAgo(2))).type).toBe("interactive");
  });
  it("sends the kind's template outside the window", () => {
    expect(build(ctx("reminder", hoursAgo(30)))).toMatchObject({ type: "template", template: { name: "balanting_pengingat" } });
    expect(build(ctx("broadcast", null))).toMatchObject({ type: "template", template: { name: "balanting_info" } });
  });
  it("refuses, not retryable, outside the window without a template", () => {
    let error: unknown;
    try {
      build(ctx("reply", hoursAgo(30)));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SendError);
    expect(error).toMatchObject({ retryable: false, message: "outside the 24-hour window and no template for reply" });
  });
});
