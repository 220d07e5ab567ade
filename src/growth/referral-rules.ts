// Which weighing results refer a child, as a setting the Pokja can change (GROWTH_REFERRAL_RULES).
// No imports: the configuration schema reads this list before anything else is loaded.
//
// Buku KIA 2023, page "Grafik BB": "Rujuk bila BB anak Tidak Naik (T) atau di Bawah Garis Merah
// atau di Atas Garis Oranye" (https://fliphtml5.com/qwfmx/ulzi/files97653LO_KIA_SIAP_CETAK_%286_Mei_2023%29/54).
// Older kader practice refers at 2T (two T in a row) only; that is not seen verbatim in a Kemenkes
// text, so the safer reading — the printed Buku KIA rule, a single T — is the default.
// "Di atas garis oranye" is not defined in the retrieved text: read here as obesitas (BB/PB or
// BB/TB, else IMT/U, > +3 SD, Permenkes 2/2020); "overweight" (gizi lebih, > +2 SD) is the
// stricter reading a Pokja may switch on. Stunting, wasting, oedema and LiLA always refer.
export const REFERRAL_RULES = ["T", "2T", "BGM", "obese", "overweight"] as const;
export type ReferralRule = (typeof REFERRAL_RULES)[number];

/** Buku KIA 2023: T (each T, so 2T too), BGM, above the orange line (obesitas). */
export const DEFAULT_REFERRAL_RULES: readonly ReferralRule[] = ["T", "BGM", "obese"];
