import { FlatCompat } from "@eslint/eslintrc";

const compat = new FlatCompat({ baseDirectory: import.meta.dirname });

const config = [
  { ignores: [".next/**", "node_modules/**", "lib/db/generated/**", "prisma/.generated/**", "next-env.d.ts", "test-results/**", "e2e/artifacts/**"] },
  ...compat.extends("next/core-web-vitals", "next/typescript"),
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  {
    // pages and layouts read data only through the data-access layer (lib/dal), whose loaders take the
    // caller and check it before querying: Next may render a page without its layout
    files: ["app/**/page.tsx", "app/**/layout.tsx", "components/**/*.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/lib/db/*", "@/lib/admin/*", "@/lib/analytics/*", "@/lib/billing/ledger-view", "**/lib/db/*", "**/lib/admin/*", "**/lib/analytics/*"],
              message: "Load data through lib/dal/* with the caller (lib/caller.ts).",
            },
          ],
        },
      ],
    },
  },
];

export default config;
