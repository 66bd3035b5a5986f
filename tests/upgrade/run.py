"""The upgrade test (scripts/test.sh step ``upgrade``): a database installed and filled at the last
release, upgraded to the working tree with ``-u all``, must lose nothing and change nothing it
should not.

    python3 tests/upgrade/run.py [--config CONF] [--database DB] [--release VERSION]
                                 [--people N] [--seed S] [--keep] [--cache-release]

1. The release (migrations/releases.txt: version, commit, date; the last line by default): its
   ``addons/`` taken from git (``git archive``), or from ``tests/upgrade/release-<version>.bundle``
   when the commit is not in this clone (shallow clone, tarball). Neither: the test fails.
2. A fresh database (``DB``, default ``sp_upgrade``) with the release's suite modules installed by
   the release's code, without demo data, filled by the release's generator (tests/upgrade/fill.py:
   registry, collaborators, enrolments, three paid months, tickets, collaborator visits).
3. Checksums of what matters (count + md5 of the rows in id order, per table), module versions,
   stored fields, constraints.
4. ``python3 -m odoo -u all --stop-after-init`` with the working tree's addons. Fails on a non-zero
   exit, an ERROR or CRITICAL line, a traceback, or a constraint or NOT NULL Odoo could not add.
5. The same checksums compared, column by column of the release (columns that may legitimately
   change are listed in EXCLUDED with the reason), no release field left behind in a column no
   field reads any more (a rename without migration), every required field filled and NOT NULL,
   every SQL constraint in the database, each module at its manifest's version.
6. Every migration shipped since the release run a second time on the upgraded database
   (tests/upgrade/rerun.py, rolled back): it must change nothing.

One line per check, a summary, exit code 1 on any difference. ``--config``: an Odoo
configuration whose database settings are used (scripts/test.sh passes its own); without it,
scripts/pg.sh starts or finds the project's PostgreSQL. ``--cache-release``: keep the filled
release database as ``DB_release`` (a template, reused by the next run of the same release, size,
seed and day) to iterate on migrations without reinstalling the release.
"""
# A test runner prints its checks.
# pylint: disable=print-used
import argparse
import ast
import configparser
import datetime
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg2
from psycopg2 import sql

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RELEASES = ROOT / "migrations" / "releases.txt"
PY = sys.executable

# Tables whose whole content must come out of the upgrade unchanged: {table: what it holds}.
CONTENT = {
    "sp_household": "households with their codes, areas and poverty status",
    "sp_individual": "people with their IDs, names and birthdates",
    "sp_household_poverty_history": "poverty history rows",
    "sp_enrolment": "enrolments with states, amounts and dates",
    "sp_decision": "enrolment decisions",
    "sp_entitlement": "monthly entitlements",
    "sp_payment_cycle": "payment cycles",
    "sp_payment_batch": "payment batches",
    "sp_payment_line": "payment lines with states and amounts",
    "sp_payment_result": "agency result files",
    "sp_payment_result_line": "agency result lines",
    "sp_payment_contract": "payment agency contracts",
    "sp_grievance": "tickets with states",
    "sp_collaborator": "collaborators",
    "sp_collaborator_assignment": "caseloads",
    "sp_collaborator_activity": "collaborator visits",
    "sp_collaborator_allowance": "collaborator allowances",
}
# Columns left out of the checksums, with the reason: a column listed here may change in an
# upgrade without loss. Key "*": every table.
EXCLUDED = {
    "*": {
        "write_date": "a migration that fills a new column may touch the row; the content is "
                      "compared column by column",
        "write_uid": "same as write_date",
    },
}
# Release fields the working tree no longer stores, on purpose: {(model, field): reason}. Their
# columns are left out of the checksums (a migration may drop them). Any other stored field of
# the release that is no longer a stored field is a rename or a removal without migration: the
# test fails.
DROPPED_FIELDS = {
    ("sp.grievance", "is_repeat"): "18.0.1.1.0 computes it over the earlier tickets the reader "
                                   "may read (not stored; derived data, sp_grievance's "
                                   "pre-migrate drops the column)",
}
# Tables of the release whose rows may go down in number: {table: reason}.
SHRINKING = {}
# The keys record rules and reports read: a new stored one (not related) must be filled on every
# row the release left, or area-limited users stop seeing those rows.
SCOPE_KEYS = ("area_id", "company_id", "commune_id", "province_id")
# New scope keys that may stay empty on the release's rows: {(model, field): reason}.
UNFILLED_OK = {}
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) (\S+) (\S+): (.*)$")
SCHEMA_FAILURE = re.compile(r"unable to (add constraint|set NOT NULL)", re.I)


