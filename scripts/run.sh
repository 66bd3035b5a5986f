#!/usr/bin/env bash
# Runs the suite with demo data (make run):
#   1. Odoo 18.0 importable? If not, installs it from upstream (scripts/setup-odoo.sh) and says so;
#   2. the suite's Python requirements;
#   3. PostgreSQL: the project-local cluster, or the server given by SP_DB_HOST... (scripts/pg.sh);
#   4. the demo database (created once, with every module of addons/ and its demo data);
#   5. prints the logins of a demo user for every role, read from that database;
#   6. serves Odoo on http://localhost:$SP_HTTP_PORT until Ctrl-C.
#
# Environment: SP_RUN_DB (database, default sp_demo), SP_HTTP_PORT (default 8069), SP_RESET=1
# (drop and recreate the database), SP_RUN_SERVE=0 (prepare and print the logins, do not serve),
# SP_SKIP_DEPS=1 (do not pip install requirements.txt), SP_RUN_MODULES (install only these
# comma-separated modules instead of all of addons/), PYTHON, SP_DB_HOST, SP_DB_PORT, SP_DB_USER,
# SP_DB_PASSWORD.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SP_ROOT"

db="${SP_RUN_DB:-sp_demo}"
port="${SP_HTTP_PORT:-8069}"

if ! sp_has_odoo18 "$PY"; then
  sp_say "Odoo 18.0 cannot be imported by $PY: installing it from Odoo's upstream source (scripts/setup-odoo.sh)"
  scripts/setup-odoo.sh
  sp_detect_python
fi
sp_require_odoo

if [ "${SP_SKIP_DEPS:-0}" != 1 ]; then
  sp_say "Python requirements (requirements.txt)"
  sp_pip_requirements
fi

modules="${SP_RUN_MODULES:-$(sp_modules addons)}"
[ -n "$modules" ] || { echo "ERROR: no module in addons/" >&2; exit 1; }
conf="$SP_ROOT/.local/$db.conf"
log="$SP_ROOT/.local/$db.log"
sp_say "PostgreSQL"
sp_pg_config "$conf" "$(sp_addons_path)" "http_port = $port" "dbfilter = ^${db}\$" \
  "list_db = False" "without_demo = False" "workers = 0" "max_cron_threads = 1" "log_level = info"
echo "Odoo configuration: $conf" >&2

if [ "${SP_RESET:-0}" = 1 ] && sp_db_exists "$db"; then
  sp_say "SP_RESET=1: dropping the database $db"
  sp_psql -d postgres -qc "DROP DATABASE \"$db\" WITH (FORCE)"
  rm -rf "$SP_ROOT/.local/filestore/filestore/$db"
fi

if ! sp_db_exists "$db"; then
  sp_say "Creating the demo database $db with $modules and demo data (a few minutes; log: $log)"
  sp_psql -d postgres -qc "CREATE DATABASE \"$db\" TEMPLATE template0 ENCODING 'UTF8'"
  rm -rf "$SP_ROOT/.local/filestore/filestore/$db"
  if ! sp_odoo -c "$conf" -d "$db" -i "$modules" --stop-after-init --logfile="$log"; then
    tail -40 "$log" >&2
    sp_psql -d postgres -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"
    echo "ERROR: installing the suite failed (log: $log); the database was dropped" >&2
    exit 1
  fi
else
  # Modules added to addons/ since the database was made are installed; others are left as they
  # are (SP_RESET=1 rebuilds everything from the current code).
  missing=$(sp_psql -d "$db" -qtAc "SELECT string_agg(m, ',') FROM unnest(string_to_array('$modules', ',')) m
    WHERE m NOT IN (SELECT name FROM ir_module_module WHERE state = 'installed')")
  if [ -n "$missing" ]; then
    sp_say "Database $db exists; installing the modules it lacks: $missing (log: $log)"
    sp_odoo -c "$conf" -d "$db" -i "$missing" --stop-after-init --logfile="$log" \
      || { tail -40 "$log" >&2; echo "ERROR: installing $missing failed (log: $log)" >&2; exit 1; }
  else
    sp_say "Database $db exists with every suite module (SP_RESET=1 recreates it)"
  fi
fi

sp_say "Demo logins"
"$PY" - "$conf" "$db" "$port" <<'PY'
"""Print the demo logins of every role, as the database knows them."""
import sys

import odoo
from odoo.exceptions import AccessDenied
from odoo.modules.registry import Registry
from odoo.tools import config

conf, db, port = sys.argv[1:4]
config.parse_config(["-c", conf, "--log-level=warn"])
with Registry(db).cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    rows, note = [], None
    admin = env.ref("base.user_admin")
    generator = env["sp.demo.generator"] if "sp.demo.generator" in env else None
    if generator is None:
        note = "module sp_demo is not installed: no demo user per role yet."
    elif not hasattr(generator, "create_demo_users"):
        note = "sp.demo.generator has no create_demo_users() yet: no demo user per role."
    else:
        rows = [("administrator", admin.login, "admin", "Settings, every module")] + [
            (u["role"], u["login"], u["password"], u.get("first_task", ""))
            for u in generator.create_demo_users()
        ]
        cr.commit()
    if not rows:
        rows = [("administrator", admin.login, "admin", "")]
    Users = env["res.users"].with_context(active_test=False)
    print(f"\nOdoo: http://localhost:{port}  (database {db})\n")
    print(f"  {'role':<20} {'login':<18} {'password':<18} try first")
    for role, login, password, task in rows:
        user = Users.search([("login", "=", login)], limit=1)
        if not user or not user.active:
            print(f"  {role:<20} {login:<18} (no active user with this login in {db})")
            continue
        try:
            user.with_user(user)._check_credentials(
                {"type": "password", "login": login, "password": password}, {"interactive": False}
            )
        except AccessDenied:
            password = "(password differs: set it in Settings > Users)"
        print(f"  {role:<20} {login:<18} {password:<18} {task}")
    if note:
        print(f"\nNote: {note}")
    print()
PY

if [ "${SP_RUN_SERVE:-1}" = 0 ]; then
  exit 0
fi
if ! "$PY" -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("", int(sys.argv[1])))' "$port" 2>/dev/null; then
  echo "ERROR: port $port is in use; choose another with SP_HTTP_PORT=<port> make run" >&2
  exit 1
fi
sp_say "Serving http://localhost:$port (Ctrl-C stops; log: $log)"
exec "$PY" -m odoo -c "$conf" -d "$db" --logfile="$log"
