#!/usr/bin/env bash
# The one test command (make test): lint, compose validation, a fresh database with every suite
# module installed without demo data and their tests run by Odoo, the same tests run again by
# pytest-odoo, a benchmark smoke run and the upgrade test from the last release (tests/upgrade).
# Exits non-zero on any failure, and with exit code 3 and a clear message when Odoo 18 cannot be
# imported.
#
# Environment: SP_TEST_DB (database name, default sp_test), SP_TEST_PORT (HTTP port for browser
# tests, default 8069), SP_TEST_MODULES (limit to these suite modules, comma-separated),
# SP_TEST_SKIP (comma-separated steps to skip: deps, lint, compose, pytest, faults, bench,
# upgrade), PYTHON (the interpreter that has Odoo), SP_DB_HOST, SP_DB_PORT, SP_DB_USER,
# SP_DB_PASSWORD to use an existing PostgreSQL server instead of the project-local one.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SP_ROOT" || exit 1

sp_require_odoo
db="${SP_TEST_DB:-sp_test}"
port="${SP_TEST_PORT:-8069}"
skip=",${SP_TEST_SKIP:-},"
failed=()
started=$SECONDS
step() { case "$skip" in *",$1,"*) sp_say "skipping $1"; return 1;; esac; sp_say "$2"; }

if step deps "Python requirements and the Debian packages of the tests"; then
  sp_pip_requirements || failed+=("pip install -r requirements.txt")
  sp_test_debs || failed+=("Debian packages of the tests")
fi

if step lint "Lint: ruff and pylint-odoo"; then
  scripts/lint.sh || failed+=(lint)
fi

if step compose "docker-compose.yml validation"; then
  if command -v docker-compose >/dev/null; then
    docker-compose -f docker-compose.yml config -q && echo "docker-compose.yml: valid" >&2 \
      || failed+=(compose)
  else
    echo "docker-compose is not installed (Debian package docker-compose): cannot validate" >&2
    failed+=(compose)
  fi
fi

suite=$(sp_modules addons)
testmods=$(sp_modules tests/addons)
[ -n "${SP_TEST_MODULES:-}" ] && suite="$SP_TEST_MODULES" && testmods=""
all="$suite${testmods:+,$testmods}"
if [ -z "$all" ]; then
  echo "ERROR: no module to test in addons/ or tests/addons/" >&2
  exit 1
fi
addons=$(sp_addons_path "$SP_ROOT/tests/addons")
conf="$SP_ROOT/.local/$db.conf"
sp_pg_config "$conf" "$addons" "http_port = $port" "workers = 0" "max_cron_threads = 0" \
  "log_level = info" "without_demo = all" || exit 1

sp_say "Fresh database $db"
sp_psql -d postgres -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" && \
  sp_psql -d postgres -qc "CREATE DATABASE \"$db\" TEMPLATE template0 ENCODING 'UTF8'" || exit 1
rm -rf "$SP_ROOT/.local/filestore/filestore/$db"

log="$SP_ROOT/.local/$db.log"
ext=$(sp_external_depends addons tests/addons)
sp_say "Installing Odoo dependencies without tests: $ext"
sp_odoo -c "$conf" -d "$db" -i "$ext" --stop-after-init --logfile= >"$log.deps" 2>&1 \
  || { tail -50 "$log.deps"; echo "ERROR: installing the dependencies failed (see $log.deps)" >&2; exit 1; }

sp_say "Installing and testing: $all"
tags=$(echo "$all" | sed 's/\([^,]*\)/\/\1/g')
sp_odoo -c "$conf" -d "$db" -i "$all" --test-enable --test-tags "$tags" --stop-after-init \
  --logfile= 2>&1 | tee "$log" \
  | grep -E '(ERROR|CRITICAL|FAIL|Ran [0-9]+ tests|tests? (failed|error)|odoo.tests.stats|when loading database)'
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || failed+=("odoo tests (exit $rc)")
if grep -qE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$log"; then
  failed+=("errors logged during the Odoo test run (see $log)")
