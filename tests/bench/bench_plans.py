"""Query plans of the key lookups: they must use indexes, not read the big tables whole.

Each lookup is the SQL the ORM itself generates (``Model._search(domain).select()``), once as
the superuser and, for the registry, once as a commune officer (record rules add conditions).
For each: the plan is read with EXPLAIN; a sequential scan of a big table is an error.

- On a table of 100,000 rows or more, the planner's own choice is checked.
- On a smaller table (smoke runs, modules without data yet) a sequential scan is the planner's
  right choice, so the check runs again with ``enable_seqscan = off``: a sequential scan that
  remains means no index can serve the lookup.

Figures: ``plans.<lookup>.ms`` (execution time with the index), ``plans.<lookup>.seq_ms``
(the same query with index scans disabled), ``plans.<lookup>.ratio`` (how much the index
saves), ``plans.<lookup>.rows`` (rows the lookup returns) and ``plans.<lookup>.filtered`` (rows
the plan read and threw away: an index that serves the lookup badly, named in
``plans.wasteful``). Lookups of modules not installed or without data (enrolments, payment
lines) are skipped and named in ``plans.skipped``.
"""
import json

from odoo.tools import SQL

BIG_TABLES = ("sp_individual", "sp_household", "sp_household_poverty_history", "sp_enrolment",
              "sp_payment_line", "sp_registry_event", "sp_grievance")
BIG = 100000
# An index walk that throws away more rows than this (and ten times what it returns) is named
# in plans.wasteful: it uses an index, but one that does not fit the lookup (it grows with the
# table). A figure, not an error.
WASTE = 10000
# Lookups that need a module and its data (sp_demo generates both).
OPTIONAL = ("enrolments_of_person", "payment_lines_of_cycle", "payment_lines_of_batch",
            "payment_lines_of_enrolment")


def run(env, ctx):
    cr = env.cr
    problems = []
    wasteful = []
    lookups = _lookups(env)
    skipped = [name for name in OPTIONAL if name not in {lookup[0] for lookup in lookups}]
    ctx.report("plans.skipped", len(skipped), ", ".join(skipped))
    for name, model, domain, order, limit, user in lookups:
        Model = env[model].with_user(user) if user else env[model]
        sql = Model._search(domain, order=order, limit=limit).select()
        plan, ms = _explain(cr, sql)
        scanned = {t for t in _seq_scans(plan["Plan"]) if t in BIG_TABLES}
        small = {t for t in scanned if _rows(cr, t) < BIG}
        if small:
            # Reading a small table whole is the planner's right choice: check that an index
            # could serve the lookup instead.
            forced, _ms = _explain(cr, sql, forced=True)
            scanned = (scanned - small) | {t for t in _seq_scans(forced["Plan"]) if t in small}
        _plan_off, seq_ms = _explain(cr, sql, no_index=True)
        ctx.report("plans.%s.ms" % name, ms, "ms")
        ctx.report("plans.%s.seq_ms" % name, seq_ms, "ms")
        ctx.report("plans.%s.ratio" % name, seq_ms / ms if ms else 0.0, "x")
        rows = plan["Plan"].get("Actual Rows", 0)
        filtered = _filtered(plan["Plan"])
        ctx.report("plans.%s.rows" % name, rows, "rows")
        ctx.report("plans.%s.filtered" % name, filtered, "rows read and thrown away")
        if filtered > max(WASTE, 10 * rows):
            wasteful.append(name)
        ctx.report("plans.%s.seq_scans" % name, len(scanned), ", ".join(sorted(scanned)))
        if scanned:
            problems.append("%s: sequential scan of %s\n%s" % (
                name, ", ".join(sorted(scanned)), json.dumps(plan["Plan"], indent=1)[:3000]))
    ctx.report("plans.wasteful", len(wasteful), ", ".join(wasteful))
    if problems:
        raise AssertionError("Lookups without an index:\n" + "\n\n".join(problems))


def _rows(cr, table):
    cr.execute(SQL("SELECT COUNT(*) FROM (SELECT 1 FROM %s LIMIT %s) t",
                   SQL.identifier(table), BIG))
    return cr.fetchone()[0]


