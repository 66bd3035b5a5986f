#!/usr/bin/env bash
# The one test command (make test): lint, compose validation, a fresh database with every suite
# module installed without demo data and their tests run by Odoo, the same tests run again by
# pytest-odoo, and a benchmark smoke run. Exits non-zero on any failure.
#
# Environment: SP_TEST_DB (database name, default sp_test), SP_TEST_PORT (HTTP port for browser
# tests, default 8069), SP_TEST_MODULES (limit to these suite modules, comma-separated),
# SP_TEST_SKIP (comma-separated steps to skip: lint, compose, pytest, bench), SP_DB_HOST... to use
# an existing PostgreSQL server instead of the project-local one.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SP_ROOT"

sp_require_odoo
db="${SP_TEST_DB:-sp_test}"
port="${SP_TEST_PORT:-8069}"
skip=",${SP_TEST_SKIP:-},"
failed=()
step() { case "$skip" in *",$1,"*) sp_say "skipping $1"; return 1;; esac; sp_say "$2"; }

if step deps "Python requirements"; then
  "$PY" -m pip install -q --disable-pip-version-check -r requirements.txt 2>&1 \
    | grep -vE '^(WARNING|ERROR: pip.s dependency resolver|.* requires .*, but you have)' || true
fi

if step lint "Lint: ruff and pylint-odoo"; then
  "$PY" -m ruff check addons tests || failed+=(ruff)
  "$PY" -m pylint --rcfile=.pylintrc addons/* tests/addons/* || failed+=(pylint-odoo)
fi

if step compose "docker-compose.yml validation"; then
  if command -v docker-compose >/dev/null; then
    docker-compose -f docker-compose.yml config -q || failed+=(compose)
  else
    echo "docker-compose is not installed (Debian package docker-compose): cannot validate" >&2
    failed+=(compose)
  fi
fi

suite=$(sp_modules addons)
testmods=$(sp_modules tests/addons)
[ -n "${SP_TEST_MODULES:-}" ] && suite="$SP_TEST_MODULES" && testmods=""
all="$suite${testmods:+,$testmods}"
addons=$(sp_addons_path "$SP_ROOT/tests/addons")
conf="$SP_ROOT/.local/$db.conf"
sp_pg_config "$conf" "$addons" "http_port = $port" "workers = 0" "max_cron_threads = 0" \
  "log_level = info" "without_demo = all"

sp_say "Fresh database $db"
sp_psql -d postgres -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" && \
  sp_psql -d postgres -qc "CREATE DATABASE \"$db\" TEMPLATE template0 ENCODING 'UTF8'" || exit 1
rm -rf "$SP_ROOT/.local/filestore/filestore/$db"

log="$SP_ROOT/.local/$db.log"
ext=$(sp_external_depends addons tests/addons)
sp_say "Installing Odoo dependencies without tests: $ext"
sp_odoo -c "$conf" -d "$db" -i "$ext" --stop-after-init --logfile= >"$log.deps" 2>&1 \
  || { tail -50 "$log.deps"; echo "ERROR: installing the dependencies failed" >&2; exit 1; }

sp_say "Installing and testing: $all"
tags=$(echo "$all" | sed 's/\([^,]*\)/\/\1/g')
sp_odoo -c "$conf" -d "$db" -i "$all" --test-enable --test-tags "$tags" --stop-after-init \
  2>&1 | tee "$log" | grep -E '(ERROR|CRITICAL|FAIL|Ran [0-9]+ tests|tests? (failed|error)|odoo.tests.stats)' 
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || failed+=("odoo tests (exit $rc)")
if grep -qE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$log"; then
  failed+=("errors logged during the Odoo test run (see $log)")
fi

if step pytest "The same module tests through pytest-odoo"; then
  dirs=()
  for m in ${all//,/ }; do
    for d in "addons/$m/tests" "tests/addons/$m/tests"; do [ -d "$d" ] && dirs+=("$d"); done
  done
  "$PY" -m pytest -q -p no:cacheprovider --odoo-config "$conf" --odoo-database "$db" "${dirs[@]}" \
    || failed+=(pytest-odoo)
fi

if step bench "Benchmark smoke run"; then
  if [ -f tests/bench/run.py ]; then
    "$PY" tests/bench/run.py --config "$conf" --database "${db}_bench" --smoke || failed+=(bench)
  else
    echo "no benchmark harness yet (tests/bench/run.py)" >&2
  fi
fi

if [ ${#failed[@]} -gt 0 ]; then
  printf '\nFAILED:\n' >&2; printf '  - %s\n' "${failed[@]}" >&2
  exit 1
fi
printf '\nAll checks passed.\n'
