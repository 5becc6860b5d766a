/* ESLint 8.57 with typescript-eslint 8: the last ESLint that reads this file format. */
module.exports = {
  root: true,
  parser: "@typescript-eslint/parser",
  parserOptions: { project: "./tsconfig.json", tsconfigRootDir: __dirname, sourceType: "module" },
  plugins: ["@typescript-eslint"],
  extends: ["eslint:recommended", "plugin:@typescript-eslint/recommended-type-checked"],
  env: { node: true, es2022: true },
  ignorePatterns: ["dist/", "node_modules/", "fixtures/", "bin/", "*.cjs"],
  rules: {
    "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    "@typescript-eslint/consistent-type-imports": "error",
    "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
    "no-constant-condition": ["error", { checkLoops: false }],
    eqeqeq: ["error", "always"],
  },
};
