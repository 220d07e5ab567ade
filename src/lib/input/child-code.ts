// Children's short codes as printed and as typed back in chat.

/** Letters and digits that cannot be mistaken for one another on paper or a phone keyboard (no 0/O, 1/I). */
export const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/** The alphabet as a regular-expression class. */
export const CODE_CHAR = "[A-HJ-NP-Z2-9]";

/**
 * A child code as typed in chat: 4 characters (children registered before codes grew to 6) up to 8,
 * from the code alphabet. Knowing a code never links a parent by itself (children/linking.ts).
 */
export const CHILD_CODE_PATTERN = new RegExp(`^${CODE_CHAR}{4,8}$`);

/** The code in the form it is stored: upper case, spaces and dashes people type dropped ("k7m-2qx"). */
export function readChildCode(text: string): string | null {
  const code = text
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, "");
  return CHILD_CODE_PATTERN.test(code) ? code : null;
}
