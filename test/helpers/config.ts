import { expect } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/index.js";

/** The configuration problems an environment has (none: an empty list). */
export function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
}