class Checks:
    def __init__(self):
        self.results = []

    def check(self, ok, name, detail=""):
        self.results.append((bool(ok), name))
        print("%-4s %s%s" % ("ok" if ok else "FAIL", name, (": " + detail) if detail else ""),
              flush=True)
        return ok

    def info(self, name, detail=""):
        print("info %s%s" % (name, (": " + detail) if detail else ""), flush=True)

    @property
    def failed(self):
        return [name for ok, name in self.results if not ok]


def say(message):
    print("\n== %s" % message, flush=True)


def fail(message):
    print("ERROR: %s" % message, file=sys.stderr, flush=True)
    sys.exit(1)


# ---------------------------------------------------------------------------- releases
def read_releases():
    releases = []
    for line in RELEASES.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 3 or not re.fullmatch(r"[0-9a-f]{40}", parts[1]):
            fail("%s: a line is 'version commit date' with the full commit id, not %r"
                 % (RELEASES, line))
        releases.append({"version": parts[0], "commit": parts[1], "date": parts[2]})
    if not releases:
        fail("%s lists no release" % RELEASES)
    return releases


def git(*args, cwd=ROOT, check=True, **kwargs):
    return subprocess.run(["git", *args], cwd=cwd, check=check, capture_output=True, **kwargs)


def extract_release(release, target):
    """The release's addons/ in ``target``; returns where they came from."""
    if not shutil.which("git"):
        fail("git is not installed: the release's addons are read from git")
    commit = release["commit"]
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    reachable = git("cat-file", "-e", "%s^{commit}" % commit, check=False).returncode == 0
    source = "git commit %s of this clone" % commit[:12]
    repo = ROOT
    if not reachable:
        bundle = HERE / ("release-%s.bundle" % release["version"])
        if not bundle.exists():
            fail("release %s: commit %s is not in this clone (shallow clone?) and there is no "
                 "bundle %s. Fetch the whole history (git fetch --unshallow) or restore the "
                 "bundle (migrations/README.md, 'Releases')." % (release["version"], commit, bundle))
        repo = Path(tempfile.mkdtemp(prefix="sp-upgrade-bundle-"))
        git("init", "-q", "--bare", str(repo))
        git("fetch", "-q", str(bundle), "+refs/*:refs/*", cwd=repo)
        if git("cat-file", "-e", "%s^{commit}" % commit, cwd=repo, check=False).returncode:
            fail("the bundle %s does not hold commit %s" % (bundle, commit))
        source = "bundle %s (commit %s not in this clone)" % (bundle.relative_to(ROOT), commit[:12])
    archive = subprocess.Popen(["git", "archive", commit, "addons"], cwd=repo,
                               stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(target)], stdin=archive.stdout, check=True)
    if archive.wait():
        fail("git archive %s addons failed" % commit)
    if repo != ROOT:
        shutil.rmtree(repo, ignore_errors=True)
    return source


def manifests(addons):
    """{module: manifest} of the installable modules of an addons folder."""
    result = {}
    for path in sorted(Path(addons).glob("*/__manifest__.py")):
        info = ast.literal_eval(path.read_text())
        if info.get("installable", True):
            result[path.parent.name] = info
    return result


def full_version(version):
    """The version Odoo records for a manifest version (18.0 prefixed when missing)."""
    return version if version.startswith("18.0.") or version.count(".") > 2 else "18.0." + version


# ---------------------------------------------------------------------------- database
def db_settings(conf):
    if conf:
        parser = configparser.ConfigParser()
        parser.read(conf)
        opts = parser["options"]
        get = lambda key: opts.get(key) if opts.get(key) not in (None, "", "False") else None  # noqa: E731
        return {"host": get("db_host"), "port": get("db_port"), "user": get("db_user"),
                "password": get("db_password")}
    out = subprocess.run([str(ROOT / "scripts" / "pg.sh")], check=True, capture_output=True,
                         text=True).stdout
    env = dict(item.split("=", 1) for item in shlex.split(out.replace("export ", "")))
    return {"host": env.get("SP_DB_HOST"), "port": env.get("SP_DB_PORT"),
            "user": env.get("SP_DB_USER"), "password": env.get("SP_DB_PASSWORD") or None}


