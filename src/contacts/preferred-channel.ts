// Which of a person's channels a message to them goes to: the one they last wrote from; a channel
// they never wrote from counts from when it was added. One rule for notices, alerts, results to
// parents and reminders (dispatch.ts uses the same order in its SQL).
import { desc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { contactChannels } from "./contacts.sql.js";

/** The order as SQL over contact_channels' own columns, for hand-written statements. */
export const PREFERRED_CHANNEL_ORDER_SQL = "coalesce(last_inbound_at, created_at) desc";

/** The order for drizzle queries over contactChannels, best first. */
export const preferredChannelOrder = () => desc(sql`coalesce(${contactChannels.lastInboundAt}, ${contactChannels.createdAt})`);

/** The channel a message to this person goes to, or undefined when they have none. */
export async function preferredChannel(db: DbOrTx, contactId: string): Promise<typeof contactChannels.$inferSelect | undefined> {
  const [channel] = await db
    .select()
    .from(contactChannels)
    .where(eq(contactChannels.contactId, contactId))
    .orderBy(preferredChannelOrder())
    .limit(1);
  return channel;
}
