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
  range scan (see ``sp.individual``'s name search);
- ``sp_key_from_word(key, n)``: the same from an accent-free key already computed (the stored
  column ``sp_individual.name_key``): plain string functions, no ``unaccent`` again, and not
  STRICT so that PostgreSQL inlines it (in index expressions too).
"""
from odoo.tools import SQL

# Keys of the registry tables not checked by PostgreSQL (sp_base.tools.drop_foreign_keys): the
# commune and province are copies of the area's, the authors the user running the statement.
REGISTRY_COPIED_KEYS = ("commune_id", "province_id", "create_uid", "write_uid")


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
    cr.execute("""
        CREATE OR REPLACE FUNCTION sp_key_from_word(text, integer) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
            SELECT array_to_string((string_to_array($1, ' '))[$2:], ' ')
        $fn$
    """)


def create_index(cr, name, table, expression, method="btree", where=None, marker=None):
    """CREATE INDEX IF NOT EXISTS with a fixed (trusted) expression. With ``marker``, an
    index of that name whose definition does not contain it, or is partial when it should
    not be or the reverse (an older definition), is dropped and built again."""
    if marker:
        cr.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        row = cr.fetchone()
        if row and (marker not in row[0] or (" WHERE " in row[0]) != bool(where)):
            cr.execute(SQL("DROP INDEX %s", SQL.identifier(name)))
    cr.execute(SQL(
        "CREATE INDEX IF NOT EXISTS %s ON %s USING %s (%s)%s",
        SQL.identifier(name), SQL.identifier(table), SQL(method), SQL(expression),
        SQL(" WHERE %s", SQL(where)) if where else SQL(""),
    ))


def analyze_registry(cr, households=True, people=True):
    """Fresh planner statistics for the columns the registry's bulk joins use.

    Bulk loads make the tables grow faster than autovacuum analyses them, and plans made for
    the old size turn joins quadratic. Listing the columns keeps this cheap: PostgreSQL then
    samples only them and skips the statistics of expression indexes."""
    if households:
        cr.execute("ANALYZE sp_household (id, code, external_ref, commune_id, area_id, "
                   "head_id, active)")
    if people:
        cr.execute("ANALYZE sp_individual (id, household_id, id_number, legacy_id_number, "
                   "commune_id, area_id, birth_year, name_key, relationship, active)")
