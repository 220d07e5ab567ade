// What people type, read once for every flow: tables of real forms (Indonesian, chat spelling,
// Banjar) and what each must read as. Dates have their own table (dates.test.ts).
import { describe, expect, it } from "vitest";
import {
  commandKey,
  foldLabel,
  isNewChildCommand,
  isSkip,
  readChildCode,
  readDecimal,
  readSex,
  readYesNo,
  simplify,
  tidy,
} from "../../../src/lib/input/index.js";

describe("sex", () => {
  it.each([
    ["L", "L"],
    ["l.", "L"],
    ["Laki-laki", "L"],
    ["laki laki", "L"],
    ["lakian", "L"],
    ["lalakian", "L"],
    ["cowok", "L"],
    ["putra", "L"],
    // Banjar "utuh" is a boy, for a parent as for a kader.
    ["utuh", "L"],
    ["Utuh", "L"],
    ["P", "P"],
    ["perempuan", "P"],
    ["Prempuan", "P"],
    ["binian", "P"],
    ["babinian", "P"],
    ["bibinian", "P"],
    ["diang", "P"],
    ["cewe", "P"],
    ["putri", "P"],
    ["1", "L"],
    ["2", "P"],
    ["3", null],
    ["kembar", null],
    ["", null],
    ["laki dan perempuan", null],
  ] as const)("%s → %s", (text, expected) => {
    expect(readSex(text)).toBe(expected);
  });

  it("takes the sex buttons' payloads", () => {
    expect(readSex("", "sex:L")).toBe("L");
    expect(readSex("whatever", "sex:P")).toBe("P");
    expect(readSex("utuh", "sex:X")).toBe("L");
  });
});

describe("yes and no", () => {
  it.each([
    ["ya", "yes"],
    ["Iya bu", "yes"],
    ["akur", "yes"],
    ["bujur", "yes"],
    ["inggih", "yes"],
    ["oke", "yes"],
    ["ulun setuju", "yes"],
    ["tidak", "no"],
    ["kada", "no"],
    ["kada akur", "no"],
    ["tidak setuju", "no"],
    ["gak mau", "no"],
    ["jangan", "no"],
    ["apa itu data pribadi?", null],
    ["", null],
    ["ya tapi nanti dulu saja ya", null],
  ] as const)("%s → %s", (text, expected) => {
    expect(readYesNo(text)).toBe(expected);
  });
});

describe("numbers", () => {
  it.each([
    ["8,2", 8.2],
    ["8.2", 8.2],
    ["8,2 kg", 8.2],
    ["75cm", 75],
    ["72", 72],
    ["8 kilo", 8],
    ["8,2,5", null],
    ["delapan", null],
    ["", null],
    ["-3", null],
  ] as const)("%s → %s", (text, expected) => {
    expect(readDecimal(text)).toBe(expected);
  });
});

describe("child codes", () => {
  it.each([
    ["k7m2qx", "K7M2QX"],
    [" K7M-2QX ", "K7M2QX"],
    ["A7K2", "A7K2"],
    ["KMPQ", "KMPQ"],
    // 0/O and 1/I are not in the alphabet; too short or too long is no code.
    ["A0K2", null],
    ["I1K2", null],
    ["AB2", null],
    ["ABCDEFGH2", null],
  ] as const)("%s → %s", (text, expected) => {
    expect(readChildCode(text)).toBe(expected);
  });
});

describe("skipping an optional answer", () => {
  it.each([
    ["lewati", true],
    ["Tidak ada.", true],
    ["kadada", true],
    ["liwati", true],
    ["-", true],
    ["Siti", false],
    ["0812", false],
  ] as const)("%s → %s", (text, expected) => {
    expect(isSkip(text)).toBe(expected);
  });
});

describe("command words several domains share", () => {
  it.each([
    ["anak baru", true],
    ["anak hanyar", true],
    ["anak puga", true],
    ["tambah kakanakan", true],
    ["anak", false],
    ["anak baru lahir", false],
  ] as const)("%s → %s", (text, expected) => {
    expect(isNewChildCommand(text)).toBe(expected);
  });
});

describe("simplifying text", () => {
  it("keeps what each reader needs", () => {
    expect(simplify("Sudah, makasih!")).toBe("sudah makasih");
    expect(simplify("Lahir 12/3/2026")).toBe("lahir 12/3/2026");
    expect(tidy("  Hamil 0812 LILA 22,5. ")).toBe("hamil 0812 lila 22,5");
    expect(commandKey("Hapus  data!")).toBe("hapus data");
    expect(commandKey("/start")).toBe("/start");
    expect(foldLabel("Orang-tua")).toBe("orang tua");
  });
});
