// How a posyandu or puskesmas is named in a sentence. Staff type names either way ("Melati" or
// "Posyandu Melati"); texts say "Posyandu {{posyandu}}" nowhere, they take this label instead, so
// a name is never doubled ("Posyandu Posyandu Melati").

/** "Melati" → "Posyandu Melati"; "Posyandu Melati", "posyandu melati" and "POSYANDU X" stay as typed. */
export function unitLabel(kind: "Posyandu" | "Puskesmas", name: string | null | undefined): string {
  const n = (name ?? "").trim().replace(/\s+/g, " ");
  if (!n) return "";
  return new RegExp(`^${kind}\\b`, "i").test(n) ? n : `${kind} ${n}`;
}

export const posyanduLabel = (name: string | null | undefined): string => unitLabel("Posyandu", name);
export const puskesmasLabel = (name: string | null | undefined): string => unitLabel("Puskesmas", name);
