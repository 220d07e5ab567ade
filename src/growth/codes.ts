// Child codes a kader can actually use in a report. children/index.ts draws codes from an
// unambiguous alphabet, but a few draws read as something else to the report parser: "822G" is
// 822 grams, "TB7K" is "TB 7…", and codes of letters only or digits only are not taken as a code
// at the start of a line ("KMPQ BB 8,2"). Children registered by chat get a code that works in
// both report forms.
import { children, newChildCode, type Child } from "../children/index.js";
import type { DbOrTx } from "../db/client.js";
import { isParseError, parseReport } from "./parse.js";

/** True when the parser reads the code back as the child code, after UKUR and at a line's start. */
export function isReadableCode(code: string): boolean {
  return [`UKUR ${code} BB 8,2`, `${code} BB 8,2`].every((line) => {
    const r = parseReport(line);
    return !isParseError(r) && r.childCode === code;
  });
}

/** Inserts a child with a fresh, unique and readable code. */
export async function insertChildWithReadableCode(db: DbOrTx, values: Omit<typeof children.$inferInsert, "code">): Promise<Child> {
  for (let attempt = 0; attempt < 32; attempt++) {
    const code = newChildCode();
    if (!isReadableCode(code)) continue;
    const [row] = await db.insert(children).values({ ...values, code }).onConflictDoNothing({ target: children.code }).returning();
    if (row) return row;
  }
  throw new Error("could not find a free child code");
}
