import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "src/generated/", ".quire/", "coverage/", "dist/", "test-results/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/only-throw-error": "error",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "exit", message: "Only src/main.ts and scripts may exit the process." },
      ],
    },
  },
  {
    files: ["src/main.ts", "cli/quire.js", "scripts/**", "bench/**", "test/**"],
    rules: { "no-restricted-properties": "off" },
  },
  {
    // Stages write through the fenced stores (src/pipeline/*-store.ts), never through Prisma;
    // citations-stage builds the fenced PaperStore (src/research) on it.
    files: ["src/pipeline/stages/**"],
    ignores: ["src/pipeline/stages/citations-stage.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "exit", message: "Only src/main.ts and scripts may exit the process." },
        { object: "deps", property: "prisma", message: "Stages write through the fenced stores in src/pipeline, not Prisma." },
      ],
    },
  },
  {
    // Domain code throws the error classes of src/errors (or its own DomainError subclasses);
    // src/schema/error-mapping.ts alone turns them into GraphQL errors, HTTP statuses included.
    // Only the GraphQL surface, the HTTP layer and the app wiring import graphql.
    files: ["src/**/*.ts"],
    ignores: ["src/schema/**", "src/http/**", "src/app.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "graphql", message: "Throw a DomainError (src/errors/domain-errors.ts); src/schema/error-mapping.ts maps it." }] },
      ],
    },
  },
  {
    // The dashboard runs in the browser.
    files: ["web/src/**"],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Tests may assert on loosely typed GraphQL responses.
    files: ["test/**"],
    rules: { "@typescript-eslint/no-unnecessary-type-assertion": "off" },
  },
);
