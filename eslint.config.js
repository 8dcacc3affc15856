import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "var/", "data/", "coverage/", "dist/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // A folder's surface is its index.ts: code in another folder imports from there only.
    files: ["src/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(?:\\.\\./)+[a-z-]+/(?!index\\.ts$)[^/]+\\.ts$",
              message: "Import from the folder's index.ts, not from one of its files.",
            },
          ],
        },
      ],
    },
  },
);
