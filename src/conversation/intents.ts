// Commands said as a sentence ("saya mau daftar", "cara daftar gimana", "ulun handak badaftar",
// "ulun handak batakun wan bidan"): a message made only of one command's words plus words of
// wanting, asking and politeness means that command. Anything more ("daftar makanan MP-ASI",
// "berhenti menyusui kapan") is a question for the FAQ. The word lists are data, in Indonesian,
// chat spelling and Banjar Hulu (after the FAQ's chat/Banjar mapping, so "handak" arrives as "mau").
import { expandTokens, tokenize } from "../knowledge/normalize.js";
import type { Command } from "./commands.js";

/** Words that may surround any command without changing it: wanting, asking, politeness, fillers. */
const FILLER = new Set([
  "saya",
  "aku",
  "ulun",
  "kami",
  "mau",
  "ingin",
  "pengen",
  "pingin",
  "hendak",
  "handak",
  "minta",
  "tolong",
  "mohon",
  "bisa",
  "boleh",
  "dong",
  "ya",
  "yah",
  "sih",
  "nih",
  "deh",
  "kah",
  "lah",
  "pang",
  "ai",
  "nah",
  "bu",
  "pak",
  "kak",
  "min",
  "admin",
  "bidan",
  "bot",
  "balanting",
  "di",
  "ke",
  "sini",
  "situ",
  "ini",
  "itu",
  "sekarang",
  "wahini",
  "aja",
  "saja",
  "cara",
  "caranya",
  "gimana",
  "bagaimana",
  "kayapa",
  "mapa",
  "apa",
  "yang",
  "untuk",
  "hagan",
  "gasan",
  "dulu",
  "juga",
  "jua",
  "langsung",
  "lewat",
  "pakai",
  "nya",
  "dengan",
  "sama",
  "lawan",
  "wan",
  "kalau",
  "amun",
  "mana",
  "bisakah",
  "bolehkah",
  "silakan",
  "coba",
  "tidak",
  "lagi",
  "semua",
  "seluruh",
  "barataan",
  "punya",
  "milik",
  "dari",
  "matan",
]);

interface Intent {
  command: Command;
  /** At least one of these must be in the message. */
  core: ReadonlySet<string>;
  /** Further words that belong to this command's phrasing. */
  extra?: ReadonlySet<string>;
  /** One of these must be there too ("tanya" alone is someone about to ask the bot). */
  requires?: ReadonlySet<string>;
}

const INTENTS: readonly Intent[] = [
  {
    command: "register",
    core: new Set([
      "daftar",
      "mendaftar",
      "didaftarkan",
      "daftarkan",
      "badaftar",
      "bedaftar",
      "registrasi",
      "register",
      "mendaftarkan",
      "pendaftaran",
    ]),
    extra: new Set(["diri", "akun", "layanan", "pengingat", "jadi", "anggota", "peserta", "bagaimana", "ikut", "umpat"]),
  },
  {
    command: "handoff",
    // "tanya bidan" is the command; "bidan" is in FILLER so it must come with an asking word.
    core: new Set(["tanya", "bertanya", "nanya", "konsultasi", "konsul", "takon", "menanyakan", "curhat"]),
    extra: new Set(["petugas", "puskesmas", "nakes", "dokter", "orang", "langsung", "manusia", "pertanyaan", "sesuatu"]),
    requires: new Set(["bidan", "petugas", "puskesmas", "nakes", "dokter", "manusia"]),
  },
  {
    command: "stop",
    core: new Set(["berhenti", "stop", "baampih", "ampih", "henti", "unsubscribe", "unreg"]),
    extra: new Set([
      "langganan",
      "berlangganan",
      "pesan",
      "pengingat",
      "kirim",
      "dikirim",
      "dikirimi",
      "terima",
      "menerima",
      "notifikasi",
      "jangan",
    ]),
  },
  {
    // "jangan kirim pesan lagi", "tidak usah dikirimi pengingat", Banjar "kada usah" (= tidak perlu).
    command: "stop",
    core: new Set(["jangan", "usah", "perlu"]),
    extra: new Set(["pesan", "pengingat", "notifikasi", "kirim", "dikirim", "dikirimi", "kirimi", "mengirim", "terima", "menerima"]),
    requires: new Set(["kirim", "dikirim", "dikirimi", "kirimi", "mengirim", "pengingat", "notifikasi"]),
  },
  {
    command: "mydata",
    core: new Set(["data", "dataku", "datanya"]),
    extra: new Set([
      "lihat",
      "melihat",
      "malihat",
      "tiring",
      "cek",
      "disimpan",
      "simpan",
      "tersimpan",
      "pribadi",
      "tentang",
      "pasal",
      "sual",
      "apa",
      "saja",
      "tahu",
    ]),
  },
  {
    command: "delete",
    core: new Set(["hapus", "dihapus", "hapuskan", "menghapus", "hapusakan", "buang"]),
    extra: new Set(["data", "dataku", "datanya", "pribadi", "akun"]),
    requires: new Set(["data", "dataku", "datanya", "akun"]),
  },
];

/** The command a short sentence asks for, or null (a question, or something else). */
export function parseIntent(text: string | undefined): Command | null {
  if (!text || text.length > 120) return null;
  // "daftarnya", "caranya": the particle does not change the request.
  const words = expandTokens(tokenize(text).map((t) => (t.length >= 6 && t.endsWith("nya") ? t.slice(0, -3) : t)));
  if (words.length === 0 || words.length > 10) return null;
  for (const intent of INTENTS) {
    if (!words.some((w) => intent.core.has(w))) continue;
    if (intent.requires && !words.some((w) => intent.requires?.has(w))) continue;
    if (words.every((w) => intent.core.has(w) || FILLER.has(w) || intent.extra?.has(w))) return intent.command;
  }
  return null;
}
