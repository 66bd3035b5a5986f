#!/usr/bin/env bash
# Installs Odoo 18.0 Community from Odoo's upstream source (make odoo), when the Python that runs
# the suite cannot import it. Odoo is not part of this repository: it goes to a folder of its own.
#
#   1. the Debian packages Odoo's Python requirements build against (apt-get, when run as root);
#   2. Odoo's source into $SP_ODOO_DIR/src: the nightly source tarball, or a shallow git clone;
#   3. a virtual environment $SP_ODOO_DIR/venv when the system Python refuses pip installs (PEP 668);
#   4. Odoo's requirements.txt, then Odoo itself with `pip install -e`.
#
# Environment:
#   PYTHON          interpreter to check and install into (default: python3)
#   SP_ODOO_DIR     where Odoo goes (default ~/.local/share/odoo-18.0; never inside this repository)
#   SP_ODOO_SOURCE  nightly (default) or git
#   SP_ODOO_URL     nightly tarball (default https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz)
#   SP_ODOO_GIT     git repository (default https://github.com/odoo/odoo, branch 18.0)
#   SP_ODOO_APT=0   do not install Debian packages (only list the missing ones)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dir="$SP_ODOO_DIR"
source_kind="${SP_ODOO_SOURCE:-nightly}"
url="${SP_ODOO_URL:-https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz}"
repo="${SP_ODOO_GIT:-https://github.com/odoo/odoo}"
say() { printf 'setup-odoo: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

if sp_has_odoo18 "$PY"; then
  where=$("$PY" -c 'import os, odoo; print(os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__))))')
  say "Odoo 18.0 is already importable by $PY (from $where): nothing to do."
  exit 0
fi

say "Odoo 18.0 cannot be imported by $PY: installing it from Odoo's upstream source into $dir"
dir="$(realpath -m "$dir")"
case "$dir/" in "$SP_ROOT"/*) die "SP_ODOO_DIR must be outside this repository ($SP_ROOT)";; esac
mkdir -p "$dir"

pyver=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])') \
  || die "'$PY' is not a working Python interpreter"
case "$pyver" in
  3.10|3.11|3.12) ;;
  *) say "WARNING: Odoo 18.0 supports Python 3.10 to 3.12; $PY is $pyver (requirements may fail to build)";;
esac

# 1. Headers and tools that Odoo's pinned requirements build with (psycopg2, python-ldap, lxml...).
debs=(build-essential python3-dev python3-venv libpq-dev libldap2-dev libsasl2-dev libxml2-dev
      libxslt1-dev libjpeg-dev zlib1g-dev libffi-dev libssl-dev curl git ca-certificates)
missing=()
if command -v dpkg-query >/dev/null; then
  for p in "${debs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && [ "${SP_ODOO_APT:-1}" != 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    say "WARNING: missing Debian packages (install them if a requirement fails to build):"
    say "  sudo apt-get install ${missing[*]}"
  fi
fi

# 2. Odoo's source, kept in $dir/src and reused when it is already there.
src="$dir/src"
if [ -f "$src/odoo/release.py" ] && grep -q "^version_info = (18, 0" "$src/odoo/release.py"; then
  say "reusing the Odoo 18.0 source in $src"
else
  rm -rf "$src.partial"
  if [ "$source_kind" = git ]; then
    say "cloning $repo (branch 18.0, shallow) into $src"
    git clone --depth 1 --branch 18.0 "$repo" "$src.partial" \
      || die "git clone failed; try the nightly tarball: SP_ODOO_SOURCE=nightly make odoo"
  else
    say "downloading $url"
    curl -fL --retry 3 --progress-bar -o "$dir/odoo_18.0.latest.tar.gz" "$url" \
      || die "download failed; try the git source: SP_ODOO_SOURCE=git make odoo (or use Docker: docker compose up)"
    say "unpacking into $src"
    mkdir -p "$src.partial"
    tar -xzf "$dir/odoo_18.0.latest.tar.gz" -C "$src.partial" --strip-components=1
    rm -f "$dir/odoo_18.0.latest.tar.gz"
  fi
  [ -f "$src.partial/odoo/release.py" ] || die "the downloaded source has no odoo/release.py"
  rm -rf "$src"
  mv "$src.partial" "$src"
fi

# 3. Where the packages go: $PY itself, unless it is a system Python that refuses pip (PEP 668).
target="$PY"
if "$PY" - <<'PY'
import os, sys, sysconfig
managed = os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED"))
sys.exit(0 if managed and sys.prefix == sys.base_prefix else 1)
PY
then
  venv="$dir/venv"
  if [ ! -x "$venv/bin/python" ]; then
    say "$PY is managed by the system (PEP 668): creating the virtual environment $venv"
    "$PY" -m venv "$venv" || die "could not create $venv (Debian package python3-venv)"
  fi
  target="$venv/bin/python"
fi

# 4. Odoo's pinned requirements, then Odoo in editable mode. Odoo 18 pins cbor2 5.4.2, whose
# source build breaks with setuptools 70 or later: the constraint reaches pip's build environments.
constraints="$dir/constraints.txt"
echo "setuptools<70" >"$constraints"
export PIP_CONSTRAINT="$constraints${PIP_CONSTRAINT:+ $PIP_CONSTRAINT}"
say "installing Odoo's requirements ($src/requirements.txt) into $target, with PIP_CONSTRAINT=$PIP_CONSTRAINT"
"$target" -m pip install --disable-pip-version-check -r "$src/requirements.txt" \
  || die "Odoo's requirements failed to install (see above; missing Debian packages are listed earlier)"
say "installing Odoo itself: pip install -e $src"
"$target" -m pip install --disable-pip-version-check -e "$src" || die "pip install -e $src failed"

sp_has_odoo18 "$target" || die "Odoo was installed but '$target' still cannot import it"
say "done: Odoo $("$target" -c 'import odoo.release as r; print(r.version)') is importable by $target"
if [ "$target" != "$PY" ]; then
  say "the project's scripts use $target when PYTHON is not set (or: export PYTHON=$target)"
fi
