import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const nextConfig: NextConfig = {
  output: "standalone",
  poweredByHeader: false,
  // traced only because next.config.ts is TypeScript; the standalone server reads the config from required-server-files.json
  outputFileTracingExcludes: { "*": ["node_modules/typescript/**"] },
  // Native drivers and Prisma's runtime load files at run time; keep them out of the bundle. The
  // tokenizer is large and rarely needed (lib/canonical/token-count.ts): it loads from node_modules on use.
  serverExternalPackages: ["better-sqlite3", "pg", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg", "@prisma/client", "pino", "pino-pretty", "bullmq", "ioredis", "stripe", "undici", "gpt-tokenizer"],
  // `npm test` type-checks and lints once; builds (npm start, tests) should not pay for it again.
  eslint: { ignoreDuringBuilds: true },
  typescript: { ignoreBuildErrors: true },
  // forbidden(): admin pages answer 403 to members from the server. Pages and routes load when first
  // used rather than all at start-up: a gateway process mostly serves /v1 and should not hold the
  // admin UI's modules in memory (bench/README.md, RSS)
  // Server actions: Next counts their bodies as they stream in and answers 413 past this (its default,
  // set here so it is a decision, not an accident); HUB_MAX_BODY_BYTES caps the rest (lib/http/body.ts)
  experimental: { authInterrupts: true, preloadEntriesOnStart: false, serverActions: { bodySizeLimit: "1mb" } },
};

// next-intl without locale routing: i18n/request.ts picks the language per request (cookie, then Accept-Language)
const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

export default withNextIntl(nextConfig);
