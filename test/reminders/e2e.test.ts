// A mother enrolled by chat, through a simulated pregnancy and her baby's first two years: the
// ManualClock moves a day at a time and the reminder tick runs as the cron job would run it.
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebChat, type WebChatHarness } from "../helpers/web-chat.js";
import type { Reply } from "../helpers/web-chat.js";
import { inbox, registerAs, setWita, tick } from "./chat-helpers.js";

const MOM = "ibu-sim";

interface Received {
  day: string;
  text: string;
  buttons: string[];
}

describe("a pregnancy and two years of a child, end to end through the web chat", () => {
  let chat: WebChatHarness;
  const received: Received[] = [];

  /** Ticks at 09:00 WITA (after the 08:00 + ≤30 min jitter send time) on each day, collecting messages. */
  async function live(fromDay: string, toDay: string, onDay?: (day: string, messages: Reply[]) => Promise<void>): Promise<void> {
    let day = DateTime.fromISO(fromDay);
    const last = DateTime.fromISO(toDay);
    while (day <= last) {
      const iso = day.toISODate()!;
      setWita(chat, `${iso}T09:00`);
      const stats = await tick(chat);
      const messages = stats.messages > 0 ? await inbox(chat, MOM) : [];
      for (const m of messages) received.push({ day: iso, text: m.text, buttons: (m.buttons ?? []).map((b) => b.payload) });
      if (onDay) await onDay(iso, messages);
      day = day.plus({ days: 1 });
    }
  }
  const on = (pattern: RegExp) => received.filter((r) => pattern.test(r.text));

  beforeAll(async () => {
    chat = await createWebChat({ now: "2026-02-28T23:00:00Z" }); // 07:00 WITA
  });
  afterAll(async () => chat?.close());

  it("enrols a pregnant mother by chat right after registration", async () => {
    expect(await registerAs(chat, MOM, "pregnant")).toMatch(/kapan hari pertama haid terakhir \(HPHT\)/);
    const answer = await chat.say(MOM, "1/2/26");
    expect(answer).toMatch(/HPHT 1 Februari 2026, perkiraan lahir \(HPL\) 8 November 2026/);
    expect(answer).toMatch(/4 minggu 0 hari/);
  });

  it("sends the pregnancy programme, one message a day, and records SUDAH and BELUM", async () => {
    let k2Done = false;
    let k3Answers = 0;
    await live("2026-03-01", "2026-10-30", async (day, messages) => {
      expect(messages.length).toBeLessThanOrEqual(1); // merged: never two messages on one day
      const text = messages[0]?.text ?? "";
      if (!k2Done && /periksa kehamilan K2/.test(text)) {
        k2Done = true;
        expect(await chat.say(MOM, "sudah")).toMatch(/sudah kami catat/);
      }
      if (/K3/.test(text) && k3Answers < 3) {
        k3Answers++;
        const answer = await chat.say(MOM, k3Answers === 1 ? "blm" : { payload: "rem:notyet" });
        expect(answer).toMatch(k3Answers < 3 ? /kami ingatkan lagi 3 hari lagi/ : /sudah dua kali mengingatkan/);
      }
    });
    // ANC K1–K6, each once at the start of its window (Permenkes 21/2021: 6 visits).
    for (const visit of ["K1", "K2", "K3", "K4", "K5", "K6"]) {
      expect(on(new RegExp(`waktunya periksa kehamilan ${visit}`)), visit).toHaveLength(1);
    }
    expect(on(/waktunya periksa kehamilan K1 dengan dokter dan USG/)[0]?.day).toBe("2026-03-01");
    // SUDAH on K2 → no "sudah periksa K2?" follow-up; K4 unanswered → its follow-up comes.
    expect(on(/sudah periksa kehamilan K2\?/)).toHaveLength(0);
    expect(on(/sudah periksa kehamilan K4\?/)).toHaveLength(1);
    // BELUM on K3: asked again 3 days later, twice at most (then the follow-up near the window end).
    const k3 = on(/K3/).map((r) => r.day);
    expect(k3.length).toBeGreaterThanOrEqual(3);
    expect(DateTime.fromISO(k3[1]!).diff(DateTime.fromISO(k3[0]!), "days").days).toBe(3);
    expect(DateTime.fromISO(k3[2]!).diff(DateTime.fromISO(k3[1]!), "days").days).toBe(3);
    // Weekly TTD from week 5 (Pedoman Penatalaksanaan TTD) and the P4K plan around week 34.
    expect(on(/tablet tambah darah \(TTD\) setiap hari/).length).toBeGreaterThanOrEqual(34);
    expect(on(/rencana persalinan \(P4K\)/).length).toBeGreaterThanOrEqual(1);
    // Confirmable reminders carry SUDAH/BELUM buttons.
    expect(on(/waktunya periksa kehamilan K5/)[0]?.buttons).toEqual(["rem:done", "rem:notyet"]);
    const days = received.map((r) => r.day);
    expect(new Set(days).size).toBe(days.length);
  });

  it("SUDAH LAHIR ends the pregnancy reminders and starts KF, KN and the immunisations", async () => {
    setWita(chat, "2026-10-31T07:00"); // told before the 08:00 send time
    expect(await chat.say(MOM, "sudah lahir")).toMatch(/Kapan bayinya lahir/);
    expect(await chat.say(MOM, "hari ini")).toMatch(/laki-laki atau perempuan/);
    expect(await chat.say(MOM, "2")).toMatch(/nama bayinya/);
    expect(await chat.say(MOM, "Siti")).toMatch(/Selamat atas kelahiran Siti!.*Kode anak: [A-Z2-9]{6}/s);
    received.length = 0;
    let bcgDone = false;
    await live("2026-10-31", "2028-10-31", async (_day, messages) => {
      expect(messages.length).toBeLessThanOrEqual(1);
      if (!bcgDone && /imunisasi BCG/.test(messages[0]?.text ?? "")) {
        bcgDone = true;
        expect(await chat.say(MOM, { payload: "rem:done" })).toMatch(/sudah kami catat/);
      }
    });
    // No pregnancy content after the birth.
    expect(on(/tablet tambah darah \(TTD\)|periksa kehamilan|Minggu ke-\d+ kehamilan/)).toHaveLength(0);
    // The birth day: KF1, KN1 (with HB-0) merged into one message.
    const first = received.filter((r) => r.day === "2026-10-31");
    expect(first).toHaveLength(1);
    expect(first[0]?.text).toMatch(/KF1/);
    expect(first[0]?.text).toMatch(/KN1/);
    expect(first[0]?.text).toMatch(/HB-0/);
    for (const visit of ["KF2", "KF3", "KF4", "KN2", "KN3"])
      expect(on(new RegExp(`[Ww]aktunya kunjungan (nifas|neonatal) ${visit}`)), visit).toHaveLength(1);
    // Every dose of the Kemenkes schedule (Jadwal imunisasi rutin Kemenkes), for Siti by name.
    for (const vaccine of [
      "BCG",
      "DPT-HB-Hib 1",
      "PCV 1",
      "Rotavirus 1",
      "DPT-HB-Hib 3",
      "Polio suntik \\(IPV\\) 1",
      "MR \\(Campak-Rubela\\) 1",
      "PCV 3",
      "MR \\(Campak-Rubela\\) 2",
    ]) {
      expect(on(new RegExp(`Waktunya imunisasi [^.]*${vaccine}[^.]* untuk Siti`)).length, vaccine).toBe(1);
    }
    // Doses of one visit in one line: 2 months = DPT-HB-Hib 1, Polio 2, PCV 1, Rotavirus 1.
    expect(on(/imunisasi DPT-HB-Hib 1, Polio tetes \(OPV\) 2, PCV 1, Rotavirus 1 untuk Siti/)).toHaveLength(1);
    // SUDAH for BCG (with polio 1, same visit) → no BCG follow-up; the 2-month visit unanswered → follow-up.
    expect(on(/sudah mendapat imunisasi BCG/)).toHaveLength(0);
    expect(on(/sudah mendapat imunisasi DPT-HB-Hib 1/)).toHaveLength(1);
    // Vitamin A: one blue capsule (6–11 months) and then red ones each Februari and Agustus.
    expect(on(/vitamin A biru/)).toHaveLength(1);
    expect(on(/vitamin A merah/).length).toBeGreaterThanOrEqual(3);
    const days = received.map((r) => r.day);
    expect(new Set(days).size).toBe(days.length);
  });
});
