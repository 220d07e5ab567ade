// Names of places for messages.
import { eq } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { areas } from "./areas.sql.js";

/** Name of a desa for messages: "Batu Piring, Kec. Paringin Selatan". */
export async function desaLabel(db: DbOrTx, desaCode: string | null): Promise<string | null> {
  if (!desaCode) return null;
  const [desa] = await db.select().from(areas).where(eq(areas.code, desaCode));
  if (!desa) return null;
  const [kec] = desa.parentCode ? await db.select().from(areas).where(eq(areas.code, desa.parentCode)) : [];
  return kec ? `${desa.name}, Kec. ${kec.name}` : desa.name;
}