@contextmanager
def connect(settings, dbname):
    """An autocommit connection, closed at the end of the block."""
    cnx = psycopg2.connect(dbname=dbname, host=settings["host"], port=settings["port"],
                           user=settings["user"], password=settings["password"])
    cnx.autocommit = True
    try:
        yield cnx
    finally:
        cnx.close()


def odoo_addons_dirs():
    out = subprocess.run([PY, "-c", (
        "import os, odoo; root = os.path.dirname(os.path.abspath(odoo.__file__)); "
        "dirs = [os.path.join(root, 'addons'), os.path.join(os.path.dirname(root), 'addons')]; "
        "print(','.join(d for d in dirs if os.path.isdir(os.path.join(d, 'web'))))")],
        check=True, capture_output=True, text=True)
    return out.stdout.strip()


def write_conf(path, settings, addons, data_dir):
    lines = ["[options]", "addons_path = %s" % addons]
    for key in ("host", "port", "user", "password"):
        lines.append("db_%s = %s" % (key, settings[key] if settings[key] else "False"))
    lines += ["data_dir = %s" % data_dir, "without_demo = all", "workers = 0",
              "max_cron_threads = 0", "log_level = info", "http_port = %s"
              % os.environ.get("SP_TEST_PORT", "8069")]
    path.write_text("\n".join(lines) + "\n")


def drop_database(settings, name, data_dir):
    with connect(settings, "postgres") as cnx, cnx.cursor() as cr:
        cr.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    shutil.rmtree(Path(data_dir) / "filestore" / name, ignore_errors=True)


def copy_database(settings, source, target, data_dir, comment=None):
    drop_database(settings, target, data_dir)
    with connect(settings, "postgres") as cnx, cnx.cursor() as cr:
        cr.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(target), sql.Identifier(source)))
        if comment:
            cr.execute(sql.SQL("COMMENT ON DATABASE {} IS %s").format(sql.Identifier(target)),
                       [comment])
    src = Path(data_dir) / "filestore" / source
    if src.exists():
        shutil.copytree(src, Path(data_dir) / "filestore" / target)


def database_comment(settings, name):
    with connect(settings, "postgres") as cnx, cnx.cursor() as cr:
        cr.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                   "WHERE datname = %s", [name])
        row = cr.fetchone()
        return row[0] if row else None


def run_odoo(args, log, what):
    """Run an Odoo command line, its output in ``log``; stops the test when it fails."""
    started = time.perf_counter()
    with open(log, "w") as out:
        rc = subprocess.run(args, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT).returncode
    seconds = time.perf_counter() - started
    if rc:
        print(Path(log).read_text()[-6000:])
        fail("%s failed (exit %s, %.0f s): see %s" % (what, rc, seconds, log))
    return seconds


# ---------------------------------------------------------------------------- snapshot
def snapshot(cnx):
    """What the checks compare: tables, columns, row checksums, fields, modules, constraints."""
    cr = cnx.cursor()
    cr.execute("""SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname LIKE 'sp\\_%'""")
    tables = sorted(row[0] for row in cr.fetchall())
    cr.execute("""SELECT table_name, column_name, is_nullable FROM information_schema.columns
                   WHERE table_schema = 'public' AND table_name LIKE 'sp\\_%'
                   ORDER BY table_name, ordinal_position""")
    columns, nullable = {}, {}
    for table, column, is_nullable in cr.fetchall():
        columns.setdefault(table, []).append(column)
        nullable[(table, column)] = is_nullable == "YES"
    counts = {}
    for table in tables:
        cr.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cr.fetchone()[0]
    cr.execute("""SELECT f.model, f.name, f.ttype, f.required, f.store, m.transient, f.related,
                         f.relation, f.id
                    FROM ir_model_fields f JOIN ir_model m ON m.id = f.model_id
                   WHERE f.model LIKE 'sp.%' OR f.model LIKE 'res.%'""")
    fields = {(model, name): {"ttype": ttype, "required": required, "store": store,
                              "transient": transient, "related": related, "relation": relation,
                              "id": field_id}
              for model, name, ttype, required, store, transient, related, relation, field_id
              in cr.fetchall()}
    cr.execute("SELECT model, transient FROM ir_model WHERE model LIKE 'sp.%'")
    models = dict(cr.fetchall())
    cr.execute("SELECT name, state, latest_version FROM ir_module_module")
    modules = {name: {"state": state, "version": version} for name, state, version in cr.fetchall()}
    cr.execute("""SELECT c.name, m.model, c.definition, mod.name
                    FROM ir_model_constraint c JOIN ir_model m ON m.id = c.model
                    JOIN ir_module_module mod ON mod.id = c.module
                   WHERE c.type = 'u' AND mod.name LIKE 'sp\\_%'""")
    constraints = [{"name": row[0], "model": row[1], "definition": row[2], "module": row[3]}
                   for row in cr.fetchall()]
    cr.execute("SELECT conname FROM pg_constraint")
    pg_constraints = {row[0] for row in cr.fetchall()}
    extra = {}
    for name, query in EXTRA_QUERIES.items():
        cr.execute(query)
        extra[name] = cr.fetchone()
    return {"tables": tables, "columns": columns, "nullable": nullable, "counts": counts,
            "fields": fields, "models": models, "modules": modules, "constraints": constraints,
            "pg_constraints": pg_constraints, "extra": extra}


