# Shared by the project's scripts: Odoo check, PostgreSQL, addons path, config file.
# shellcheck shell=bash
SP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TZ=UTC
PY="${PYTHON:-python3}"

sp_say() { printf '\n== %s\n' "$*" >&2; }

# Exits with a clear message when Odoo 18 cannot be imported by $PY.
sp_require_odoo() {
  if ! "$PY" -c 'import odoo.release as r, sys; sys.exit(r.version_info[0] != 18)' 2>/dev/null; then
    cat >&2 <<MSG
ERROR: Odoo 18.0 cannot be imported by '$PY'.
  Install it from Odoo's upstream source first:  make odoo   (scripts/setup-odoo.sh)
  or point PYTHON at an interpreter where 'import odoo' gives Odoo 18.0.
MSG
    exit 3
  fi
}

# The addons path: Odoo's own addons, the suite, and (for tests) the test-only modules.
sp_addons_path() {
  local extra="${1:-}"
  local odoo_dirs
  odoo_dirs=$("$PY" - <<'PY'
import os, odoo
root = os.path.dirname(os.path.abspath(odoo.__file__))
dirs = [os.path.join(root, "addons"), os.path.join(os.path.dirname(root), "addons")]
print(",".join(d for d in dirs if os.path.isdir(os.path.join(d, "web"))))
PY
)
  echo "${odoo_dirs},${SP_ROOT}/addons${extra:+,$extra}"
}

# Suite modules (addons/) and test-only modules (tests/addons), comma-separated.
sp_modules() { (cd "$SP_ROOT/$1" && ls -d */__manifest__.py 2>/dev/null | cut -d/ -f1 | paste -sd, -); }

# Odoo modules outside the suite that the given suite folders depend on.
sp_external_depends() {
  "$PY" - "$@" <<'PY'
import ast, glob, os, sys
mods = {}
for folder in sys.argv[1:]:
    for man in glob.glob(os.path.join(folder, "*", "__manifest__.py")):
        mods[os.path.basename(os.path.dirname(man))] = ast.literal_eval(open(man).read()).get("depends", [])
ext = sorted({d for deps in mods.values() for d in deps if d not in mods} | {"base", "web"})
print(",".join(ext))
PY
}

# Starts or reuses PostgreSQL (scripts/pg.sh) and writes an Odoo config file for it.
# $1: config path, $2: addons path, $3..: extra "key = value" lines.
sp_pg_config() {
  local conf="$1" addons="$2"; shift 2
  eval "$("$SP_ROOT/scripts/pg.sh")"
  mkdir -p "$(dirname "$conf")"
  {
    echo "[options]"
    echo "addons_path = $addons"
    echo "db_host = $SP_DB_HOST"
    echo "db_port = $SP_DB_PORT"
    echo "db_user = $SP_DB_USER"
    echo "db_password = ${SP_DB_PASSWORD:-False}"
    echo "data_dir = $SP_ROOT/.local/filestore"
    for line in "$@"; do echo "$line"; done
  } >"$conf"
}

sp_odoo() { "$PY" -m odoo "$@"; }

sp_psql() { psql -h "$SP_DB_HOST" -p "$SP_DB_PORT" -U "$SP_DB_USER" "$@"; }
