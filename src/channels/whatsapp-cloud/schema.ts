// The shape of one message and one status in a WhatsApp Cloud webhook, as far as Balanting reads
// them (Meta, "messages webhook reference"). Each message is checked on its own: one that does not
// fit (no id, `text.body` a number …) is acknowledged with the rest of the body, skipped and logged
// with paths and codes only (UU PDP), never a 500 that Meta would deliver again for days.
// Loose objects: fields and message types we do not read pass untouched.
import { z } from "zod";

const nonEmpty = z.string().min(1);
const unixTime = z.union([z.string(), z.number()]);
const reply = z.looseObject({ id: nonEmpty, title: z.string().optional() });
const caption = z.looseObject({ caption: z.string().optional() });

export const cloudMessageSchema = z.looseObject({
  id: nonEmpty,
  type: nonEmpty,
  from: z.string().optional(),
  from_user_id: z.string().optional(),
  timestamp: unixTime.optional(),
  text: z.looseObject({ body: z.string() }).optional(),
  interactive: z.looseObject({ button_reply: reply.optional(), list_reply: reply.optional() }).optional(),
  button: z.looseObject({ payload: z.string().optional(), text: z.string().optional() }).optional(),
  image: caption.optional(),
  video: caption.optional(),
  document: caption.optional(),
});
export type CloudMessage = z.infer<typeof cloudMessageSchema>;

export const cloudStatusSchema = z.looseObject({
  id: nonEmpty,
  status: nonEmpty,
  timestamp: unixTime.optional(),
  errors: z.array(z.unknown()).optional(),
});

export const cloudContactSchema = z.looseObject({ wa_id: z.string().optional(), user_id: z.string().optional() });

/** Where and why a part is unusable: paths and codes only, never values. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(message)"}: ${i.code}`);
}