# Rows outside the sp_ tables that the suite's data owns: (count, md5) each.
EXTRA_QUERIES = {
    "mail_activity of sp models (non-collection proposals...)": """
        SELECT count(*), md5(string_agg(ROW(res_model, res_id, activity_type_id, date_deadline,
               user_id, summary)::text, E'\\n' ORDER BY id))
          FROM mail_activity WHERE res_model LIKE 'sp.%'""",
    "ir_attachment of sp models (payment files...)": """
        SELECT count(*), md5(string_agg(ROW(res_model, res_id, name, checksum, file_size)::text,
               E'\\n' ORDER BY id))
          FROM ir_attachment WHERE res_model LIKE 'sp.%'""",
    "mail_message of sp models (chatter)": """
        SELECT count(*), md5(string_agg(ROW(model, res_id, message_type, body::text)::text,
               E'\\n' ORDER BY id))
          FROM mail_message WHERE model LIKE 'sp.%'""",
    "res_users (logins, active)": """
        SELECT count(*), md5(string_agg(ROW(login, active, partner_id)::text, E'\\n' ORDER BY id))
          FROM res_users""",
}


def checked_columns(table, release_columns):
    excluded = dict(EXCLUDED.get("*", {}), **EXCLUDED.get(table, {}))
    excluded.update({field: reason for (model, field), reason in DROPPED_FIELDS.items()
                     if table_of(model) == table})
    return [c for c in release_columns if c not in excluded]


def checksum(cnx, table, cols):
    """count and md5 of the rows (``cols`` in this order), in id order (all columns for
    relation tables without id)."""
    cr = cnx.cursor()
    row = sql.SQL("ROW({})::text").format(sql.SQL(", ").join(map(sql.Identifier, cols)))
    order = sql.Identifier("id") if "id" in cols else sql.SQL(", ").join(map(sql.Identifier, cols))
    cr.execute(sql.SQL("SELECT count(*), md5(string_agg({}, E'\\n' ORDER BY {})) FROM {}").format(
        row, order, sql.Identifier(table)))
    return cr.fetchone()


def table_of(model):
    return model.replace(".", "_")


# ---------------------------------------------------------------------------- checks
def check_log(checks, log):
    errors, schema, warnings = [], [], []
    lines = Path(log).read_text(errors="replace").splitlines()
    for index, line in enumerate(lines):
        match = LOG_LINE.match(line)
        if match and match.group(1) in ("ERROR", "CRITICAL"):
            errors.append(line)
        elif line.startswith("Traceback (most recent call last)"):
            errors.append("%s (line %s)" % (line, index + 1))
        elif SCHEMA_FAILURE.search(line):
            schema.append(line)
        elif match and match.group(1) == "WARNING":
            warnings.append(line)
    checks.check(not errors, "upgrade log: no ERROR, CRITICAL or traceback",
                 "%s found, first: %s" % (len(errors), errors[0][:400]) if errors else "")
    checks.check(not schema, "upgrade log: every constraint and NOT NULL added",
                 "%s failed, first: %s" % (len(schema), schema[0][:400]) if schema else "")
    # Warnings do not fail the test; they are shown once per logger and message start.
    seen = {}
    for line in warnings:
        match = LOG_LINE.match(line)
        key = (match.group(3), match.group(4)[:40])
        seen.setdefault(key, []).append(match.group(4))
    for (logger, _start), messages in seen.items():
        checks.info("upgrade log warning", "%s: %s%s" % (
            logger, messages[0][:200], " (and %s alike)" % (len(messages) - 1)
            if len(messages) > 1 else ""))


