"""18.0.1.1.0: amounts within bounds and four eyes become database CHECK constraints.

Rows stored before that would violate them (a NaN, 1e308 or negative amount written through
RPC, an approval by the application's own submitter) are fixed or flagged first, set-based and
idempotent, so the constraints can be added:

- an out-of-bounds amount (NaN, infinite, negative, above 100 billion VND) is set to 0 and the
  row is listed in the log (the next computation recomputes a draft entitlement);
- a forged funeral support (no date of death recorded for the person) is logged, not changed:
  the province office decides (it may already be paid).
"""
import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

MAX_AMOUNT = 100_000_000_000
MAX_COEFFICIENT = 1000
BOUNDED = {
    "sp_enrolment": {"monthly_amount": MAX_AMOUNT, "funeral_amount": MAX_AMOUNT},
    "sp_entitlement": {"coefficient": MAX_COEFFICIENT, "standard_level": MAX_AMOUNT,
                       "amount": MAX_AMOUNT, "arrears_amount": MAX_AMOUNT,
                       "oneoff_amount": MAX_AMOUNT, "total_amount": MAX_AMOUNT},
    "sp_entitlement_arrear": {"due": MAX_AMOUNT, "settled": MAX_AMOUNT, "amount": MAX_AMOUNT},
    "sp_standard_level": {"amount": MAX_AMOUNT},
    "sp_benefit_band": {"coefficient": MAX_COEFFICIENT},
    "sp_programme": {"funeral_coefficient": MAX_COEFFICIENT},
}


def _columns(cr, table):
    cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s",
               [table])
    return {row[0] for row in cr.fetchall()}


def migrate(cr, version):
    if not version:
        return
    for table, limits in BOUNDED.items():
        existing = _columns(cr, table)
        for column, high in limits.items():
            if column not in existing:
                continue
            # NaN compares above every number in PostgreSQL: NOT (x BETWEEN 0 AND high) holds.
            col = SQL.identifier(column)
            cr.execute(SQL("UPDATE %s SET %s = 0 WHERE %s IS NOT NULL AND NOT (%s >= 0 AND %s <= %s) "
                           "RETURNING id", SQL.identifier(table), col, col, col, col, high))
            ids = [row[0] for row in cr.fetchall()]
            if ids:
                _logger.warning("%s.%s out of bounds (NaN, infinite, negative or above %s) set "
                                "to 0 on ids %s", table, column, high, ids[:200])
    if "dependant_count" in _columns(cr, "sp_enrolment"):
        cr.execute("UPDATE sp_enrolment SET dependant_count = 1000 WHERE dependant_count > 1000 "
                   "RETURNING id")
        ids = [row[0] for row in cr.fetchall()]
        if ids:
            _logger.warning("sp_enrolment.dependant_count above 1000 capped on ids %s", ids[:200])
    cr.execute("""
        SELECT e.id FROM sp_enrolment e JOIN sp_individual p ON p.id = e.individual_id
         WHERE e.funeral_amount > 0 AND p.date_of_death IS NULL
    """)
    ids = [row[0] for row in cr.fetchall()]
    if ids:
        _logger.warning("Funeral support recorded for people without a date of death "
                        "(enrolments %s): to be reviewed by the province office", ids[:200])
