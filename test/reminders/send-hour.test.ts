// Reading JAM: what families type to choose the hour, and what must stay a question for the FAQ.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { allowedHours, clockHour, isAllowedHour, parseHourCommand } from "../../src/reminders/send-hour.js";

const set = (hour: number, bare = false) => ({ kind: "set", hour, bare });
const SHOW = { kind: "show" };
const UNREADABLE = { kind: "unreadable" };

describe("parseHourCommand", () => {
  it.each([
    // the hour alone, 24-hour clock, chat spellings
    ["JAM 17", set(17)],
    ["jam 17.00", set(17)],
    ["jam 19.00", set(19)],
    ["Jam 19:00", set(19)],
    ["jam 19 00", set(19)],
    ["jam17", set(17)],
    ["jam 08.00 WITA", set(8)],
    ["jam 05.00", set(5)], // plainly the morning: no "JAM 17?"
    ["pukul 16", set(16)],
    ["pkl 16.00", set(16)],
    ["JAM 7", set(7, true)],
    ["jam 5", set(5, true)], // quiet hours: the chat answers with "JAM 17?"
    ["jam 0", set(0)],
    ["jam 24", set(0)],
    // with what is changed, and requests around it
    ["jam pengingat 16", set(16)],
    ["ganti jam 6 sore", set(18)],
    ["ganti jam pengingat jadi jam 5 sore ya", set(17)],
    ["tolong ubah jam pengingat ke 16", set(16)],
    ["pengingat jam 7 pagi aja", set(7)],
    ["kirim jam 4 sore", set(16)],
    ["ulun handak jam 5 sanja haja", set(17)], // Banjar: saya mau jam 5 sore saja
    // parts of the day
    ["jam 5 sore", set(17)],
    ["jam 5sore", set(17)],
    ["jam 7 pagi", set(7)],
    ["jam 7 baisukan", set(7)], // Banjar: pagi
    ["jam 6 bisukan", set(6)],
    ["jam 8 malam", set(20)],
    ["jam 9 malam", set(21)],
    ["jam 12 malam", set(0)],
    ["jam 2 malam", set(2)],
    ["jam 12 siang", set(12)],
    ["jam 1 siang", set(13)],
    ["jam 11 siang", set(11)],
    ["jam 3 petang", set(15)],
    ["jam 17 sore", set(17)],
    ["jam tujuh pagi", set(7)],
    ["jam dua belas siang", set(12)],
    ["jam lima sore", set(17)],
    // the command alone
    ["JAM", SHOW],
    ["jam?", SHOW],
    ["jam pengingat", SHOW],
    ["Ganti jam", SHOW],
    ["ganti jam pengingat", SHOW],
    // meant as the command, with an hour we cannot use
    ["jam 25", UNREADABLE],
    ["jam 100", UNREADABLE],
    ["jam 7.30", UNREADABLE],
    ["jam 7 30", UNREADABLE],
    ["jam setengah 8", UNREADABLE],
    ["jam 8 siang", UNREADABLE],
    ["jam 14 pagi", UNREADABLE],
    ["jam 15 malam", UNREADABLE],
    // questions and sentences: the FAQ's
    ["jam berapa?", null],
    ["jam berapa posyandu buka", null],
    ["jam berapa pengingat dikirim?", null],
    ["jam 7 pagi bagus untuk minum ttd?", null],
    ["jam 5 sore bisa?", null],
    ["jam tidur bayi berapa lama", null],
    ["jam makan anak yang baik", null],
    ["bayi nyusu tiap brp jam sih idealnya", null],
    ["asip tahan brp jam di suhu ruang", null],
    ["jadwal bus ke Banjarmasin jam berapa", null],
    ["selamat malam", null],
    ["Salamat pagi bu, apa habar?", null],
    ["17", null],
    ["sore", null],
    ["jamu", null],
    ["jamban", null],
    ["", null],
  ] as const)("%s", (text, expected) => {
    expect(parseHourCommand(text)).toEqual(expected);
  });

  it("leaves every question of the FAQ sets alone", () => {
    const read = (file: string) => JSON.parse(readFileSync(new URL(`../knowledge/${file}`, import.meta.url), "utf8")) as { q: string }[];
    const questions = [...read("eval-questions.json"), ...read("dev-questions.json")].map((x) => x.q);
    expect(questions.length).toBeGreaterThan(300);
    expect(questions.filter((q) => parseHourCommand(q) !== null)).toEqual([]);
  });
});

describe("clockHour", () => {
  it.each([
    [7, null, 7],
    [23, null, 23],
    [25, null, null],
    [11, "morning", 11],
    [12, "morning", null],
    [3, "midday", 15],
    [5, "midday", null],
    [6, "afternoon", 18],
    [18, "afternoon", 18],
    [7, "night", 19],
    [3, "night", 3],
    [15, "night", null],
  ] as const)("%i %s → %s", (hour, period, expected) => {
    expect(clockHour(hour, period)).toBe(expected);
  });
});

describe("allowed hours", () => {
  it("are the hours outside quiet hours", () => {
    expect(allowedHours(21, 6)).toEqual({ first: 6, last: 20 });
    expect(allowedHours(22, 5)).toEqual({ first: 5, last: 21 });
    expect(allowedHours(0, 7)).toEqual({ first: 7, last: 23 });
    expect([5, 6, 20, 21].map((h) => isAllowedHour(h, 21, 6))).toEqual([false, true, true, false]);
  });
});
