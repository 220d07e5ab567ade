// Waiting in tests: on a condition re-checked until it holds, never for a fixed time. vi.waitFor
// gives up after 1 s by default, which a shared 2-core machine under load can exceed with nothing
// wrong; here the limit only turns a hang into a clear failure before the test's own time-out.
import { vi } from "vitest";

/** Generous on purpose: the machine may be busy; a condition that holds ends the wait at once. */
export const WAIT_LIMIT_MS = 90_000;

/** Resolves once `check` stops throwing (re-checked every few ms), like vi.waitFor with a hang-only limit. */
export function eventually<T>(check: () => T | Promise<T>, options: { timeout?: number; interval?: number } = {}): Promise<T> {
  return vi.waitFor(check, { timeout: WAIT_LIMIT_MS, interval: 10, ...options });
}
