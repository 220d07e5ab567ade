// Commands anyone can type at any time, in Indonesian or Banjar, upper or lower case.
import { keywordKey } from "./domain.js";

export type Command = "menu" | "help" | "language" | "stop" | "start" | "mydata" | "delete" | "register" | "cancel" | "handoff";

const ALIASES: Record<string, Command> = {
  menu: "menu",
  "menu utama": "menu",
  "/menu": "menu",
  bantuan: "help",
  tolong: "help",
  tulung: "help", // Banjar
  help: "help",
  "/help": "help",
  bahasa: "language",
  "ganti bahasa": "language",
  "/bahasa": "language",
  berhenti: "stop",
  stop: "stop",
  baampih: "stop", // Banjar: berhenti
  "/stop": "stop",
  mulai: "start",
  "/start": "start",
  start: "start",
  dataku: "mydata",
  "data ku": "mydata",
  "data saya": "mydata",
  "data ulun": "mydata", // Banjar
  "/dataku": "mydata",
  "hapus data": "delete",
  "hapus dataku": "delete",
  "hapus data saya": "delete",
  "hapus data ulun": "delete",
  "/hapus": "delete",
  // Withdrawing consent (UU PDP art. 9) means no more processing: the data is erased.
  "tarik persetujuan": "delete",
  "cabut persetujuan": "delete",
  daftar: "register",
  "/daftar": "register",
  registrasi: "register",
  batal: "cancel",
  "tanya bidan": "handoff",
  "tanya petugas": "handoff",
  "tanya puskesmas": "handoff",
  "takuni bidan": "handoff", // Banjar: tanyai bidan
  "/bidan": "handoff",
  "kada jadi": "cancel", // Banjar: tidak jadi
};

/** Every command word of the core, for the keyword table (compose.ts). */
export const COMMAND_WORDS: readonly string[] = Object.keys(ALIASES);
/** The words for "cancel": with no dialogue open a domain may take them as its own undo. */
export const CANCEL_WORDS: ReadonlySet<string> = new Set(COMMAND_WORDS.filter((w) => ALIASES[w] === "cancel"));

/** Recognises a whole message as a command ("Menu", "hapus  data!", "/start"). */
export function parseCommand(text: string | undefined): Command | null {
  if (!text) return null;
  return ALIASES[keywordKey(text)] ?? null;
}
