"""18.0.1.1.0, before the module's tables are updated: fix the rows that the new database
checks would refuse (the checks are then added on clean tables). Set-based, idempotent."""
import logging

_logger = logging.getLogger(__name__)


def _fix(cr, label, query):
    cr.execute(query)
    if cr.rowcount:
        _logger.warning("sp_payment 18.0.1.1.0: %s: %s rows fixed", label, cr.rowcount)


def migrate(cr, version):
    if not version:
        return
    # four eyes: the old code let a suite administrator approve the cycle they generated; the
    # approval stays recorded (and in the chatter), the generation's author is cleared
    _fix(cr, "cycles approved by the user who generated them", """
        UPDATE sp_payment_cycle SET generated_by = NULL
         WHERE approved_by IS NOT NULL AND approved_by = generated_by""")
    # funds and fees out of bounds (negative, 1e308, NaN, infinity) were stored: reset
    _fix(cr, "funds allocated out of bounds reset to 0", """
        UPDATE sp_payment_cycle SET allocated_amount = 0
         WHERE allocated_amount < 0 OR allocated_amount > 1e15""")
    _fix(cr, "contract fee rates out of bounds reset to 0", """
        UPDATE sp_payment_contract SET fee_rate = 0 WHERE fee_rate < 0 OR fee_rate > 100""")
    _fix(cr, "contract fees per person out of bounds reset to 0", """
        UPDATE sp_payment_contract SET fee_amount = 0
         WHERE fee_amount < 0 OR fee_amount > 1e15""")
    # a payment line's amounts are never negative: report (not change) a line that is
    cr.execute("""
        SELECT COUNT(*) FROM sp_payment_line
         WHERE amount < 0 OR arrears_amount < 0 OR one_off_amount < 0 OR carried_amount < 0
            OR total_amount > 1e15""")
    bad = cr.fetchone()[0]
    if bad:
        _logger.error("sp_payment 18.0.1.1.0: %s payment lines have amounts out of bounds; the "
                      "amounts check is not added until they are corrected", bad)
