import { describe, expect, it } from "vitest";
import { detectLanguage } from "../../src/knowledge/language.js";

describe("detectLanguage", () => {
  it.each([
    ["Berapa kali ibu hamil harus periksa?", "id"],
    ["gmn cara kasih mpasi yg bener", "id"],
    ["anak saya tidak mau makan", "id"],
    ["anak ulun kada hakun makan", "bjn"],
    ["kayapa cara maulah bubur iwak", "bjn"],
    ["ulun batianan, barapa kali musti pariksa", "bjn"],
    ["bayi ulun bulih kah nginum banyu putih", "bjn"],
    // one Banjar marker against many Indonesian words: an Indonesian writer using a loan
    ["saya mau tanya, apakah anak yang sudah besar boleh minum susu kental manis pang", "id"],
    // Banjar pronoun plus Indonesian: the writer is Banjar
    ["ulun mau tanya soal imunisasi", "bjn"],
    ["🙏", null],
    ["p", null],
    ["", null],
  ] as const)("%s -> %s", (text, expected) => {
    expect(detectLanguage(text)).toBe(expected);
  });
});
