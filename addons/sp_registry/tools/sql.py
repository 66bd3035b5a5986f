"""Database objects the registry's searches rely on, created idempotently at install/update.

- ``pg_trgm`` (trigram operators and GIN operator class) in the default schema;
- ``unaccent`` in a schema of its own (``sp_ext``) unless it is already installed: a function
  ``public.unaccent`` would make Odoo add ``unaccent()`` to every ``ilike`` of every model, which
  is a suite-wide decision for the administrator, not a side effect of this module;
- ``sp_unaccent_lower(text)``: an IMMUTABLE wrapper (``unaccent`` itself is only STABLE, and
  only immutable functions can be used in an index expression) returning the lower-case,
  accent-free, space-collapsed form of a name; ``tools.names.name_key`` is its Python twin;
- ``sp_name_from_word(text, n)``: that form from its n-th word on ('nguyen van an', 2 ->
  'van an'), so that b-tree indexes on it answer "a word of the name starts with ..." as a
  range scan (see ``sp.individual``'s name search).
"""
from odoo.tools import SQL


def ensure_unaccent_lower(cr):
    cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    cr.execute("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'")
    row = cr.fetchone()
    if row:
        schema = row[0]
    else:
        schema = "sp_ext"
        cr.execute("CREATE SCHEMA IF NOT EXISTS sp_ext")
        cr.execute("CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA sp_ext")
    # Both the function and the dictionary are schema-qualified: an immutable function must not
    # depend on the caller's search_path.
    cr.execute(SQL(
        """
        CREATE OR REPLACE FUNCTION sp_unaccent_lower(text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
            SELECT btrim(regexp_replace(lower(%(fn)s(%(dict)s::regdictionary, $1)),
                                        '\\s+', ' ', 'g'))
        $fn$
        """,
        fn=SQL.identifier(schema, "unaccent"),
        dict=f"{schema}.unaccent",
    ))
    # Same expression written out (not a call of sp_unaccent_lower): the body of an index
    # function must not depend on the search_path of whoever builds or rebuilds the index.
    cr.execute(SQL(
        """
        CREATE OR REPLACE FUNCTION sp_name_from_word(text, integer) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
            SELECT array_to_string((string_to_array(
                btrim(regexp_replace(lower(%(fn)s(%(dict)s::regdictionary, $1)), '\\s+', ' ', 'g')),
                ' '))[$2:], ' ')
        $fn$
        """,
        fn=SQL.identifier(schema, "unaccent"),
        dict=f"{schema}.unaccent",
    ))


def create_index(cr, name, table, expression, method="btree", where=None):
    """CREATE INDEX IF NOT EXISTS with a fixed (trusted) expression."""
    cr.execute(SQL(
        "CREATE INDEX IF NOT EXISTS %s ON %s USING %s (%s)%s",
        SQL.identifier(name), SQL.identifier(table), SQL(method), SQL(expression),
        SQL(" WHERE %s", SQL(where)) if where else SQL(""),
    ))