fi
# Browser tests must really run: Odoo skips them with only a warning when Chromium or the
# websocket-client package is missing.
if grep -qE 'websocket-client module is not installed|Chrome executable not found|Chrome not found' "$log"; then
  failed+=("browser tests were skipped: install Debian's chromium and requirements.txt")
fi
# "F failed, E error(s) of N tests when loading database 'db'": Odoo's own count.
read -r o_failed o_errors o_run < <(sed -nE \
  's/.* ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests when loading database.*/\1 \2 \3/p' \
  "$log" | tail -1)
o_run=${o_run:-0}; o_bad=$(( ${o_failed:-0} + ${o_errors:-0} ))
[ "$o_run" -gt 0 ] || echo "WARNING: Odoo ran no test" >&2
# When the modules did not even install, the steps below would only repeat the same failure.
if [ "$rc" != 0 ] && [ "$o_run" = 0 ]; then
  echo "the modules did not install (see $log): pytest-odoo and the benchmark are not run" >&2
  skip="$skip,pytest,faults,bench,"
fi

if step pytest "The same module tests through pytest-odoo"; then
  dirs=()
  for m in ${all//,/ }; do
    for d in "addons/$m/tests" "tests/addons/$m/tests"; do [ -d "$d" ] && dirs+=("$d"); done
  done
  if [ ${#dirs[@]} -eq 0 ]; then
    echo "no tests/ folder in the tested modules: nothing for pytest-odoo" >&2
  else
    "$PY" -m pytest -q -p no:cacheprovider --odoo-config "$conf" --odoo-database "$db" "${dirs[@]}"
    prc=$?
    # 5: nothing collected (e.g. only browser tests, which pytest-odoo skips without --odoo-http).
    [ "$prc" = 0 ] || [ "$prc" = 5 ] || failed+=("pytest-odoo (exit $prc)")
  fi
fi

if step faults "Fault tests (tests/faults): killed and concurrent runs against a real server"; then
  for f in tests/faults/*.py; do
    [ -f "$f" ] || continue
    "$PY" "$f" --config "$conf" --template "$db" || failed+=("$f")
  done
fi

if step bench "Benchmark smoke run"; then
  if [ -f tests/bench/run.py ]; then
    # the bench database starts as a copy of the test database (modules already installed)
    "$PY" tests/bench/run.py --config "$conf" --database "${db}_bench" --template "$db" --smoke \
      || failed+=(bench)
  else
    echo "no benchmark harness yet (tests/bench/run.py)" >&2
  fi
fi

if step upgrade "Upgrade test: the last release installed and filled, -u all to the working tree"; then
  if [ -n "${SP_TEST_MODULES:-}" ]; then
    # The upgrade covers every suite module: a run limited to some modules does not run it.
    echo "upgrade: NOT RUN for a run limited by SP_TEST_MODULES (make test without it runs it)" >&2
  else
    SP_TEST_PORT="$port" "$PY" tests/upgrade/run.py --config "$conf" --database "${db}_upgrade" \
      || failed+=("upgrade test (tests/upgrade/run.py, log in .local/${db}_upgrade.upgrade/)")
  fi
fi

printf '\nOdoo: %d tests run, %d failed, %d with errors; %d s in all\n' "$o_run" "${o_failed:-0}" \
  "${o_errors:-0}" "$(( SECONDS - started ))"
bad=$o_bad
if [ ${#failed[@]} -gt 0 ]; then
  printf '\nFAILED:\n'; printf '  - %s\n' "${failed[@]}"
  [ "$bad" -gt 0 ] || bad=${#failed[@]}
else
  printf 'All checks passed.\n'
fi
# The closing line CI reads.
printf 'tests: %d passed, %d failed\n' "$(( o_run - o_bad ))" "$bad"
[ ${#failed[@]} -eq 0 ]
