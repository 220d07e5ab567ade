// The shape of a Telegram update as far as Balanting reads it (Bot API "Update", "Message",
// "CallbackQuery"). Webhook calls are checked against it before grammY or the mapping see them:
// a call with the right secret but a malformed body (`text` a number, a chat without an id) is
// acknowledged and logged without content, never a 500 that Telegram would send again and again.
// Loose objects: fields we do not read, and update kinds we ignore, pass untouched.
import { z } from "zod";

const chat = z.looseObject({ id: z.number().int(), type: z.string() });
const user = z.looseObject({ id: z.number().int(), is_bot: z.boolean() });

const message = z.looseObject({
  message_id: z.number().int(),
  date: z.number().int().nonnegative(),
  chat,
  from: user.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  contact: z.looseObject({ phone_number: z.string(), user_id: z.number().int().optional() }).optional(),
});

const callbackQuery = z.looseObject({
  id: z.string(),
  from: user,
  data: z.string().optional(),
  // An "inaccessible message" (older than 48 hours) still carries chat and message_id.
  message: z.looseObject({ message_id: z.number().int(), chat }).optional(),
});

export const telegramUpdateSchema = z.looseObject({
  update_id: z.number().int().nonnegative(),
  message: message.optional(),
  callback_query: callbackQuery.optional(),
});

export type CheckedUpdate = z.infer<typeof telegramUpdateSchema>;

/** Where and why a body is not a usable update: paths and codes only, never values (UU PDP). */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(body)"}: ${i.code}`);
}
