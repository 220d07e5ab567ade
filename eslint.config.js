import tseslint from "typescript-eslint";

const shared = {
  "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
  // postgres.js only through src/db/postgres.ts, which fixes a crash of the driver as it loads.
  "@typescript-eslint/no-restricted-imports": [
    "error",
    {
      paths: [
        { name: "postgres", message: "Import postgres.js from src/db/postgres.ts (it fixes a driver crash).", allowTypeImports: true },
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ["node_modules/", "data/", "dist/", "migrations/", "coverage/"] },
  // Tests, scripts and config: the plain rules (type-aware lint over the tests doubles the time and
  // mostly flags the tests' deliberate shortcuts).
  ...tseslint.configs.recommended,
  { rules: shared },
  // The service itself: type-aware rules (floating promises, awaits of non-promises, needless assertions …).
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: ["src/**/*.ts"] })),
  {
    files: ["src/**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: shared,
  },
  {
    // Fastify plugins and route handlers are async by contract (they return a promise), awaiting or not.
    files: ["src/app.ts", "src/**/routes.ts", "src/**/routes/*.ts", "src/**/*-routes.ts", "src/**/plugin.ts", "src/reports/public.ts"],
    rules: { "@typescript-eslint/require-await": "off" },
  },
);
