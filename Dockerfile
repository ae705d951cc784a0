# One image for every service; the compose file picks the app with APP.
# Build: docker build -t voice-agent .   Run: docker run -e APP=gateway voice-agent
FROM node:20-bookworm-slim AS build
WORKDIR /repo
COPY package.json package-lock.json turbo.json tsconfig.base.json ./
COPY packages ./packages
COPY apps ./apps
COPY test/package.json ./test/package.json
RUN npm ci --no-audit --no-fund
RUN npx turbo run build --filter='./apps/*' --filter='./packages/shared' --filter='./packages/tool-kit'
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /repo
COPY --from=build /repo /repo
# The outbox journal's volume mount point, owned by the user the services run as.
RUN mkdir -p /var/lib/voice/outbox && chown node:node /var/lib/voice/outbox
USER node
# APP is one of: gateway, media-bridge, tool-runner, escalation, recorder, order-status-worker, migrate
ENV APP=gateway
CMD ["sh", "-c", "if [ \"$APP\" = migrate ]; then exec node packages/shared/dist/db/cli/migrate.js; else exec node apps/$APP/dist/main.js; fi"]