def renamed_fields(before, after):
    """{(model, old name): new name} of the release's fields renamed by a migration: the field's
    record kept its id (openupgrade.rename_fields renames the column and the record)."""
    by_id = {field["id"]: key for key, field in after["fields"].items()}
    renamed = {}
    for (model, name), field in before["fields"].items():
        now = by_id.get(field["id"])
        if now and now[0] == model and now[1] != name and (model, name) not in after["fields"]:
            renamed[(model, name)] = now[1]
    return renamed


def compare(checks, before, after, sums_before, cnx_after, working_manifests, release_mods):
    renamed = renamed_fields(before, after)
    for (model, old), new in sorted(renamed.items()):
        checks.info("field %s.%s renamed %s by a migration" % (model, old, new),
                    "its column is compared under the new name")
    columns_renamed = {(table_of(model), old): new for (model, old), new in renamed.items()}
    # Modules: still installed, at the version of their manifest.
    for name in sorted(release_mods):
        mod = after["modules"].get(name) or {}
        expected = full_version(working_manifests[name]["version"]) \
            if name in working_manifests else None
        checks.check(mod.get("state") == "installed" and mod.get("version") == expected,
                     "module %s installed at its manifest version" % name,
                     "%s %s (manifest %s; release %s)" % (
                         mod.get("state"), mod.get("version"), expected,
                         before["modules"][name]["version"]))
    pending = sorted(n for n, m in after["modules"].items()
                     if m["state"] in ("to upgrade", "to install", "to remove"))
    checks.check(not pending, "no module left to upgrade, install or remove", ", ".join(pending))
    new = sorted(set(working_manifests) - set(release_mods))
    if new:
        checks.info("modules of the working tree not in the release (not installed by -u all; "
                    "install them with -i after the upgrade)", ", ".join(new))

    # Content of the tables that matter, on the release's columns.
    for table, what in CONTENT.items():
        if table not in before["tables"]:
            checks.info("checksum %s" % table, "not a table of the release")
            continue
        cols = checked_columns(table, before["columns"][table])
        cols_after = [columns_renamed.get((table, c), c) for c in cols]
        missing = [c for c in cols_after if c not in after["columns"].get(table, [])]
        if missing:
            checks.check(False, "checksum %s (%s)" % (table, what),
                         "release columns gone: %s" % ", ".join(missing))
            continue
        count, digest = sums_before[table]
        count2, digest2 = checksum(cnx_after, table, cols_after)
        detail = "%s rows, %s columns" % (count, len(cols))
        if (count, digest) != (count2, digest2):
            detail = "%s rows before, %s after; md5 %s -> %s%s" % (
                count, count2, digest, digest2,
                column_diff(cnx_after, table, cols, cols_after, sums_before))
        checks.check((count, digest) == (count2, digest2), "checksum %s (%s)" % (table, what),
                     detail)

    # Every other table of the release: no row lost.
    for table in before["tables"]:
        if table in CONTENT:
            continue
        model = next((m for m in before["models"] if table_of(m) == table), None)
        if model and before["models"][model]:
            continue  # transient (wizard) rows: Odoo deletes them by itself
        n1, n2 = before["counts"][table], after["counts"].get(table)
        if n2 is None:
            checks.check(table in SHRINKING, "rows of %s kept" % table,
                         "table gone (%s rows in the release)" % n1)
        elif n2 < n1:
            checks.check(table in SHRINKING, "rows of %s kept" % table, "%s -> %s rows%s" % (
                n1, n2, " (%s)" % SHRINKING[table] if table in SHRINKING else ""))
        else:
            checks.check(True, "rows of %s kept" % table,
                         "%s rows%s" % (n1, "" if n2 == n1 else ", %s after (data files)" % n2))
    for name, (count, digest) in before["extra"].items():
        count2, digest2 = after["extra"][name]
        checks.check((count, digest) == (count2, digest2), "checksum %s" % name,
                     "%s rows" % count if (count, digest) == (count2, digest2)
                     else "%s rows before, %s after, md5 %s -> %s" % (count, count2, digest,
                                                                      digest2))

    # Release fields still fields (a rename without migration leaves the data in an old column).
    lost = []
    for (model, name), field in sorted(before["fields"].items()):
        if not field["store"] or field["transient"] or field["ttype"] in ("one2many", "many2many"):
            continue
        now = after["fields"].get((model, renamed.get((model, name), name)))
        if now and now["store"]:
            continue
        if (model, name) in DROPPED_FIELDS:
            checks.info("field %s.%s dropped" % (model, name), DROPPED_FIELDS[(model, name)])
            continue
        table = table_of(model)
        rows = before["counts"].get(table, 0)
        lost.append("%s.%s (%s rows in the release%s)" % (
            model, name, rows, "" if model in after["models"] else "; model gone"))
    checks.check(not lost, "every stored field of the release still a stored field "
                 "(no rename or removal without migration)", "; ".join(lost))

    # New stored fields filled; required fields NOT NULL in the database.
    cr = cnx_after.cursor()
    for (model, name), field in sorted(after["fields"].items()):
        table = table_of(model)
        if (not field["store"] or field["transient"] or
                field["ttype"] in ("one2many", "many2many") or
                name not in after["columns"].get(table, [])):
            continue
        old = next((o for (m, o), n in renamed.items() if m == model and n == name), name)
        is_new = (model, old) not in before["fields"] or not before["fields"][(model, old)]["store"]
        if not (is_new or field["required"]):
            continue
        cr.execute(sql.SQL("SELECT count(*), count({}) FROM {}").format(
            sql.Identifier(name), sql.Identifier(table)))
        rows, filled = cr.fetchone()
        notnull = not after["nullable"][(table, name)]
        if is_new and field["related"] and field["ttype"] not in ("one2many", "many2many"):
            wrong = related_mismatches(cr, after["fields"], model, name, field["related"])
            if wrong is not None:
                checks.check(wrong == 0, "new related field %s.%s = %s on every row" % (
                    model, name, field["related"]), "%s of %s rows differ" % (wrong, rows)
                    if wrong else "%s rows, %s filled" % (rows, filled))
                continue
        if is_new and name in SCOPE_KEYS and not field["related"] and not field["required"]:
            if (model, name) in UNFILLED_OK:
                checks.info("new scope key %s.%s" % (model, name), "%s of %s rows filled (%s)" % (
                    filled, rows, UNFILLED_OK[(model, name)]))
            else:
                checks.check(rows == filled, "new scope key %s.%s filled on the release's rows"
                             % (model, name), "%s of %s rows filled%s" % (
                                 filled, rows, "" if rows == filled else
                                 ": record rules on it hide the others from area-limited users; "
                                 "a migration must fill it"))
            continue
        if field["required"]:
            if is_new or not notnull or rows != filled:
                checks.check(rows == filled and notnull,
                             "%s field %s.%s filled and NOT NULL" % (
                                 "new required" if is_new else "required", model, name),
                             "%s of %s rows filled%s" % (filled, rows,
                                                         "" if notnull else ", no NOT NULL"))
        else:
            checks.info("new field %s.%s" % (model, name), "%s of %s rows filled" % (filled, rows))

    # SQL constraints of the suite in the database.
    absent = sorted("%s (%s)" % (c["name"], c["model"]) for c in after["constraints"]
                    if c["name"] not in after["pg_constraints"] and c["definition"])
    checks.check(not absent, "every SQL constraint of the suite in the database",
                 "missing: %s" % ", ".join(absent) if absent
                 else "%s constraints" % len(after["constraints"]))
    new_constraints = sorted({c["name"] for c in after["constraints"]}
                             - {c["name"] for c in before["constraints"]})
    if new_constraints:
        checks.info("new constraints", ", ".join(new_constraints))
    listed = subprocess.run([PY, str(ROOT / "migrations" / "list.py"), "--check"],
                            capture_output=True, text=True)
    checks.info("migrations/README.md lists every migration",
                "yes" if listed.returncode == 0 else "no: " + listed.stdout.strip().replace(
                    "\n", "; ") + " (python3 migrations/list.py prints the table)")


