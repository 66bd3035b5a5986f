"""Booting Odoo outside the server for the ``sp`` command line and the benchmark harness.

Everything here runs in the caller's process, as Odoo's own ``-i`` does: parse the
configuration, create the database when it is missing, install modules, hand back the registry.
"""
import ast
import logging
import shutil
from contextlib import closing
from pathlib import Path

import odoo
from odoo.modules.registry import Registry
from odoo.tools import SQL, config

_logger = logging.getLogger(__name__)

# The repository this module lives in: addons/sp_demo/tools/runtime.py -> repository root.
REPO_ROOT = Path(__file__).resolve().parents[3]


def parse_config(conf=None, database=None, extra=(), log_level=None):
    """Parse Odoo's configuration as the server would (file, database, extra options)."""
    args = []
    if conf:
        args += ["-c", str(conf)]
    if database:
        args += ["-d", database]
    if log_level:
        args.append("--log-level=%s" % log_level)
    config.parse_config(args + list(extra), setup_logging=True)
    return config


def suite_modules(root=REPO_ROOT):
    """Names of the installable suite modules in ``<repository>/addons``."""
    names = []
    for manifest in sorted((root / "addons").glob("*/__manifest__.py")):
        info = ast.literal_eval(manifest.read_text())
        if info.get("installable", True):
            names.append(manifest.parent.name)
    return names


def database_exists(name):
    with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
        cr.execute(SQL("SELECT 1 FROM pg_database WHERE datname = %s", name))
        return bool(cr.fetchone())


def create_database(name, comment=None, template=None):
    """Create an empty Odoo database (as the server does on first use), or a copy of
    ``template`` (an Odoo database nobody is connected to), with a comment."""
    if not template:
        odoo.service.db._create_empty_database(name)
    with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
        cr._cnx.autocommit = True
        if template:
            cr.execute(SQL("CREATE DATABASE %s TEMPLATE %s", SQL.identifier(name),
                           SQL.identifier(template)), log_exceptions=False)
        if comment:
            cr.execute(SQL("COMMENT ON DATABASE %s IS %s", SQL.identifier(name), comment))
    if template:
        src, dst = Path(config.filestore(template)), Path(config.filestore(name))
        if src.exists() and not dst.exists():
            shutil.copytree(src, dst)


def drop_database(name):
    Registry.delete(name)
    odoo.sql_db.close_db(name)
    with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
        cr._cnx.autocommit = True
        cr.execute(SQL(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()", name))
        cr.execute(SQL("DROP DATABASE IF EXISTS %s", SQL.identifier(name)))
    filestore = Path(config.filestore(name))
    if filestore.exists():
        shutil.rmtree(filestore)


def installed_modules(name):
    """Installed module names of an existing database (empty when it is not an Odoo database)."""
    with closing(odoo.sql_db.db_connect(name).cursor()) as cr:
        cr.execute("SELECT to_regclass('ir_module_module') IS NOT NULL")
        if not cr.fetchone()[0]:
            return set()
        cr.execute("SELECT name FROM ir_module_module WHERE state = 'installed'")
        return {row[0] for row in cr.fetchall()}


def ensure_database(name, modules, demo=False, update=False):
    """Create ``name`` when missing and install the ``modules`` it lacks (``update``: and update
    the ones it has to the code on disk); return its registry.

    Installation happens in this process, exactly like ``odoo -d name -i ... -u ...``.
    """
    if not database_exists(name):
        _logger.info("creating database %s", name)
        create_database(name)
    installed = installed_modules(name)
    missing = sorted(set(modules) - installed)
    present = sorted(set(modules) & installed) if update else []
    if not (missing or present):
        return Registry(name)
    _logger.info("installing %s, updating %s in %s", ", ".join(missing) or "nothing",
                 ", ".join(present) or "nothing", name)
    config["init"] = dict.fromkeys(missing, 1)
    config["update"] = dict.fromkeys(present, 1)
    config["without_demo"] = False if demo else "all"
    config["demo"] = dict(config["init"]) if demo else {}
    try:
        return Registry.new(name, update_module=True)
    finally:
        config["init"], config["update"], config["demo"] = {}, {}, {}


def get_param(cr, key):
    cr.execute(SQL("SELECT value FROM ir_config_parameter WHERE key = %s", key))
    row = cr.fetchone()
    return row and row[0]
