// Numbers and dates as Indonesian staff read them (decimal comma, month names), in one place so
// the tests can format the API's numbers the same way and compare them with the page.
const ONE_DECIMAL = new Intl.NumberFormat("id-ID", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const MONTH = new Intl.DateTimeFormat("id-ID", { month: "long", year: "numeric", timeZone: "UTC" });
const DAY = new Intl.DateTimeFormat("id-ID", { day: "numeric", month: "short", year: "numeric", timeZone: "Asia/Makassar" });

const DAY_TIME = new Intl.DateTimeFormat("id-ID", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Makassar" });

/** "4 Des 2026, 14.30 WITA" for an instant. */
export const formatDateTime = (value: string): string => `${DAY_TIME.format(new Date(value))} WITA`;

/** "23,1%"; a dash without a value. */
export const formatPercent = (value: number | null | undefined): string =>
  value === null || value === undefined ? "–" : `${ONE_DECIMAL.format(value)}%`;

/** "2,0" for a z-score; a dash without one. */
export const formatZ = (value: number | null | undefined): string =>
  value === null || value === undefined ? "–" : ONE_DECIMAL.format(value);

export const formatNumber = (value: number | null | undefined): string =>
  value === null || value === undefined ? "–" : ONE_DECIMAL.format(value).replace(/,0$/, "");

/** "Februari 2026" for "2026-02". */
export const formatMonth = (month: string): string => MONTH.format(new Date(`${month}-01T00:00:00Z`));

/** "4 Des 2026" for an instant or a calendar day. */
export const formatDay = (value: string): string => DAY.format(new Date(value.length === 10 ? `${value}T12:00:00+08:00` : value));

export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The month `n` months before "YYYY-MM". */
export function monthMinus(month: string, n: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const total = y * 12 + (m - 1) - n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, "0")}`;
}
