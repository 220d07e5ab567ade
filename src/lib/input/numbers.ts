// Numbers as typed: a decimal comma ("8,2") as often as a point, a unit stuck on ("8,2kg"), and
// small counts written out in Indonesian or Banjar ("dua", "ampat").

/** Counts written as words, Banjar forms beside Indonesian (ampat, anam, tujuah, dalapan, sambilan, sapuluh). */
export const NUMBER_WORDS: Readonly<Record<string, number>> = {
  se: 1,
  satu: 1,
  sa: 1,
  dua: 2,
  tiga: 3,
  empat: 4,
  ampat: 4,
  lima: 5,
  enam: 6,
  anam: 6,
  tujuh: 7,
  tujuah: 7,
  delapan: 8,
  dalapan: 8,
  sembilan: 9,
  sambilan: 9,
  sepuluh: 10,
  sapuluh: 10,
};

/** "8,2", "8.2", "8,2 kg", "75 cm" → the number; anything else → null. */
export function readDecimal(text: string): number | null {
  const s = text.trim().replace(/\s*(kg|kilo|cm)$/i, "");
  return /^\d+(?:[.,]\d+)?$/.test(s) ? Number(s.replace(",", ".")) : null;
}

/** A decimal-comma number as written in a spreadsheet cell or a report: "8,2" → 8.2 (no check). */
export const decimal = (text: string): number => Number(text.replace(",", "."));
