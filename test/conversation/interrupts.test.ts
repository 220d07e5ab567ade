// What may interrupt a dialogue, through the web chat on a real database: a danger sign (answered
// with its list, the dialogue resumes), a question typed in the middle of DAFTAR (answered, then
// the same question of DAFTAR again), JAM, and commands said as a sentence in Indonesian or Banjar.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebChat, type WebChatHarness } from "../helpers/web-chat.js";
import { registerAs } from "../reminders/chat-helpers.js";
import { makeKader, seedGrowthWorld, type GrowthWorld } from "../growth/helpers.js";

const DANGER_ID = /⚠️ Ini bisa tanda bahaya/;
const DANGER_BJN = /⚠️/;

describe("interrupting a dialogue", () => {
  let chat: WebChatHarness;
  let world: GrowthWorld;
  beforeAll(async () => {
    chat = await createWebChat({ now: "2026-11-26T01:00:00Z" });
    world = await seedGrowthWorld(chat);
  });
  afterAll(async () => chat?.close());

  /** DAFTAR in Indonesian up to the desa question. */
  async function toDesaStep(from: string) {
    await chat.send(from, "DAFTAR");
    await chat.send(from, "1");
    await chat.send(from, { payload: "yes" });
    expect(await chat.say(from, { payload: "role:parent" })).toMatch(/Di desa\/kelurahan mana/);
  }

  it("answers a danger sign typed in the middle of DAFTAR, then asks the same question again", async () => {
    const from = "daftar-bahaya";
    await toDesaStep(from);
    const reply = await chat.say(from, "sakit kepala hebat");
    expect(reply).toMatch(DANGER_ID);
    expect(reply).toMatch(/Tanda bahaya kehamilan/);
    expect(reply).toMatch(/Kita lanjutkan yang tadi:\n---\nDi desa\/kelurahan mana/);
    // The dialogue is where it was: the desa is taken.
    expect(await chat.say(from, "btu piring")).toMatch(/Posyandu mana|pendaftaran selesai \(Batu Piring/);
  });

  it("sends a child's bloody stool to the sick-child list and a newborn's signs to the newborn list, mid-dialogue", async () => {
    const from = "daftar-anak";
    await toDesaStep(from);
    const child = await chat.say(from, "anak saya bab berdarah");
    expect(child).toMatch(/Tanda bahaya anak sakit/);
    expect(child).not.toMatch(/Tanda bahaya kehamilan/);
    for (const text of ["napas bayi cepat", "bayi badannya dingin", "bayi merintih", "pusar bayi merah bengkak"]) {
      const reply = await chat.say(from, text);
      expect(reply, text).toMatch(/Tanda bahaya bayi baru lahir/);
      expect(reply, text).toMatch(/Kita lanjutkan yang tadi/);
    }
  });

  it("answers Banjar danger wording in the HPHT question and keeps the question open", async () => {
    const from = "hpht-bahaya";
    expect(await registerAs(chat, from, "pregnant", "2")).toMatch(/HPHT/);
    for (const [text, title] of [
      ["kaluar darah", /Tanda bahaya batianan/],
      ["batis bangkak wan sakit kapala", /Tanda bahaya batianan/],
      ["bayi kada hakun manyusu", /Tanda bahaya bayi hanyar lahir/],
      ["pusat bayi habang", /Tanda bahaya bayi hanyar lahir/],
      ["bayi ulun awaknya panas", /Tanda bahaya bayi hanyar lahir/],
      ["imbah baranak ulun demam", /Tanda bahaya imbah baranak/],
    ] as const) {
      const reply = await chat.say(from, text);
      expect(reply, text).toMatch(DANGER_BJN);
      expect(reply, text).toMatch(title);
      expect(reply, text).toMatch(/Hagan malanjutakan nang tadi/);
    }
    // Still waiting for the HPHT.
    expect(await chat.say(from, "12 minggu")).toMatch(/HPHT/);
  });

  it("interrupts a kader's guided UKUR with the danger answer; the UKUR goes on", async () => {
    const kader = "kader-ukur";
    await makeKader(chat, kader, world.posyandu.melati, "id");
    expect(await chat.say(kader, "UKUR")).toMatch(/Kode anak berapa/);
    const reply = await chat.say(kader, "nyeri perut hebat");
    expect(reply).toMatch(DANGER_ID);
    expect(reply).toMatch(/Untuk melanjutkan yang tadi/);
    expect(await chat.say(kader, "ZZZZ")).toMatch(/ZZZZ/); // still at the code step: the code is looked up
  });

  it("answers a danger sign in a question for the bidan and still passes the question on", async () => {
    const from = "tanya-bahaya";
    expect(await chat.say(from, "TANYA BIDAN")).toMatch(/tulis pertanyaan/);
    const reply = await chat.say(from, "bayi saya merintih dan napasnya cepat");
    expect(reply).toMatch(/Tanda bahaya bayi baru lahir/);
    expect(reply).toMatch(/sudah diteruskan ke bidan/);
  });

  it("answers a question typed in the middle of DAFTAR and resumes registration", async () => {
    const from = "daftar-tanya";
    await chat.send(from, "DAFTAR");
    await chat.send(from, "1");
    await chat.send(from, { payload: "yes" });
    const reply = await chat.say(from, "berapa kali ibu hamil harus periksa kehamilan");
    expect(reply).toMatch(/Berapa kali periksa kehamilan\?/);
    expect(reply).toMatch(/Kita lanjutkan yang tadi:\n---\nAnda mendaftar sebagai:\n1\. Orang tua/);
    expect(reply).not.toMatch(/Mohon pilih salah satu/);
    expect(await chat.say(from, "1")).toMatch(/Di desa\/kelurahan mana/);
    // Something that is neither an answer nor a question is asked again as before.
    expect(await chat.say(from, "xq")).toMatch(/tidak ditemukan/);
  });

  it("lets JAM work inside a dialogue, which then resumes", async () => {
    const from = "jam-daftar";
    await toDesaStep(from);
    const notYet = await chat.say(from, "JAM 17");
    expect(notYet).toMatch(/daftar dulu/);
    expect(notYet).toMatch(/Kita lanjutkan yang tadi:\n---\nDi desa\/kelurahan mana/);

    const mom = "jam-hpht";
    await registerAs(chat, mom, "pregnant");
    await chat.send(mom, "12 minggu");
    await chat.send(mom, "SUDAH LAHIR");
    const saved = await chat.say(mom, "jam 5 sore");
    expect(saved).toMatch(/pengingat kami kirim sekitar jam 17\.00 WITA/);
    expect(saved).toMatch(/Untuk melanjutkan yang tadi/);
  });
});

describe("commands said as a sentence", () => {
  let chat: WebChatHarness;
  beforeAll(async () => {
    chat = await createWebChat();
  });
  afterAll(async () => chat?.close());

  it.each([
    ["saya mau daftar", /Pilih bahasa/],
    ["cara daftar gimana", /Pilih bahasa/],
    ["gimana cara daftarnya bu?", /Pilih bahasa/],
    ["ulun handak badaftar", /Pilih bahasa/],
    ["saya mau tanya ke bidan", /tulis pertanyaan Anda untuk bidan/],
    ["ulun handak batakun wan bidan", /pertanyaan|patakunan/i],
    ["saya mau berhenti", /ingin berhenti menerima/],
    ["jangan kirim pesan lagi", /ingin berhenti menerima/],
    ["ulun handak baampih", /baampih|berhenti/i],
    ["lihat data saya", /belum menyimpan data pribadi/],
    ["apa saja data ulun", /data/i],
    ["saya mau hapus data saya", /dihapus permanen/],
  ])("%s starts the command", async (text, expected) => {
    const reply = await chat.say(`intent-${text.replace(/[^a-z]+/g, "-")}`, text);
    expect(reply).toMatch(expected);
    expect(reply).not.toMatch(/belum paham|di luar/);
  });

  it("leaves questions that only share a word to the FAQ", async () => {
    expect(await chat.say("intent-q1", "daftar makanan mpasi 6 bulan apa saja")).not.toMatch(/Pilih bahasa/);
    expect(await chat.say("intent-q2", "kapan boleh berhenti menyusui")).not.toMatch(/ingin berhenti menerima/);
  });

  it("starts DAFTAR from a sentence in the middle of another dialogue", async () => {
    const from = "intent-mid";
    expect(await chat.say(from, "TANYA BIDAN")).toMatch(/tulis pertanyaan/);
    expect(await chat.say(from, "saya mau daftar")).toMatch(/Pilih bahasa/);
  });
});