def _lookups(env):
    """(name, model, domain, order, limit, user) of the lookups that must use an index."""
    cr = env.cr
    cr.execute("""SELECT i.id, i.id_number, i.name, i.phone, i.household_id, h.code
                    FROM sp_individual i JOIN sp_household h ON h.id = i.household_id
                   WHERE i.id_number IS NOT NULL AND i.phone IS NOT NULL
                   ORDER BY i.id DESC LIMIT 1""")
    person_id, id_number, name, phone, household_id, code = cr.fetchone()
    words = name.split()
    officer = _commune_officer(env, household_id)
    lookups = [
        ("personal_id", "sp.individual", [("id_number", "=", id_number)], None, None, None),
        ("household_code", "sp.household", [("code", "=", code)], None, None, None),
        ("household_members", "sp.individual", [("household_id", "=", household_id)], None,
         None, None),
        ("phone", "sp.individual", [("phone", "=", phone)], None, None, None),
        ("name_search", "sp.individual", [("name", "ilike", " ".join(words[-2:]))], None, 80,
         None),
        ("name_search_unaccented", "sp.individual",
         [("name", "ilike", _unaccent(" ".join(words[-2:])))], None, 80, None),
        ("personal_id_as_commune_officer", "sp.individual", [("id_number", "=", id_number)],
         None, None, officer),
        ("name_search_as_commune_officer", "sp.individual",
         [("name", "ilike", " ".join(words[-2:]))], None, 80, officer),
    ]
    if "sp.enrolment" in env:
        # A beneficiary (the most recent enrolment), so that the lookup finds rows.
        cr.execute("SELECT individual_id FROM sp_enrolment WHERE individual_id IS NOT NULL "
                   "ORDER BY id DESC LIMIT 1")
        row = cr.fetchone()
        if row:
            lookups.append(("enrolments_of_person", "sp.enrolment",
                            [("individual_id", "=", row[0])], None, None, None))
    if "sp.payment.line" in env:
        # The latest cycle (the one users open) and the largest batch, as their "Lines"
        # buttons open them (the list's first page in the model's order), and a
        # beneficiary's payment history.
        cr.execute("SELECT id FROM sp_payment_cycle ORDER BY id DESC LIMIT 1")
        cycle = cr.fetchone()
        cr.execute("SELECT id FROM sp_payment_batch ORDER BY line_count DESC, id LIMIT 1")
        batch = cr.fetchone()
        cr.execute("SELECT enrolment_id FROM sp_payment_line ORDER BY id DESC LIMIT 1")
        enrolment = cr.fetchone()
        for name, field, row in (("payment_lines_of_cycle", "cycle_id", cycle),
                                 ("payment_lines_of_batch", "batch_id", batch),
                                 ("payment_lines_of_enrolment", "enrolment_id", enrolment)):
            if row:
                lookups.append((name, "sp.payment.line", [(field, "=", row[0])], None,
                                None if field == "enrolment_id" else 80, None))
    return lookups


def _commune_officer(env, household_id):
    household = env["sp.household"].browse(household_id)
    return env["res.users"].with_context(no_reset_password=True).create({
        "name": "Bench commune officer",
        "login": "bench.commune.officer",
        "company_id": household.company_id.id,
        "company_ids": [(6, 0, household.company_id.ids)],
        "sp_area_ids": [(6, 0, household.commune_id.ids)],
        "groups_id": [(6, 0, env.ref("sp_base.group_commune_officer").ids)],
    })


def _unaccent(text):
    from odoo.addons.sp_registry.tools import name_key  # noqa: PLC0415 - needs addons path

    return name_key(text)


def _explain(cr, sql, forced=False, no_index=False):
    """(plan, execution ms) of ``sql``: EXPLAIN ANALYZE in a savepoint, settings local to it."""
    with cr.savepoint(flush=False) as savepoint:
        if forced:
            cr.execute("SET LOCAL enable_seqscan = off")
        if no_index:
            cr.execute("SET LOCAL enable_indexscan = off")
            cr.execute("SET LOCAL enable_bitmapscan = off")
            cr.execute("SET LOCAL enable_indexonlyscan = off")
        cr.execute(SQL("EXPLAIN (ANALYZE, FORMAT JSON) %s", sql))
        result = cr.fetchone()[0][0]
        savepoint.rollback()
    return result, result["Execution Time"]


def _seq_scans(node):
    found = []
    if node.get("Node Type") == "Seq Scan":
        found.append(node.get("Relation Name"))
    for child in node.get("Plans", []):
        found += _seq_scans(child)
    return found


def _filtered(node):
    """Rows the plan read and removed by a filter (index walks that do not fit the lookup)."""
    removed = node.get("Rows Removed by Filter", 0) * node.get("Actual Loops", 1)
    return removed + sum(_filtered(child) for child in node.get("Plans", []))
