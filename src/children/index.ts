// Children under five and pregnancies: the people growth monitoring and reminders are about.
import { randomInt } from "node:crypto";
import { and, eq, isNotNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { isParseError, parseReport } from "../growth/parse.js";
import { children, pregnancies } from "./children.sql.js";
import type { NikVault } from "./nik.js";

export { children, pregnancies } from "./children.sql.js";
export type Child = typeof children.$inferSelect;
export type Pregnancy = typeof pregnancies.$inferSelect;

import { CODE_ALPHABET } from "../lib/input/child-code.js";

export { CHILD_CODE_PATTERN } from "../lib/input/child-code.js";

/** Length of new child codes: 32^6 ≈ 1.07 billion, so a typed guess almost never hits one. */
export const CHILD_CODE_LENGTH = 6;

/** A random child code such as K7M2QX. */
export function newChildCode(random: (max: number) => number = randomInt, length = CHILD_CODE_LENGTH): string {
  let code = "";
  for (let i = 0; i < length; i++) code += CODE_ALPHABET[random(CODE_ALPHABET.length)];
  return code;
}

/**
 * True when a kader's report reads the code back as the child's code, after UKUR and at a line's
 * start: some draws read as something else ("822G" is 822 grams, "TB7K" starts a length, codes of
 * letters only or digits only are not taken as codes).
 */
export function isReadableCode(code: string): boolean {
  return [`UKUR ${code} BB 8,2`, `${code} BB 8,2`].every((line) => {
    const r = parseReport(line);
    return !isParseError(r) && r.childCode === code;
  });
}

/** Inserts a child with a fresh, unique and readable code (retrying on the rare collision). */
export async function insertChild(db: DbOrTx, values: Omit<typeof children.$inferInsert, "code">): Promise<Child> {
  for (let attempt = 0; attempt < 32; attempt++) {
    const code = newChildCode();
    if (!isReadableCode(code)) continue;
    const [row] = await db
      .insert(children)
      .values({ ...values, code })
      .onConflictDoNothing({ target: children.code })
      .returning();
    if (row) return row;
  }
  throw new Error("could not find a free child code");
}

/** Seals NIK stored in plain text (before encryption existed, or written by hand); returns how many. */
export async function sealPlainNiks(db: DbOrTx, vault: NikVault): Promise<number> {
  const plain = await db
    .select({ id: children.id, nik: children.nik })
    .from(children)
    .where(and(isNotNull(children.nik), sql`${children.nik} not like 'v1:%'`));
  for (const c of plain) await db.update(children).set(vault.seal(c.nik)).where(eq(children.id, c.id));
  return plain.length;
}

/** NIK: 16 digits; the first six are a Kemendagri region code, so "00" there is impossible. */
export function isValidNik(value: string): boolean {
  return /^\d{16}$/.test(value) && !/^00/.test(value) && !/^(\d)\1{15}$/.test(value);
}

export async function findChildByCode(db: DbOrTx, code: string): Promise<Child | undefined> {
  const [row] = await db.select().from(children).where(eq(children.code, code.toUpperCase()));
  return row;
}

/** The active pregnancy of a contact, if any. */
export async function activePregnancy(db: DbOrTx, contactId: string): Promise<Pregnancy | undefined> {
  const rows = await db.select().from(pregnancies).where(eq(pregnancies.contactId, contactId));
  return rows.find((p) => p.status === "active");
}
