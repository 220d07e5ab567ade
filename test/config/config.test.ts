import { describe, expect, it } from "vitest";
import { configProblems } from "../helpers/config.js";
import { loadConfig } from "../../src/config/index.js";

const problems = configProblems;

describe("loadConfig", () => {
  it("defaults to the embedded database with the web chat on", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, DATA_DIR: "./data", database: "pglite", WEB_CHAT: true, TIMEZONE: "Asia/Makassar" });
  });

  it("uses PostgreSQL with DATABASE_URL and turns the web chat off by default", () => {
    const config = loadConfig({ DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test" });
    expect(config).toMatchObject({ database: "postgres", WEB_CHAT: false });
    expect(loadConfig({ DATABASE_URL: "postgres://x@h/db", WEB_CHAT: "on" }).WEB_CHAT).toBe(true);
  });

  it("believes no proxy and gives the web chat no staff roles unless told", () => {
    expect(loadConfig({})).toMatchObject({ TRUST_PROXY: false, WEB_CHAT_STAFF_ROLES: false });
    expect(loadConfig({ TRUST_PROXY: "off" }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: "1" }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: "127.0.0.1, 10.0.0.0/8" }).TRUST_PROXY).toBe("127.0.0.1,10.0.0.0/8");
    expect(loadConfig({ TRUST_PROXY: "loopback" }).TRUST_PROXY).toBe("loopback");
    expect(problems({ TRUST_PROXY: "everyone" })[0]).toMatch(/TRUST_PROXY: use off, a number of proxy hops/);
    expect(loadConfig({ WEB_CHAT_STAFF_ROLES: "on" }).WEB_CHAT_STAFF_ROLES).toBe(true);
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig({ PORT: "", DATABASE_URL: "" })).toMatchObject({ PORT: 3000, database: "pglite" });
  });

  it("names every bad variable once, with the reason", () => {
    const found = problems({ PORT: "abc", DATABASE_URL: "mysql://x", WEB_CHAT: "maybe", TELEGRAM_BOT_TOKEN: "nope" });
    expect(found).toHaveLength(4);
    expect(found.join("\n")).toMatch(/PORT: .*number/i);
    expect(found.join("\n")).toMatch(/DATABASE_URL: must start with postgres/);
    expect(found.join("\n")).toMatch(/WEB_CHAT: use on or off/);
    expect(found.join("\n")).toMatch(/TELEGRAM_BOT_TOKEN: does not look like a bot token/);
  });

  it("checks settings that go together", () => {
    expect(problems({ TELEGRAM_BOT_TOKEN: "123:abc", TELEGRAM_MODE: "webhook" })).toEqual([
      "TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_MODE=webhook",
    ]);
    expect(problems({ WHATSAPP_CLOUD_TOKEN: "t" })[0]).toMatch(/^WHATSAPP_CLOUD_\*/);
    expect(problems({ QUIET_HOURS_START: "6", QUIET_HOURS_END: "6" })).toHaveLength(1);
  });
});
