// Command words that more than one domain answers, each for its own people: one list, so the two
// cannot drift apart (a Banjar form working for a kader but not for a parent).

/** "A new child": a kader registers one at the posyandu, a parent adds their own to the reminders. */
export const NEW_CHILD_WORDS = ["anak baru", "anak hanyar", "anak puga", "daftar anak", "tambah anak", "tambah kakanakan"] as const;

export const isNewChildCommand = (simplified: string): boolean => (NEW_CHILD_WORDS as readonly string[]).includes(simplified);
