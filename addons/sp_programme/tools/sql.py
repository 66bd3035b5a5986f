"""Database helpers of the set-based steps."""
from contextlib import contextmanager

from odoo.tools import SQL


@contextmanager
def no_jit(cr):
    """PostgreSQL's JIT compiles the big analytical statements of a computation for seconds
    to save milliseconds (their cost estimates are high, their run is short): off for the
    block, then back to what it was (``SET LOCAL``: this transaction only)."""
    cr.execute("SELECT current_setting('jit')")
    previous = cr.fetchone()[0]
    cr.execute("SELECT set_config('jit', 'off', true)")
    try:
        yield
    finally:
        cr.execute("SELECT set_config('jit', %s, true)", [previous])


def drop_indexes(cr, names):
    """Drop indexes no longer declared (Odoo keeps an index whose field stopped asking for one)."""
    for name in names:
        cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
