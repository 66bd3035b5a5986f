#!/usr/bin/env bash
# Starts or reuses PostgreSQL for the suite and prints the connection settings as shell exports.
#
# - When SP_DB_HOST is set (an existing server), nothing is started: the settings are checked.
# - Otherwise a project-local cluster lives in .local/pg (ignored by git), listening on a Unix
#   socket in .local/pg/run only: the embedded default. It is created on first use.
# The role is SP_DB_USER (default "odoo"): Odoo refuses to connect as "postgres".
#
# Usage: eval "$(scripts/pg.sh)"      (prints: export SP_DB_HOST=... SP_DB_PORT=... SP_DB_USER=...)
#        scripts/pg.sh stop
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Every path below is absolute; the postgres user may not be allowed in the caller's folder.
cd /
user="${SP_DB_USER:-odoo}"
port="${SP_DB_PORT:-5432}"
log() { echo "pg: $*" >&2; }

if [ -n "${SP_DB_HOST:-}" ]; then
  log "using the configured server ${SP_DB_HOST}:${port} as ${user}"
  echo "export SP_DB_HOST='${SP_DB_HOST}' SP_DB_PORT='${port}' SP_DB_USER='${user}' SP_DB_PASSWORD='${SP_DB_PASSWORD:-}'"
  exit 0
fi

bindir="${SP_PG_BINDIR:-}"
if [ -z "$bindir" ]; then
  for v in 17 16 15; do
    if [ -x "/usr/lib/postgresql/$v/bin/initdb" ]; then bindir="/usr/lib/postgresql/$v/bin"; break; fi
  done
fi
[ -n "$bindir" ] || bindir="$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")"
if [ ! -x "$bindir/initdb" ]; then
  log "PostgreSQL 15+ server binaries not found: install the Debian package 'postgresql' (or set SP_DB_HOST)."
  exit 1
fi

# PostgreSQL refuses to run as root: the cluster then belongs to the 'postgres' system user.
as=()
if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi
pgdir="$root/.local/pg"
# A checkout under a private folder (e.g. /root) is out of the postgres user's reach: the cluster
# then lives in a folder of its own under /var/tmp, named after the checkout.
if [ ${#as[@]} -gt 0 ] && ! "${as[@]}" test -x "$root"; then
  pgdir="/var/tmp/sp-pg-$(printf %s "$root" | md5sum | cut -c1-12)"
  log "the postgres user cannot reach $root: the project's cluster lives in $pgdir"
fi
data="$pgdir/data"
sock="$pgdir/run"
# A Unix socket path is limited to 107 bytes: a deep checkout gets its socket folder in /tmp.
if [ $(( ${#sock} + 20 )) -gt 107 ]; then
  sock="/tmp/sp-pg-$(printf %s "$root" | md5sum | cut -c1-12)"
fi

if [ "${1:-}" = stop ]; then
  [ -f "$data/postmaster.pid" ] && "${as[@]}" "$bindir/pg_ctl" -D "$data" -m fast stop >&2 || true
  exit 0
fi

mkdir -p "$pgdir"
if [ ! -f "$data/PG_VERSION" ]; then
  log "creating the project-local cluster in $pgdir"
  mkdir -p "$data" "$sock"
  if [ ${#as[@]} -gt 0 ]; then chown -R postgres: "$pgdir" "$sock"; fi
  "${as[@]}" "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  cat >>"$data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$sock'
port = $port
max_connections = 100
shared_buffers = 512MB
work_mem = 32MB
maintenance_work_mem = 256MB
synchronous_commit = off
fsync = off
full_page_writes = off
max_wal_size = 4GB
CONF
fi
if ! "${as[@]}" "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  log "starting the project-local cluster (socket $sock)"
  mkdir -p "$sock" && if [ ${#as[@]} -gt 0 ]; then chown postgres: "$sock"; fi
  "${as[@]}" "$bindir/pg_ctl" -D "$data" -l "$pgdir/server.log" -w -t 60 start >/dev/null
fi
# The role Odoo uses; CREATEDB so that the test command can make fresh databases.
"${as[@]}" "$bindir/psql" -h "$sock" -p "$port" -U postgres -d postgres -qtAc \
  "SELECT 1 FROM pg_roles WHERE rolname = '$user'" | grep -q 1 \
  || "${as[@]}" "$bindir/psql" -h "$sock" -p "$port" -U postgres -d postgres -qc \
     "CREATE ROLE \"$user\" LOGIN SUPERUSER" >/dev/null
echo "export SP_DB_HOST='$sock' SP_DB_PORT='$port' SP_DB_USER='$user' SP_DB_PASSWORD=''"