def related_mismatches(cr, fields, model, name, related):
    """Rows whose stored related field differs from the value at the end of its path (None when
    the path does not go through stored many2one fields only)."""
    hops = related.split(".")
    joins, current, alias = [], model, "t0"
    for index, hop in enumerate(hops[:-1]):
        field = fields.get((current, hop))
        if not field or field["ttype"] != "many2one" or not field["store"]:
            return None
        nxt = "t%s" % (index + 1)
        joins.append(sql.SQL("LEFT JOIN {} {} ON {}.id = {}.{}").format(
            sql.Identifier(table_of(field["relation"])), sql.Identifier(nxt),
            sql.Identifier(nxt), sql.Identifier(alias), sql.Identifier(hop)))
        current, alias = field["relation"], nxt
    last = fields.get((current, hops[-1]))
    if not last or not last["store"] or last["ttype"] in ("one2many", "many2many"):
        return None
    cr.execute(sql.SQL("SELECT count(*) FROM {} t0 {} WHERE t0.{} IS DISTINCT FROM {}.{}").format(
        sql.Identifier(table_of(model)), sql.SQL(" ").join(joins), sql.Identifier(name),
        sql.Identifier(alias), sql.Identifier(hops[-1])))
    return cr.fetchone()[0]


def column_diff(cnx, table, cols, cols_after, sums_before):
    """Which columns differ (from the per-column checksums taken before)."""
    before = sums_before.get((table, "columns")) or {}
    changed = []
    for col, col_after in zip(cols, cols_after, strict=True):
        pair = ["id", col_after] if "id" in cols else [col_after]
        if col in before and checksum(cnx, table, pair) != before[col]:
            changed.append(col)
    return "; columns that differ: %s" % (", ".join(changed) or "none (rows added or removed)")


