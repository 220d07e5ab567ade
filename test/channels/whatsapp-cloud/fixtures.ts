// Webhook bodies shaped after Meta's messages webhook reference (made-up numbers and ids).
import { readFileSync } from "node:fs";

export const PHONE_ID = "109876543210";
/** 2026-11-27T02:00:00Z, the timestamp of the fixture messages. */
export const FIXTURE_TIME = new Date(1795744800 * 1000);

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), "utf8"));
}
