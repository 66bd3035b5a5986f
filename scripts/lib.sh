# Shared by the project's scripts: Odoo check, PostgreSQL, addons path, config file.
# shellcheck shell=bash
SP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TZ=UTC
# Where scripts/setup-odoo.sh puts Odoo 18.0 (outside the repository).
SP_ODOO_DIR="${SP_ODOO_DIR:-$HOME/.local/share/odoo-18.0}"

# The Python that runs Odoo: $PYTHON when set; else python3 when it has Odoo; else the virtual
# environment scripts/setup-odoo.sh made (on systems whose python3 refuses pip installs); else python3.
sp_detect_python() {
  if [ -n "${PYTHON:-}" ]; then
    PY="$PYTHON"
  elif sp_has_odoo18 python3; then
    PY=python3
  elif [ -x "$SP_ODOO_DIR/venv/bin/python" ]; then
    PY="$SP_ODOO_DIR/venv/bin/python"
  else
    PY=python3
  fi
}

# True when the given Python imports Odoo 18.
sp_has_odoo18() {
  "$1" -c 'import odoo.release as r, sys; sys.exit(r.version_info[0] != 18)' >/dev/null 2>&1
}

sp_say() { printf '\n== %s\n' "$*" >&2; }

# Exits with a clear message when Odoo 18 cannot be imported by $PY.
sp_require_odoo() {
  if ! sp_has_odoo18 "$PY"; then
    cat >&2 <<MSG
ERROR: Odoo 18.0 cannot be imported by '$PY'.
  Install it from Odoo's upstream source first:  make odoo   (scripts/setup-odoo.sh)
  or point PYTHON at an interpreter where 'import odoo' gives Odoo 18.0.
MSG
    exit 3
  fi
}

# Installs the suite's Python requirements into $PY's environment, quietly.
sp_pip_requirements() {
  "$PY" -m pip install -q --disable-pip-version-check -r "$SP_ROOT/requirements.txt" 2>&1 \
    | grep -vE '^(WARNING|ERROR: pip.s dependency resolver|.* requires .*, but you have)' || true
  return "${PIPESTATUS[0]}"
}

# Debian packages the tests use: the browser of the tours, the PDF renderer and reader of the
# printed reports, the compose validator. Installed when running as root with apt (a new
# machine), else listed; returns non-zero when some are still missing.
SP_TEST_DEBS=(chromium wkhtmltopdf poppler-utils docker-compose)
sp_test_debs() {
  local missing=() p
  command -v dpkg-query >/dev/null || return 0
  for p in "${SP_TEST_DEBS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    sp_say "installing the Debian packages the tests use: ${missing[*]}"
    apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
      >/dev/null 2>&1 && return 0
  fi
  echo "ERROR: the tests need these Debian packages: ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
  return 1
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
sp_modules() {
  [ -d "$SP_ROOT/$1" ] || return 0
  (cd "$SP_ROOT/$1" && ls -d -- */__manifest__.py 2>/dev/null | cut -d/ -f1 | paste -sd, -)
}

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
  local conf="$1" addons="$2" env
  shift 2
  env="$("$SP_ROOT/scripts/pg.sh")" || { echo "ERROR: PostgreSQL is not available (scripts/pg.sh)" >&2; return 1; }
  eval "$env"
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

sp_psql() { PGPASSWORD="${SP_DB_PASSWORD:-}" psql -h "$SP_DB_HOST" -p "$SP_DB_PORT" -U "$SP_DB_USER" "$@"; }

# True when database $1 exists on the configured server.
sp_db_exists() {
  [ "$(sp_psql -d postgres -qtAc "SELECT 1 FROM pg_database WHERE datname = '${1//\'/\'\'}'")" = 1 ]
}

sp_detect_python
