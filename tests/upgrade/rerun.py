"""Runs every migration shipped since the release a second time on the upgraded database, in one
transaction rolled back at the end, and reports what each run changed (run by
tests/upgrade/run.py with the working tree's addons).

    python3 tests/upgrade/rerun.py -c CONF -d DB --release-version 18.0.1.0.0

A migration must be idempotent: run again on a database it already migrated (an upgrade rerun
after a failure, a database partly migrated), it changes nothing. For each script, in the order
Odoo runs them (module by module in dependency order; pre, post, end), the content of every
``sp_`` table (``write_date`` and ``write_uid`` aside) and of the settings the suite writes is
compared before and after. Prints one JSON line: [{file, changed, error}].
"""
# A command line prints its result.
# pylint: disable=print-used
import argparse
import importlib.util
import json
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_COLUMNS = {"write_date", "write_uid"}
OTHER_TABLES = {
    "ir_config_parameter": "key, value",
    "res_lang": "code, active",
    "ir_default": "field_id, json_value, user_id, company_id",
    "res_users": "login, active",
    "res_partner": "name, lang, tz, active",
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--release-version", required=True)
    args = parser.parse_args(argv)

    import odoo  # noqa: PLC0415 - the addons path comes from the configuration
    from odoo.modules.module import get_module_path  # noqa: PLC0415
    from odoo.tools import config, parse_version  # noqa: PLC0415

    config.parse_config(["-c", args.config, "-d", args.database], setup_logging=True)
    registry = odoo.modules.registry.Registry(args.database)
    results = []
    with registry.cursor() as cr:
        # Module order as Odoo loads them (dependencies first).
        graph = odoo.modules.graph.Graph()
        cr.execute("SELECT name FROM ir_module_module WHERE state = 'installed'")
        graph.add_modules(cr, [row[0] for row in cr.fetchall()])
        release = parse_version(args.release_version)
        # As Odoo runs them: module by module, every newer version's pre then post scripts;
        # the end scripts once every module is done.
        ordered, end_scripts = [], []
        for package in graph:
            if not package.name.startswith("sp_"):
                continue
            folder = Path(get_module_path(package.name)) / "migrations"
            if not folder.is_dir():
                continue
            versions = [v for v in sorted(folder.iterdir(), key=lambda v: parse_version(_full(v.name)))
                        if v.is_dir() and parse_version(_full(v.name)) > release]
            for phase in ("pre", "post"):
                for version in versions:
                    ordered += sorted(version.glob("%s-*.py" % phase))
            for version in versions:
                end_scripts += sorted(version.glob("end-*.py"))
        ordered += end_scripts
        after = None
        for path in ordered:
            started = time.perf_counter()
            before = after or _sums(cr)
            after = None
            entry = {"file": path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT)
                     else str(path), "changed": [], "error": None}
            cr.execute("SAVEPOINT sp_rerun")
            try:
                spec = importlib.util.spec_from_file_location("sp_rerun_%s" % len(results), path)
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                module.migrate(cr, args.release_version)
                odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}).flush_all()
                after = _sums(cr)
                entry["changed"] = sorted(t for t in before if before[t] != after.get(t))
            except Exception:
                entry["error"] = traceback.format_exc(limit=3)[-1500:]
                cr.execute("ROLLBACK TO SAVEPOINT sp_rerun")
                odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}).invalidate_all()
            entry["seconds"] = round(time.perf_counter() - started, 1)
            results.append(entry)
        cr.rollback()
    print("RERUN " + json.dumps(results), flush=True)
    return 0


def _full(version):
    return version if version.startswith("18.0.") else "18.0." + version


def _sums(cr):
    cr.execute("""SELECT c.table_name, string_agg(quote_ident(c.column_name), ', '
                                                  ORDER BY c.ordinal_position)
                    FROM information_schema.columns c
                    JOIN information_schema.tables t
                      ON t.table_name = c.table_name AND t.table_schema = c.table_schema
                   WHERE c.table_schema = 'public' AND c.table_name LIKE 'sp\\_%%'
                     AND t.table_type = 'BASE TABLE' AND c.column_name <> ALL(%s)
                   GROUP BY c.table_name""", [list(SKIPPED_COLUMNS)])
    tables = dict(cr.fetchall())
    tables.update(OTHER_TABLES)
    sums = {}
    for table, columns in sorted(tables.items()):
        # Names from the catalogue (quoted) or this file's constants.
        order = "id" if columns.startswith("id,") or ", id," in columns else "ROW(%s)::text" % columns
        cr.execute('SELECT count(*), md5(string_agg(ROW(%s)::text, E\'\\n\' ORDER BY %s)) '
                   'FROM "%s"' % (columns, order, table))
        sums[table] = cr.fetchone()
    return sums


if __name__ == "__main__":
    sys.exit(main())
