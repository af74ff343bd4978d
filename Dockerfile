# syntax=docker/dockerfile:1
# One image, every role: `docker run plantgraph <role>` (gateway, subgraph <name>, connectors,
# migrate, keys). The `plant` target adds the demo plant's roles (demo, simulator, seed).

ARG NODE_IMAGE=node:24-slim

# Build: the whole workspace, generated Prisma client, typecheck and bundle into dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV TURBO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
COPY . .
RUN npm ci --no-audit --no-fund && npm run prisma:generate && npm run build

# Runtime dependencies only, from the lockfile the build cut out of the repository's.
FROM ${NODE_IMAGE} AS production-deps
WORKDIR /app
COPY --from=build /src/dist/package.json /src/dist/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS plant-deps
WORKDIR /app
COPY --from=build /src/dist/plant.package.json ./package.json
COPY --from=build /src/dist/plant.package-lock.json ./package-lock.json
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# The production image: built JavaScript, runtime packages, no simulator, seed, bench or tests.
FROM ${NODE_IMAGE} AS production
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PLANTGRAPH_DATA_DIR=/var/lib/plantgraph
RUN mkdir -p /var/lib/plantgraph && chown node:node /var/lib/plantgraph
COPY --from=production-deps /app/node_modules ./node_modules
COPY --from=build /src/dist/ ./
RUN rm -f plant-* plant.package*.json && ln -s /app/plantgraph.js /usr/local/bin/plantgraph
USER node
VOLUME /var/lib/plantgraph
# /readyz answers on every service role's PORT (gateway 4000, subgraphs 4001–4005, connectors 4010).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "/app/plantgraph.js"]
CMD ["--help"]

# The plant image: the production image plus the demo plant (simulator, seed, demo) and its file.
FROM production AS plant
USER root
COPY --from=plant-deps /app/node_modules ./node_modules
COPY --from=build /src/dist/plant-* ./
COPY examples/ ./examples/
USER node
