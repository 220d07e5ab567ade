# Balanting service image. Build: docker build -t balanting .
# Run:   docker run -p 3000:3000 -v balanting-data:/data balanting
#        (or -e DATABASE_URL=postgres://… to use PostgreSQL instead of the embedded database)

FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only (esbuild compiles the service below; tsx runs the admin tools).
# --ignore-scripts: the sources are not here yet for our own `prepare`; it runs below.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    NIK_KEY_FILE=/secrets/nik.key
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY src ./src
COPY locales ./locales
COPY migrations ./migrations
COPY scripts/warm-cache.ts scripts/build.mjs ./scripts/
# Compiled to dist/ (esbuild, about a second): the service starts from JavaScript.
RUN node scripts/build.mjs
# The FAQ classifier trained and an empty migrated embedded database prepared at build time
# (node_modules/.cache), so no start has to do either.
RUN node --import tsx scripts/warm-cache.ts
# /secrets holds the NIK key when NIK_KEY is not given: a volume apart from the data, so that a
# copy of the data (or a backup of it) does not carry the key.
RUN mkdir -p /data /secrets && chown node:node /data /secrets
USER node
VOLUME ["/data", "/secrets"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# What npm start runs, without npm in between, so SIGTERM reaches the service for a clean stop.
# The heap ceiling makes V8 collect garbage before it grows the heap (see BENCHMARKS.md).
CMD ["node", "--max-semi-space-size=8", "--max-old-space-size=1024", "dist/main.js"]
