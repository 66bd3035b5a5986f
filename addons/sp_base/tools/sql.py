"""Database helpers shared by the suite's set-based writers."""
from contextlib import contextmanager

from psycopg2.extensions import TRANSACTION_STATUS_INERROR

from odoo.tools import SQL


@contextmanager
def local_setting(cr, name, value):
    """A PostgreSQL setting for the statements of the block (``SET LOCAL``: this transaction
    only), then back to what it was. After an SQL error the transaction is lost anyway: the
    setting is not restored, so that no statement masks the error."""
    cr.execute("SELECT current_setting(%s)", [name])
    previous = cr.fetchone()[0]
    cr.execute("SELECT set_config(%s, %s, true)", [name, value])
    try:
        yield
    finally:
        if cr._cnx.get_transaction_status() != TRANSACTION_STATUS_INERROR:
            cr.execute("SELECT set_config(%s, %s, true)", [name, previous])


def drop_foreign_keys(model, columns):
    """Drop the foreign keys of ``columns`` on a table written by hundreds of thousands of rows
    per statement, where every check is certain to pass: PostgreSQL checks a key row by row
    (about 5 microseconds each), more than writing the row itself.

    Two kinds of columns qualify: values copied from another row that holds them under its own
    key (an entitlement copies its enrolment's programme, person, office and area: the enrolment
    cannot lose them while it exists, and its deletion cascades to the copy), and the author
    columns (``create_uid``, ``write_uid``: one value, the user running the statement, in every
    row; Odoo reads the id of a user deleted since as empty).

    Call from the model's ``init()``: Odoo queues the keys it expects in its post-init steps and
    creates the missing ones after them; the step queued here takes these off its list.
    """
    model.pool.post_init(_forget_foreign_keys, model.pool, model._table, columns)
    cr = model.env.cr
    cr.execute(SQL(
        """SELECT c.conname FROM pg_constraint c
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            WHERE c.contype = 'f' AND c.conrelid = %s::regclass AND a.attname = ANY(%s)""",
        model._table, list(columns)))
    for (name,) in cr.fetchall():
        cr.execute(SQL("ALTER TABLE %s DROP CONSTRAINT %s", SQL.identifier(model._table),
                       SQL.identifier(name)))


def _forget_foreign_keys(registry, table, columns):
    expected = getattr(registry, "_foreign_keys", None)
    for column in columns if expected is not None else ():
        expected.pop((table, column), None)
