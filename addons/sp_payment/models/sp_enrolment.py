from odoo import fields, models
from odoo.tools import SQL

from .sp_payment_agency import METHODS


class SpEnrolment(models.Model):
    """How an enrolment is paid, and the bridge from the programme's entitlements to the
    payment lines."""

    _inherit = "sp.enrolment"

    payment_method = fields.Selection(
        METHODS, tracking=True,
        help="How this beneficiary is paid. Empty: the method of the pay point serving the "
        "commune, else of the agency contract.",
    )
    # not for the call centre (registry summaries only)
    payment_account = fields.Char(
        "Bank account / e-wallet", tracking=True,
        groups="sp_base.group_commune_officer,sp_base.group_auditor",
        help="Account or e-wallet number printed on the agency list (bank and e-wallet payments).",
    )
    payment_recipient = fields.Char(
        "Authorised recipient", tracking=True,
        help="Person who collects the benefit on the beneficiary's behalf, printed on the list.",
    )
    payment_line_ids = fields.One2many("sp.payment.line", "enrolment_id", string="Payments",
                                       readonly=True)

    def _sp_payment_entitlements_sql(self, period, company_id, id_from, id_to):
        """The month's payable entitlements (sp.entitlement, computed by the programme) of a
        province office's enrolments in an id range, with the columns the payment lines need:
        enrolment_id, individual_id, household_id, area_id, category_code, coefficient,
        standard_level, amount, arrears_amount, one_off_amount, method, account_number,
        recipient_name."""
        return SQL("""
            SELECT t.enrolment_id, t.individual_id, t.household_id, e.area_id,
                   cat.code AS category_code, t.coefficient, t.standard_level,
                   t.amount, t.arrears_amount, t.oneoff_amount AS one_off_amount,
                   e.payment_method AS method, e.payment_account AS account_number,
                   e.payment_recipient AS recipient_name
              FROM sp_entitlement t
              JOIN sp_enrolment e ON e.id = t.enrolment_id
              LEFT JOIN sp_benefit_category cat ON cat.id = t.category_id
             WHERE t.period = %s AND t.company_id = %s AND t.enrolment_id BETWEEN %s AND %s
               AND t.amount + t.arrears_amount + t.oneoff_amount > 0
        """, period, company_id, id_from, id_to)

    def _sp_suspend_not_collected(self, period, reason):
        """Suspend (programme's suspension, reason 'not collected') from the month after
        ``period``: the months already listed stay payable."""
        month = fields.Date.add(period, months=1)
        self.action_suspend("not_collected", month, note=reason)
        return self
