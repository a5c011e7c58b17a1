import { FlatCompat } from "@eslint/eslintrc";

const compat = new FlatCompat({ baseDirectory: import.meta.dirname });

export default [
  { ignores: [".next/**", "node_modules/**", "lib/db/generated/**", "prisma/.generated/**", "next-env.d.ts", "test-results/**"] },
  ...compat.extends("next/core-web-vitals", "next/typescript"),
];
