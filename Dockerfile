# Tandem relay image: builds the client with Vite, then runs the relay (TypeScript through
# tsx, as in development) serving it, as a non-root user, with production dependencies only.
#
#   docker build -t tandem-relay .
#   docker run -p 8787:8787 -e REDIS_URL=redis://redis:6379 tandem-relay
#
# See docs/deploy.md. No Docker daemon here: the stages were checked by running their
# commands on Debian 12 with Node 20 (pnpm deploy --prod, then src/main.ts from /out).

ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: full workspace install, client bundle, relay with its production dependencies
FROM ${NODE_IMAGE} AS build
ENV CI=true
RUN npm install -g pnpm@9.15.9
WORKDIR /src
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm build \
 && pnpm --filter @tandem/relay deploy --prod /out \
 && find /out/src -name '*.test.ts' -delete \
 && rm -f /out/src/testing.ts /out/src/free-port.ts /out/src/test-clients.ts \
       /out/src/redis-test-server.ts /out/src/turn-test-server.ts \
       /out/src/fuzz-relay-process.ts /out/tsconfig.tsbuildinfo

# --- run: relay sources, production node_modules and the built client; nothing else
FROM ${NODE_IMAGE} AS run
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8787 \
    STATIC_DIR=/app/public \
    TSX_DISABLE_CACHE=1
WORKDIR /app
COPY --from=build /out ./
COPY --from=build /src/dist/client ./public
# Files stay owned by root and read-only to the relay: it writes nothing.
USER node
EXPOSE 8787
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--import", "tsx", "src/main.ts"]
