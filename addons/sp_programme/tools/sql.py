"""Database helpers of the set-based steps."""
from contextlib import contextmanager


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
