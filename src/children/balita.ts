// Who is a balita here: a child under five, 0–59 completed months. One limit for registering a
// child in chat (by a parent or a kader) and through the API, and for the reminder programme.
import { addAgeOffset, compareDates } from "../reminders/dates.js";

/**
 * Under five: WHO Child Growth Standards (2006) and Permenkes 2/2020 (Standar Antropometri Anak)
 * give z-scores for 0–60 months, posyandu and e-PPGBM count balita as 0–59 months, and the
 * reminder programme ends at 60 months (Buku KIA). The kader registration used to take children up
 * to 72 months as a "late entry", but such a child could never be assessed, so it no longer does.
 */
export const BALITA_MONTHS = 60;

/** True while the child born on birthDate is under five on `today` (both YYYY-MM-DD). */
export function isUnderFive(birthDate: string, today: string): boolean {
  return compareDates(addAgeOffset(birthDate, { months: BALITA_MONTHS }), today) > 0;
}