def take_sums(cnx, snap):
    sums = {}
    for table in CONTENT:
        if table not in snap["tables"]:
            continue
        cols = checked_columns(table, snap["columns"][table])
        sums[table] = checksum(cnx, table, cols)
        sums[(table, "columns")] = {
            col: checksum(cnx, table, ["id", col] if "id" in cols else [col]) for col in cols}
    return sums


# ---------------------------------------------------------------------------- main
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", help="Odoo configuration file whose database settings are used")
    parser.add_argument("--database", default="sp_upgrade")
    parser.add_argument("--release", help="version in migrations/releases.txt (default: the last)")
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the upgraded database")
    parser.add_argument("--cache-release", action="store_true",
                        help="keep and reuse the filled release database as DB_release")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    timings = {}

    releases = read_releases()
    release = releases[-1]
    if args.release:
        release = next((r for r in releases if r["version"] == args.release), None) or \
            fail("release %s is not in %s" % (args.release, RELEASES))
    db = args.database
    work = ROOT / ".local" / ("%s.upgrade" % db)
    work.mkdir(parents=True, exist_ok=True)
    data_dir = ROOT / ".local" / "filestore"
    say("Upgrade test: release %s (%s, %s) -> working tree, database %s"
        % (release["version"], release["commit"][:12], release["date"], db))

    source = extract_release(release, work / "release")
    release_addons = work / "release" / "addons"
    release_mods = manifests(release_addons)
    working_manifests = manifests(ROOT / "addons")
    print("release addons from %s: %s" % (source, ", ".join(release_mods)), flush=True)

    settings = db_settings(args.config)
    odoo_dirs = odoo_addons_dirs()
    release_conf, working_conf = work / "release.conf", work / "working.conf"
    write_conf(release_conf, settings, "%s,%s" % (odoo_dirs, release_addons), data_dir)
    write_conf(working_conf, settings, "%s,%s" % (odoo_dirs, ROOT / "addons"), data_dir)

    cache = "%s_release" % db
    mark = "sp upgrade test: %s %s people=%s seed=%s day=%s" % (
        release["version"], release["commit"], args.people, args.seed, datetime.date.today())
    if args.cache_release and database_comment(settings, cache) == mark:
        say("Release database from the cache %s" % cache)
        copy_database(settings, cache, db, data_dir)
    else:
        say("Installing the release's modules with the release's code: %s"
            % ", ".join(release_mods))
        drop_database(settings, db, data_dir)
        with connect(settings, "postgres") as cnx, cnx.cursor() as cr:
            cr.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                sql.Identifier(db)))
        timings["install"] = run_odoo(
            [PY, "-m", "odoo", "-c", str(release_conf), "-d", db, "-i", ",".join(release_mods),
             "--stop-after-init", "--no-http", "--logfile="], work / "install.log",
            "installing the release")
        print("installed in %.0f s" % timings["install"], flush=True)

        say("Filling it with the release's generator: %s people, seed %s" % (args.people, args.seed))
        t0 = time.perf_counter()
        run_odoo([PY, str(HERE / "fill.py"), "-c", str(release_conf), "-d", db,
                  "--people", str(args.people), "--seed", str(args.seed)],
                 work / "fill.log", "filling the release database")
        timings["fill"] = time.perf_counter() - t0
        for line in (work / "fill.log").read_text().splitlines():
            if line.startswith("FILL "):
                print(json.dumps(json.loads(line[5:]), indent=1), flush=True)
        print("filled in %.0f s" % timings["fill"], flush=True)
        if args.cache_release:
            copy_database(settings, db, cache, data_dir, comment=mark)

    say("Checksums of the release database")
    with connect(settings, db) as cnx:
        before = snapshot(cnx)
        sums = take_sums(cnx, before)
    for table in CONTENT:
        if table in sums:
            print("  %-32s %8s rows  %s" % (table, *sums[table]), flush=True)

    say("Upgrading to the working tree: -u all")
    log = work / "upgrade.log"
    t0 = time.perf_counter()
    with open(log, "w") as out:
        rc = subprocess.run([PY, "-m", "odoo", "-c", str(working_conf), "-d", db, "-u", "all",
                             "--stop-after-init", "--no-http", "--logfile="],
                            stdout=out, stderr=subprocess.STDOUT, cwd=ROOT).returncode
    timings["upgrade"] = time.perf_counter() - t0
    print("upgraded in %.0f s (log %s)" % (timings["upgrade"], log), flush=True)

    say("Checks")
    checks = Checks()
    empty = [table for table in CONTENT if table in sums and not sums[table][0]]
    checks.check(not empty, "the release database holds rows in every compared table",
                 "empty: %s (the generator wrote nothing there: the comparison would prove "
                 "nothing)" % ", ".join(empty) if empty else "%s tables" % len(
                     [t for t in CONTENT if t in sums]))
    for table, columns in EXCLUDED.items():
        for column, reason in columns.items():
            checks.info("column %s.%s not compared" % (table, column), reason)
    checks.check(rc == 0, "upgrade exit code 0", "exit %s" % rc if rc else "")
    if rc:
        print("\n".join(log.read_text(errors="replace").splitlines()[-40:]))
    check_log(checks, log)
    if rc == 0:
        with connect(settings, db) as cnx:
            after = snapshot(cnx)
            compare(checks, before, after, sums, cnx, working_manifests, release_mods)
        say("Every migration run a second time (rolled back): idempotent")
        t0 = time.perf_counter()
        rerun_log = work / "rerun.log"
        with open(rerun_log, "w") as out:
            rrc = subprocess.run([PY, str(HERE / "rerun.py"), "-c", str(working_conf), "-d", db,
                                  "--release-version", full_version(release["version"])],
                                 stdout=out, stderr=subprocess.STDOUT, cwd=ROOT).returncode
        timings["rerun"] = time.perf_counter() - t0
        lines = [line for line in rerun_log.read_text(errors="replace").splitlines()
                 if line.startswith("RERUN ")]
        if rrc or not lines:
            checks.check(False, "migrations run a second time", "rerun.py exit %s (see %s)"
                         % (rrc, rerun_log))
        else:
            entries = json.loads(lines[-1][len("RERUN "):])
            if not entries:
                checks.info("migrations run a second time", "no migration since the release")
            for entry in entries:
                detail = "changes nothing"
                if entry["error"]:
                    detail = "fails: %s" % entry["error"].strip().splitlines()[-1]
                elif entry["changed"]:
                    detail = "changes %s" % ", ".join(entry["changed"])
                checks.check(not entry["error"] and not entry["changed"],
                             "migration %s idempotent" % entry["file"], detail)
    if not args.keep:
        drop_database(settings, db, data_dir)

    total = time.perf_counter() - started
    failed = checks.failed
    print("\nupgrade %s -> working tree: %s checks, %s failed; %s; %.0f s in all" % (
        release["version"], len(checks.results), len(failed),
        ", ".join("%s %.0f s" % item for item in timings.items()), total), flush=True)
    for name in failed:
        print("  FAILED: %s" % name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
