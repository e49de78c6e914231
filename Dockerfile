# PostgreSQL 17 with pgmq, pg_cron, pgTAP and pgflow installed, and pgflow
# created in the default database on first start. 17 is one of the versions
# make test runs the pgTAP suite and the upgrade test on (scripts/servers.sh);
# tests-docker/dockerfile-lint.sh checks that it stays one.
#   docker build -t pgflow .
#   docker run -d -p 5432:5432 -e POSTGRES_PASSWORD=postgres pgflow
FROM postgres:17-bookworm

# pgmq, pg_cron and pgTAP from the PostgreSQL project's packages (the image's
# apt source); make and the server headers for PGXS, as `make install` needs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      postgresql-17-pgmq postgresql-17-cron postgresql-17-pgtap \
      make postgresql-server-dev-17 \
 && rm -rf /var/lib/apt/lists/*

# The extension, built and installed exactly as `make install` does.
WORKDIR /usr/src/pgflow
COPY pgflow.control Makefile ./
COPY sql/ sql/
COPY extension/ extension/
RUN make install PG_CONFIG=/usr/lib/postgresql/17/bin/pg_config

# pg_cron must be preloaded; it schedules in the default database.
RUN printf '%s\n' '#!/bin/sh' 'set -e' \
      'psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -c "create extension if not exists pgflow cascade"' \
      > /docker-entrypoint-initdb.d/10-pgflow.sh \
 && chmod 755 /docker-entrypoint-initdb.d/10-pgflow.sh

HEALTHCHECK --interval=10s --timeout=5s --retries=5 \
  CMD pg_isready -U "${POSTGRES_USER:-postgres}" -d "${POSTGRES_DB:-postgres}" || exit 1

CMD ["postgres", "-c", "shared_preload_libraries=pg_cron", "-c", "cron.database_name=postgres"]
