import type { WAMessage } from "@whiskeysockets/baileys";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatOutbound, isPersonalChat, mapBaileysMessage, phoneFromJid } from "../../../src/channels/whatsapp/map.js";
import { baileysMessageSchema } from "../../../src/channels/whatsapp/schema.js";

const LID = "123456789012345@lid";
const PN = "6281234567890@s.whatsapp.net";
const TS = 1_795_000_000; // seconds
const FALLBACK = new Date("2026-11-27T02:00:00Z");

function msg(message: WAMessage["message"], key: Partial<WAMessage["key"]> = {}, ts: WAMessage["messageTimestamp"] = TS): WAMessage {
  return { key: { remoteJid: LID, fromMe: false, id: "3EB0A1", ...key }, messageTimestamp: ts, message };
}

describe("mapBaileysMessage", () => {
  const cases: { name: string; in: WAMessage; out: Record<string, unknown> | null }[] = [
    { name: "plain text", in: msg({ conversation: " halo " }), out: { text: "halo", address: LID } },
    {
      name: "extended text (link, reply)",
      in: msg({ extendedTextMessage: { text: "jadwal posyandu" } }),
      out: { text: "jadwal posyandu" },
    },
    {
      name: "button reply",
      in: msg({ buttonsResponseMessage: { selectedButtonId: "menu:growth", selectedDisplayText: "Cek pertumbuhan" } }),
      out: { text: "Cek pertumbuhan", payload: "menu:growth" },
    },
    {
      name: "list reply",
      in: msg({ listResponseMessage: { title: "Imunisasi", singleSelectReply: { selectedRowId: "faq:imunisasi" } } }),
      out: { text: "Imunisasi", payload: "faq:imunisasi" },
    },
    {
      name: "template button reply",
      in: msg({ templateButtonReplyMessage: { selectedId: "yes", selectedDisplayText: "Ya" } }),
      out: { text: "Ya", payload: "yes" },
    },
    {
      name: "interactive (native flow) reply",
      in: msg({
        interactiveResponseMessage: {
          body: { text: "Tidak" },
          nativeFlowResponseMessage: { name: "quick_reply", paramsJson: '{"id":"no"}' },
        },
      }),
      out: { text: "Tidak", payload: "no" },
    },
    { name: "image caption", in: msg({ imageMessage: { caption: "KMS anak ulun" } }), out: { text: "KMS anak ulun" } },
    { name: "video caption", in: msg({ videoMessage: { caption: "lihat" } }), out: { text: "lihat" } },
    { name: "voice note: a turn without text", in: msg({ audioMessage: {} }), out: { address: LID } },
    {
      name: "disappearing-message envelope",
      in: msg({ ephemeralMessage: { message: { conversation: "berapa" } } }),
      out: { text: "berapa" },
    },
    { name: "group", in: msg({ conversation: "halo" }, { remoteJid: "120363000000000000@g.us", participant: LID }), out: null },
    { name: "own message (fromMe)", in: msg({ conversation: "halo" }, { fromMe: true }), out: null },
    { name: "status broadcast", in: msg({ conversation: "halo" }, { remoteJid: "status@broadcast" }), out: null },
    { name: "broadcast list", in: msg({ conversation: "halo" }, { remoteJid: "1700000000@broadcast" }), out: null },
    { name: "channel (newsletter)", in: msg({ conversation: "halo" }, { remoteJid: "120363000000000001@newsletter" }), out: null },
    { name: "reaction", in: msg({ reactionMessage: { text: "👍" } }), out: null },
    { name: "revoke / edit (protocol message)", in: msg({ protocolMessage: { type: 0 } }), out: null },
    { name: "no id", in: msg({ conversation: "halo" }, { id: null }), out: null },
    { name: "no content", in: msg(undefined), out: null },
    {
      name: "LID chat with the phone as remoteJidAlt",
      in: msg({ conversation: "halo" }, { remoteJidAlt: PN }),
      out: { address: LID, phone: "6281234567890" },
    },
    { name: "phone-form chat", in: msg({ conversation: "halo" }, { remoteJid: PN }), out: { address: PN, phone: "6281234567890" } },
    {
      name: "v6-style senderPn",
      in: msg({ conversation: "halo" }, { senderPn: PN } as Partial<WAMessage["key"]>),
      out: { phone: "6281234567890" },
    },
  ];

  it.each(cases)("$name", ({ in: input, out }) => {
    const mapped = mapBaileysMessage(input, FALLBACK);
    if (out === null) {
      expect(mapped).toBeNull();
      return;
    }
    expect(mapped).toMatchObject({ channel: "whatsapp", externalId: input.key.id, ...out });
  });

  it("keeps no phone when WhatsApp gives only the LID", () => {
    const mapped = mapBaileysMessage(msg({ conversation: "halo" }), FALLBACK);
    expect(mapped).not.toHaveProperty("phone");
    expect(mapped).not.toHaveProperty("payload");
  });

  it("takes receivedAt from the message timestamp (seconds, number or Long), else the fallback", () => {
    expect(mapBaileysMessage(msg({ conversation: "a" }), FALLBACK)?.receivedAt).toEqual(new Date(TS * 1000));
    const long = { toNumber: () => TS } as unknown as WAMessage["messageTimestamp"];
    expect(mapBaileysMessage(msg({ conversation: "a" }, {}, long), FALLBACK)?.receivedAt).toEqual(new Date(TS * 1000));
    expect(mapBaileysMessage(msg({ conversation: "a" }, {}, null), FALLBACK)?.receivedAt).toEqual(FALLBACK);
  });

  it("ignores a malformed native-flow payload but keeps the text", () => {
    const mapped = mapBaileysMessage(
      msg({ interactiveResponseMessage: { body: { text: "Ya" }, nativeFlowResponseMessage: { paramsJson: "{not json" } } }),
      FALLBACK,
    );
    expect(mapped).toMatchObject({ text: "Ya" });
    expect(mapped).not.toHaveProperty("payload");
  });
});

