"""Database helpers of the set-based steps."""
from odoo.tools import SQL

from odoo.addons.sp_base.tools import local_setting


def no_jit(cr):
    """PostgreSQL's JIT compiles the big analytical statements of a computation for seconds
    to save milliseconds (their cost estimates are high, their run is short): off for the
    block (``with no_jit(cr):``), then back to what it was."""
    return local_setting(cr, "jit", "off")


def drop_indexes(cr, names):
    """Drop indexes no longer declared (Odoo keeps an index whose field stopped asking for one)."""
    for name in names:
        cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
