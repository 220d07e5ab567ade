import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "data/", "dist/", "migrations/", "coverage/"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // postgres.js only through src/db/postgres.ts, which fixes a crash of the driver as it loads.
      "@typescript-eslint/no-restricted-imports": [
        "error",
        { paths: [{ name: "postgres", message: "Import postgres.js from src/db/postgres.ts (it fixes a driver crash).", allowTypeImports: true }] },
      ],
    },
  },
);
