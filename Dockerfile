# One image for every role of a distributed run: `splitsim runner`, the coordinator
# (`splitsim run … --runners`) and sweep shards (`splitsim sweep --shard`). It holds the packages,
# the built-in models and configs, and a user's model modules (the folder named by the MODELS
# build argument, copied to /app/models). Runners resolve the model modules a plan names in
# their own /app, so every role must run the same image. See docs/distributed.md.
#
#   docker build -t splitsim:0.2.0 .
#   docker build -t splitsim:mine --build-arg MODELS=../my-project/models .   (a folder inside the build context)
FROM node:20-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production

# The workspace manifests first, so the dependency layer is rebuilt only when they change.
COPY package.json package-lock.json ./
COPY packages/kernel/package.json packages/kernel/
COPY packages/system/package.json packages/system/
COPY packages/instantiation/package.json packages/instantiation/
COPY packages/models/package.json packages/models/
COPY packages/protocols/package.json packages/protocols/
COPY packages/channels/package.json packages/channels/
COPY packages/runtime/package.json packages/runtime/
COPY packages/splitsim/package.json packages/splitsim/
COPY packages/cli/package.json packages/cli/
COPY profiler/package.json profiler/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY packages/ packages/
COPY profiler/ profiler/
COPY configs/ configs/
ARG MODELS=deploy/models
COPY ${MODELS} models/

# Runners and shards need no privileges; the compose coordinator runs as root only to write
# the bind-mounted run folder (docker-compose.yml).
USER node
EXPOSE 7070 7100-7199
ENTRYPOINT ["node", "packages/splitsim/bin/splitsim.js"]
CMD ["--help"]
