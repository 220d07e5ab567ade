// A small Paringin Selatan for growth tests: a puskesmas serving Batu Piring, two posyandu there,
// a puskesmas account whose chat (web "pusk-1") is linked, and ways to make chat users.
import { and, eq } from "drizzle-orm";
import { staffAccounts, staffChatLinks } from "../../src/admin/index.js";
import type { StaffAccount } from "../../src/admin/auth.js";
import { outbox } from "../../src/channels/channels.sql.js";
import { contactChannels, contacts, conversationStates } from "../../src/contacts/contacts.sql.js";
import { posyandu, puskesmas, puskesmasDesa } from "../../src/health-units/health-units.sql.js";
import type { WebChatHarness } from "../helpers/web-chat.js";
import type { MessageKind } from "../../src/channels/channel.js";

export const BATU_PIRING = "63.11.07.2003";

export interface GrowthWorld {
  puskesmasId: string;
  posyandu: { melati: string; mawar: string };
  puskAccount: StaffAccount;
}

export async function contactOf(chat: WebChatHarness, from: string) {
  const [row] = await chat.rt.db
    .select({ contact: contacts })
    .from(contactChannels)
    .innerJoin(contacts, eq(contacts.id, contactChannels.contactId))
    .where(and(eq(contactChannels.channel, "web"), eq(contactChannels.address, chat.addressOf(from))));
  if (!row) throw new Error(`no contact ${from}`);
  return row.contact;
}

export async function seedGrowthWorld(chat: WebChatHarness): Promise<GrowthWorld> {
  const db = chat.rt.db;
  const [unit] = await db.insert(puskesmas).values({ name: "Puskesmas Paringin Selatan" }).returning();
  await db.insert(puskesmasDesa).values({ puskesmasId: unit!.id, desaCode: BATU_PIRING });
  const [melati] = await db.insert(posyandu).values({ name: "Posyandu Melati", desaCode: BATU_PIRING, dayOfMonth: 27 }).returning();
  const [mawar] = await db.insert(posyandu).values({ name: "Posyandu Mawar", desaCode: BATU_PIRING, dayOfMonth: 12 }).returning();
  // A token-only account (no password hash to compute: keeps the tests fast).
  const [puskAccount] = await db
    .insert(staffAccounts)
    .values({ username: "pusk.ps", name: "Puskesmas PS", role: "puskesmas", puskesmasId: unit!.id })
    .returning();
  // The puskesmas staff chat: a web chat user linked to the account (as KODE 123456 would do).
  await chat.send("pusk-1", "halo");
  const staff = await contactOf(chat, "pusk-1");
  await db.insert(staffChatLinks).values({ accountId: puskAccount!.id, contactId: staff.id });
  return { puskesmasId: unit!.id, posyandu: { melati: melati!.id, mawar: mawar!.id }, puskAccount: puskAccount! };
}

/** A chat user made an approved kader of a posyandu (the approval is a row update, as the brief allows). */
export async function makeKader(chat: WebChatHarness, from: string, posyanduId: string, lang: "id" | "bjn") {
  await chat.send(from, "halo");
  const c = await contactOf(chat, from);
  const now = chat.rt.clock.now();
  await chat.rt.db
    .update(contacts)
    .set({
      role: "kader",
      kaderStatus: "active",
      lang,
      desaCode: BATU_PIRING,
      posyanduId,
      consentAt: now,
      consentVersion: "2026-11-v1",
      registeredAt: now,
    })
    .where(eq(contacts.id, c.id));
  await chat.rt.db.delete(conversationStates).where(eq(conversationStates.contactId, c.id));
  return c.id;
}

/** A chat user registered as a parent (consent given), reachable by phone. */
export async function makeParent(chat: WebChatHarness, from: string, phone: string, lang: "id" | "bjn", consent = true) {
  await chat.send(from, "halo");
  const c = await contactOf(chat, from);
  const now = chat.rt.clock.now();
  await chat.rt.db
    .update(contacts)
    .set({
      role: "parent",
      lang,
      desaCode: BATU_PIRING,
      ...(consent ? { consentAt: now, consentVersion: "2026-11-v1", registeredAt: now } : {}),
    })
    .where(eq(contacts.id, c.id));
  await chat.rt.db.update(contactChannels).set({ phone }).where(eq(contactChannels.contactId, c.id));
  return c.id;
}

export async function queued(chat: WebChatHarness, kind: MessageKind) {
  return chat.rt.db.select().from(outbox).where(eq(outbox.kind, kind));
}

/** The child code in "Kode anak: A7K2". */
export function codeIn(text: string): string {
  const m = /Kode anak: ([A-Z0-9]{4,8})/.exec(text);
  if (!m) throw new Error(`no child code in: ${text}`);
  return m[1] as string;
}

/**
 * The test clock stands still, but the conversation core limits a person to 20 messages a minute
 * (inbound.ts FLOOD_LIMIT_PER_MINUTE): let 3.5 s pass before each message, as when typing.
 */
export function paced(chat: WebChatHarness): WebChatHarness {
  const send = chat.send;
  chat.send = async (from, message) => {
    chat.rt.clock.advance(3_500);
    return send(from, message);
  };
  chat.say = async (from, message) => (await chat.send(from, message)).map((r) => r.text).join("\n---\n");
  return chat;
}
