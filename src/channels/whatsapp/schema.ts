// The parts of a Baileys message (WAMessage, decoded from WhatsApp's protobuf) that Balanting
// reads, checked before mapping: Baileys types them, but a message from a newer WhatsApp client
// or a corrupt decode must be skipped and logged (paths and codes only), never throw inside the
// socket's event handler and take the other messages of the batch with it.
import { z } from "zod";

const text = z.string().nullish();
const long = z.custom<{ toNumber(): number }>(
  (v) => typeof v === "object" && v !== null && typeof (v as { toNumber?: unknown }).toNumber === "function",
);
const part = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape).nullish();

const content = z.looseObject({
  conversation: text,
  extendedTextMessage: part({ text }),
  buttonsResponseMessage: part({ selectedDisplayText: text, selectedButtonId: text }),
  listResponseMessage: part({ title: text, singleSelectReply: part({ selectedRowId: text }) }),
  templateButtonReplyMessage: part({ selectedDisplayText: text, selectedId: text }),
  interactiveResponseMessage: part({ body: part({ text }), nativeFlowResponseMessage: part({ paramsJson: text }) }),
  imageMessage: part({ caption: text }),
  videoMessage: part({ caption: text }),
  documentMessage: part({ caption: text }),
});

export const baileysMessageSchema = z.looseObject({
  key: z.looseObject({ remoteJid: text, remoteJidAlt: text, senderPn: text, id: text, fromMe: z.boolean().nullish() }),
  messageTimestamp: z.union([z.number(), long]).nullish(),
  // Envelopes (ephemeral, view-once, document-with-caption) wrap the same content one level down.
  message: content.nullish(),
});

/** Where and why a message is unusable: paths and codes only, never values. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(message)"}: ${i.code}`);
}
