// ESLint (flat config) for the panels' front end: browser ES modules, tests run by node.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/**"] },
  js.configs.recommended,
  {
    files: ["**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.browser },
    },
    rules: {
      "no-unused-vars": ["error", { argsIgnorePattern: "^_", caughtErrors: "none" }],
      eqeqeq: ["error", "always"],
      "prefer-const": "error",
      "no-var": "error",
    },
  },
  {
    // The snippet vl-convert bundles: vegaEmbed is provided by the bundler.
    files: ["src/runtime.js"],
    languageOptions: { globals: { vegaEmbed: "readonly" } },
  },
  {
    files: ["tests/**/*.js", "eslint.config.js"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
];
