# syntax=docker/dockerfile:1
# deniedby's container image. Built by CI (the development machines have no Docker engine); see README "Deploy on AWS".
#
# Node 20 on Debian bookworm, slim, pinned by the digest of the multi-platform image index that node:20-slim,
# node:20-bookworm-slim and node:20.20.2-bookworm-slim resolve to. Renovate-style bumps change tag and digest together.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0
# Litestream (Apache-2.0) streams the SQLite file to S3 in the ECS task (infra/README.md). Only its static binary is
# copied from this image. The digest is the one public repositories pin for 0.5.16; CI checks it against the registry.
ARG LITESTREAM_IMAGE=litestream/litestream:0.5.16@sha256:837279d1279a90d670c915ddbb641b6e7b98bc42cc4dfb040eb569ee931078a1

FROM ${LITESTREAM_IMAGE} AS litestream

# Build stage: every dependency (TypeScript included), better-sqlite3's native addon compiled here, then pruned.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# A compiler for better-sqlite3 when no prebuilt binary matches the platform.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Scripts off: the package's own `prepare` builds, and needs the sources copied below. better-sqlite3 is built next.
RUN npm ci --ignore-scripts --no-audit --no-fund
RUN npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# Runtime stage: production dependencies and the compiled service only, owned by root and run as the `node` user.
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
COPY --from=litestream /usr/local/bin/litestream /usr/local/bin/litestream
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY migrations ./migrations
COPY queries ./queries
COPY examples ./examples
ENV PORT=8080 \
  DENIEDBY_DB=/data/deniedby.db
# The SQLite file (and Litestream's work files) live in /data. On Fargate the task's volume mounted here takes this
# directory's ownership, so the non-root user can write it.
RUN mkdir -p /data && chown 1000:1000 /data
VOLUME ["/data"]
# 1000 is the `node` user of the base image; numeric so that runAsNonRoot-style checks can verify it.
USER 1000:1000
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node is PID 1 (no shell, no npm, no entrypoint script in between), so SIGTERM reaches deniedby's handler: it
# stops accepting, finishes the requests and the batch in flight, and closes the database.
STOPSIGNAL SIGTERM
ENTRYPOINT []
CMD ["node", "dist/index.js"]
