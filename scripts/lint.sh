#!/usr/bin/env bash
# Lint (make lint): ruff (style, imports, bugs) and pylint with pylint-odoo (Odoo rules, .pylintrc)
# on every suite module and test module. Exits non-zero when either finds something.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SP_ROOT" || exit 1

if ! "$PY" -c 'import ruff, pylint_odoo' 2>/dev/null; then
  sp_say "installing the lint tools (requirements.txt)"
  sp_pip_requirements
fi

rc=0
sp_say "ruff check addons tests"
"$PY" -m ruff check addons tests || rc=1

mods=()
for d in addons/*/ tests/addons/*/; do
  [ -f "$d/__manifest__.py" ] && mods+=("${d%/}")
done
sp_say "pylint-odoo on ${#mods[@]} modules"
if [ ${#mods[@]} -gt 0 ]; then
  "$PY" -m pylint --rcfile=.pylintrc "${mods[@]}" || rc=1
fi
[ "$rc" = 0 ] && echo "lint: clean" >&2
exit "$rc"
