# pgflow: PGXS build of the extension, plus the project's developer targets.
#
#   make demo    everything needed, then an example flow end to end
#   make test    everything needed, then every check; ends with "N passed, N failed"

EXTENSION  = pgflow
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" pgflow.control)
DATA_built = pgflow--$(EXTVERSION).sql
DATA       = $(filter-out extension/$(DATA_built),$(wildcard extension/pgflow--*.sql))
EXTRA_CLEAN = results output_iso

PG_CONFIG ?= $(shell command -v pg_config 2>/dev/null || echo /usr/lib/postgresql/15/bin/pg_config)
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(PGXS),)
include $(PGXS)
endif

# The throwaway cluster that `make db` runs (scripts/db.sh); every client below talks to it.
export PGFLOW_PORT ?= 54329
export PGHOST      ?= 127.0.0.1
export PGPORT      ?= $(PGFLOW_PORT)
export PGUSER      ?= postgres
export PGDATABASE  ?= postgres

$(DATA_built): $(sort $(wildcard sql/*.sql))
	cat $^ > $@

.PHONY: deps db db-stop db-status psql check-frozen release demo test \
        test-pgtap test-isolation test-upgrade test-restore test-ts test-load test-faults bench

# TARGET deps: install what is missing (Debian packages, pgmq, npm packages); idempotent
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

# TARGET release: freeze the current version into extension/ (once per version)
release: $(DATA_built)
	@test ! -f extension/$(DATA_built) || { echo "extension/$(DATA_built) already released"; exit 1; }
	mkdir -p extension
	cp $(DATA_built) extension/$(DATA_built)

# TARGET demo: an example flow end to end with the TypeScript worker
demo: deps db
	@$(MAKE) --no-print-directory install >/dev/null
	@scripts/demo.sh

# TARGET test: every check, ending with "N passed, N failed"
test: deps db
	@$(MAKE) --no-print-directory install >/dev/null
	@scripts/test.sh all

# TARGET test-load: 1000 runs on 8 concurrent SQL workers, then every invariant (make test runs 200)
test-load: deps db
	@$(MAKE) --no-print-directory install >/dev/null
	@LOAD_RUNS=1000 scripts/test.sh load

# TARGET test-faults: PostgreSQL restarted (fast, then immediate) under 100 running runs
test-faults: deps db
	@$(MAKE) --no-print-directory install >/dev/null
	@scripts/test.sh faults

# TARGET bench: ours vs upstream pgflow 0.8.1 on the throwaway cluster; one table, raw numbers in bench-results/ (BENCH_SCALE=0.2 for a smoke run)
bench: deps db
	@$(MAKE) --no-print-directory install >/dev/null
	@scripts/bench.sh

test-pgtap test-isolation test-upgrade test-restore test-ts: deps db
	@$(MAKE) --no-print-directory install >/dev/null
	@scripts/test.sh $(patsubst test-%,%,$@)
