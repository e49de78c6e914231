# pgflow: PGXS build of the extension, plus the project's developer targets.
#
#   make demo          everything needed, then an example flow end to end
#   make test          everything needed, then every check on PostgreSQL 15 to 18
#                      (make test PG=17: one version); ends with "N passed, N failed, N skipped"
#   make installcheck  the pgTAP suite and isolation specs against an installed server (PG* environment)

EXTENSION  = pgflow
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" pgflow.control)
DATA_built = pgflow--$(EXTVERSION).sql
DATA       = $(filter-out extension/$(DATA_built),$(wildcard extension/pgflow--*.sql))
EXTRA_CLEAN = results output_iso
# installcheck is ours (scripts/test.sh installcheck): pg_prove for pgTAP, then the isolation specs.
NO_INSTALLCHECK = 1

PG_CONFIG ?= $(shell command -v pg_config 2>/dev/null || echo /usr/lib/postgresql/15/bin/pg_config)
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(PGXS),)
include $(PGXS)
endif

# The throwaway cluster that `make db` runs (scripts/db.sh); every client below talks to it.
# installcheck talks to the server the caller's PG* environment names, as libpq would.
ifeq ($(filter installcheck,$(MAKECMDGOALS)),)
export PGFLOW_PORT ?= 54329
export PGHOST      ?= 127.0.0.1
export PGPORT      ?= $(PGFLOW_PORT)
export PGUSER      ?= postgres
export PGDATABASE  ?= postgres
endif

# The PostgreSQL versions make test runs, 15 and those scripts/servers.sh pins (make test PG=17 for one; PG="15 18" for two).
# The suite targets (make test-pgtap ...) run on 15 unless PG says otherwise.
PG_VERSIONS := $(or $(shell scripts/servers.sh versions 2>/dev/null),15 16 17 18)

# Built at every make (one cat): a renamed or deleted file in sql/ leaves no
# newer timestamp behind, so make could not tell that the build is stale.
$(DATA_built): FORCE
	cat $(sort $(wildcard sql/*.sql)) > $@
FORCE:

.PHONY: FORCE deps db db-stop db-status psql check-frozen pgtle release demo test installcheck \
        test-pgtap test-isolation test-upgrade test-restore test-pgtle test-citus test-ts test-load test-faults test-docker bench

# TARGET deps: install what is missing (Debian packages, pgmq, PostgreSQL 16-18, npm packages); idempotent
deps:
	@scripts/deps.sh

# TARGET db: create (once) and start the throwaway cluster in .pg/
db:
	@scripts/db.sh start

# TARGET db-stop: stop the throwaway cluster
db-stop:
	@scripts/db.sh stop

# TARGET db-status: is the throwaway cluster running
db-status:
	@scripts/db.sh status

# TARGET psql: a psql shell on the throwaway cluster
psql:
	@psql

# TARGET check-frozen: a released version's build must equal its frozen script
check-frozen: $(DATA_built)
	@if [ -f extension/$(DATA_built) ]; then \
	  cmp -s $(DATA_built) extension/$(DATA_built) || { \
	    echo "sql/ differs from the released extension/$(DATA_built): bump default_version and add an upgrade script"; exit 1; }; \
	  echo "extension/$(DATA_built) is frozen and matches sql/"; \
	else echo "$(EXTVERSION) is not released yet (no extension/$(DATA_built))"; fi

# TARGET pgtle: pgflow--$(EXTVERSION).pgtle.sql, the install through pg_tle for managed servers (scripts/pgtle.sh; docs/managed-postgres.md)
pgtle: $(DATA_built)
	@scripts/pgtle.sh

# TARGET release: freeze the current version into extension/ (once per version)
release: $(DATA_built)
	@test ! -f extension/$(DATA_built) || { echo "extension/$(DATA_built) already released"; exit 1; }
	mkdir -p extension
	cp $(DATA_built) extension/$(DATA_built)

# TARGET demo: an example flow end to end with the TypeScript worker
demo: deps db
	@$(MAKE) --no-print-directory install >/dev/null
	@scripts/demo.sh

# TARGET test: every check on PostgreSQL 15 to 18 (PG=17: one), a line per version, ending with "N passed, N failed, N skipped"
test: deps db $(DATA_built)
	@$(if $(filter 15,$(or $(PG),$(PG_VERSIONS))),$(MAKE) --no-print-directory install >/dev/null)
	@PGFLOW_TEST_VERSIONS="$(or $(PG),$(PG_VERSIONS))" scripts/test.sh all

# TARGET installcheck: pgTAP (pg_prove) and the isolation specs against the installed server the PG* environment names; skips, counted, what needs pg_cron, plpgsql_check or dblink where they are missing
installcheck:
	@scripts/test.sh installcheck

# TARGET test-load: 1000 runs on 8 concurrent SQL workers, then every invariant (make test runs 200)
test-load: deps db
	@$(MAKE) --no-print-directory install >/dev/null
	@LOAD_RUNS=1000 PGFLOW_TEST_VERSIONS=15 scripts/test.sh load

# TARGET test-faults: PostgreSQL restarted (fast, then immediate) under 100 running runs
test-faults: deps db
	@$(MAKE) --no-print-directory install >/dev/null
	@PGFLOW_TEST_VERSIONS=15 scripts/test.sh faults

# TARGET bench: ours vs upstream pgflow 0.8.1 on the throwaway cluster; one table, raw numbers in bench-results/ (BENCH_SCALE=0.2 for a smoke run)
bench: deps db
	@$(MAKE) --no-print-directory install >/dev/null
	@scripts/bench.sh

# TARGET test-pgtap, test-isolation, test-upgrade, test-restore, test-pgtle, test-ts: one suite, on 15 (PG=18: there; PG="15 16 17 18": on each)
test-pgtap test-isolation test-upgrade test-restore test-pgtle test-ts: deps db $(DATA_built)
	@$(if $(filter 15,$(or $(PG),15)),$(MAKE) --no-print-directory install >/dev/null)
	@PGFLOW_TEST_VERSIONS="$(or $(PG),15)" scripts/test.sh $(patsubst test-%,%,$@)

# TARGET test-citus: pgflow on a Citus coordinator with two workers (tests-citus/; docs/scaling.md); one skipped check where Citus is not installed
test-citus: deps db $(DATA_built)
	@$(MAKE) --no-print-directory install >/dev/null
	@PGFLOW_TEST_VERSIONS=15 scripts/test.sh citus

# TARGET test-docker: the Dockerfile, read (no Docker engine here)
test-docker:
	@scripts/test.sh docker
