"""Database helpers shared by the suite's set-based writers."""
import datetime
import io
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


# ---------------------------------------------------------------------------- COPY
COPY_BATCH = 20000


class CopyValueError(ValueError):
    """A value COPY cannot store (a NUL character in text); ``row`` (1-based, of the rows
    given) and ``column`` (its name) say where."""

    def __init__(self, message, row, column):
        super().__init__(message)
        self.row = row
        self.column = column


class _Nul(Exception):
    pass


def _csv_text(value):
    if "\x00" in value:
        raise _Nul
    return '"%s"' % value.replace('"', '""') if '"' in value else '"%s"' % value


def _csv_other(value):
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return _csv_text(str(value))


# the CSV field of a value by its type: text quoted (quotes doubled), None an unquoted empty
# field (NULL), numbers and dates as PostgreSQL reads them
_CSV = {
    str: _csv_text, int: int.__repr__, float: float.__repr__, type(None): lambda value: "",
    bool: lambda value: "t" if value else "f", datetime.date: datetime.date.isoformat,
    datetime.datetime: datetime.datetime.isoformat,
}


def _csv_value(value):
    return _CSV.get(value.__class__, _csv_other)(value)


def copy_rows(cr, table, columns, rows, batch=COPY_BATCH):
    """Write ``rows`` (sequences of values in the order of ``columns``) into ``table`` with
    COPY, ``batch`` rows per statement; returns the number of rows.

    One format for the whole suite: CSV (``FORMAT csv``), where None is NULL (an unquoted empty
    field) and every text is quoted, so tabs, newlines, backslashes, quotes and a lone ``\\.``
    arrive as they are. A NUL character, which no PostgreSQL text can hold, is refused before
    anything of its batch is sent: ``CopyValueError`` with the row and the column."""
    statement = SQL("COPY %s (%s) FROM STDIN WITH (FORMAT csv)", SQL.identifier(table),
                    SQL(", ").join(SQL.identifier(column) for column in columns)).code
    total = 0
    buffer = io.StringIO()
    for values in rows:
        total += 1
        try:
            buffer.write(",".join([_CSV.get(value.__class__, _csv_other)(value)
                                   for value in values]))
        except _Nul:
            column = next(name for name, value in zip(columns, values, strict=False)
                          if isinstance(value, str) and "\x00" in value
                          or not isinstance(value, str) and "\x00" in str(value))
            raise CopyValueError(
                "Row %s, column %s: a NUL character cannot be stored in the database"
                % (total, column), total, column) from None
        buffer.write("\n")
        if total % batch == 0:
            buffer.seek(0)
            cr.copy_expert(statement, buffer)
            buffer = io.StringIO()
    if buffer.tell():
        buffer.seek(0)
        cr.copy_expert(statement, buffer)
    return total
