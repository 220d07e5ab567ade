import { defineConfig } from "drizzle-kit";

// `npm run db:generate` diffs the tables in src/**/*.sql.ts against migrations/ and writes the
// next migration. The service applies migrations/ itself at start (src/db/migrate.ts).
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/**/*.sql.ts",
  out: "./migrations",
});
