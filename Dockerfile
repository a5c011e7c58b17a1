# syntax=docker/dockerfile:1
# One image for the app and the worker (docker-compose.yml runs both from it with different commands).
# test/integration/appliance.test.ts assembles the runner stage from this file and boots it.
ARG NODE_IMAGE=node:22-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /src
# better-sqlite3 compiles from source when no prebuilt binary matches the platform
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
# the postinstall step generates the Prisma clients from the schema
COPY package.json package-lock.json ./
COPY scripts/prisma-generate.mjs scripts/prisma-schemas.mjs ./scripts/
COPY prisma/schema.prisma ./prisma/
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1
RUN npm run build

FROM ${NODE_IMAGE} AS runner
WORKDIR /app
# NEXT_MANUAL_SIG_HANDLE: the hub's own SIGTERM handler drains calls and flushes usage (Next's exits at once).
# HOSTNAME: Next binds to it, and Docker sets it to the container id otherwise.
# MALLOC_ARENA_MAX: glibc gives every thread that allocates its own arena and keeps their freed memory;
# two arenas cost nothing measurable and save ~45 MB per process (bench/README.md).
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    MALLOC_ARENA_MAX=2 \
    NEXT_MANUAL_SIG_HANDLE=1 \
    HOSTNAME=0.0.0.0 \
    PORT=3000 \
    HUB_DATA_DIR=/data \
    DATABASE_URL=file:/data/hub.db \
    PATH=/app/bin:$PATH
RUN mkdir -p /data && chown node:node /data
# .next/standalone is the whole runtime: server.js, traced node_modules, static assets, migrations,
# and dist/ (the bundled gateway, worker and `hub` CLI)
COPY --from=build --chown=node:node /src/.next/standalone ./
COPY --chown=node:node docker/hub ./bin/hub
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# exec form: node is PID 1 and receives SIGTERM itself (compose adds an init with `init: true`);
# migrations run at start-up, under a lock, in whichever of app and worker starts first
CMD ["node", "server.js"]
