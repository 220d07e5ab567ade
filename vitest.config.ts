import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each file gets its own database (see test/helpers/db.ts), so files may run in parallel.
    pool: "forks",
    // Limits for a hang only, never a measure of speed: on a shared 2-core machine under load a
    // runtime on a fresh PGlite database alone can take tens of seconds to build. Every wait inside
    // a test is on an event or a condition (test/helpers/wait.ts), so a quick test ends quickly.
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