describe("JID helpers", () => {
  it.each([
    [PN, "6281234567890"],
    ["6281234567890:12@s.whatsapp.net", "6281234567890"],
    [LID, undefined],
    ["120363000000000000@g.us", undefined],
    [undefined, undefined],
  ])("phoneFromJid(%s) = %s", (jid, phone) => {
    expect(phoneFromJid(jid)).toBe(phone);
  });

  it.each([
    [LID, true],
    [PN, true],
    ["120363000000000000@g.us", false],
    ["status@broadcast", false],
    ["120363000000000001@newsletter", false],
    ["", false],
  ])("isPersonalChat(%s) = %s", (jid, personal) => {
    expect(isPersonalChat(jid)).toBe(personal);
  });
});

describe("formatOutbound", () => {
  it("sends plain text as it is", () => {
    expect(formatOutbound({ text: "Halo, Bunda." })).toBe("Halo, Bunda.");
  });

  it("turns buttons into a numbered list the core accepts as 1, 2, …", () => {
    const text = formatOutbound({
      text: "Pilih menu:",
      buttons: [
        { label: "Jadwal posyandu", payload: "menu:posyandu" },
        { label: "Cek pertumbuhan", payload: "menu:growth" },
      ],
    });
    expect(text).toBe("Pilih menu:\n\n1. Jadwal posyandu\n2. Cek pertumbuhan");
  });

  it("sends the text of a template message (templates are a Cloud API thing)", () => {
    expect(formatOutbound({ text: "Pengingat imunisasi", template: { name: "reminder", lang: "id", params: [] } })).toBe(
      "Pengingat imunisasi",
    );
  });
});

describe("Baileys messages, property-based (fast-check)", () => {
  // Message-shaped objects whose fields hold anything, as a newer client or a bad decode might send.
  const anything = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined), fc.constant({ toNumber: () => TS }));
  const inner = fc.dictionary(
    fc.constantFrom(
      "text",
      "caption",
      "title",
      "selectedButtonId",
      "selectedDisplayText",
      "selectedId",
      "singleSelectReply",
      "body",
      "nativeFlowResponseMessage",
      "paramsJson",
    ),
    anything,
  );
  const message = fc.record({
    key: fc.oneof(
      fc.record({ remoteJid: fc.oneof(fc.constantFrom(LID, PN, "x@g.us"), anything), id: anything, fromMe: anything }),
      anything,
    ),
    messageTimestamp: anything,
    message: fc.oneof(
      fc.dictionary(
        fc.constantFrom(
          "conversation",
          "extendedTextMessage",
          "buttonsResponseMessage",
          "listResponseMessage",
          "interactiveResponseMessage",
          "imageMessage",
          "ephemeralMessage",
          "audioMessage",
        ),
        fc.oneof(inner, anything),
      ),
      anything,
    ),
  });

  it("are checked without throwing; those that pass map to a message with string fields, or to nothing, without throwing", () => {
    fc.assert(
      fc.property(fc.oneof(message, anything), (m) => {
        const checked = baileysMessageSchema.safeParse(m);
        if (!checked.success) return;
        const inbound = mapBaileysMessage(m as WAMessage, FALLBACK);
        if (inbound === null) return;
        expect(typeof inbound.externalId).toBe("string");
        expect(typeof inbound.address).toBe("string");
        if (inbound.text !== undefined) expect(typeof inbound.text).toBe("string");
        expect(Number.isNaN(inbound.receivedAt.getTime())).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
