from odoo import fields, models

from odoo.addons.sp_base.tools import drop_foreign_keys

from .sp_payment_line import STAFF_GROUPS

MATCH_STATES = [
    ("matched", "Applied"),
    ("already", "Already applied"),
    ("unknown", "Unknown reference"),
    ("amount", "Amount differs"),
    ("paid_twice", "Paid twice"),
    ("conflict", "Contradicts an earlier result"),
    ("province", "Other province"),
    ("period", "Other period"),
    ("agency", "Other agency"),
    ("invalid", "Unreadable row"),
]


class SpPaymentResultLine(models.Model):
    """One row of an agency result file, with how it matched a payment line (the
    reconciliation view lists the rows that were not applied).

    Written once by the import (a statement per file), never by a user (sp_step fields). Its
    area is the matched line's (a village or commune), else the cycle's province, set in the
    same statement: the suite's area rule keeps a commune's staff to their own rows."""

    _name = "sp.payment.result.line"
    _description = "Payment result row"
    _inherit = ["sp.step.mixin"]
    _order = "result_id, row_number"
    # written once by the import (a statement per file); the file says who and when
    _log_access = False

    result_id = fields.Many2one("sp.payment.result", required=True, index=True, ondelete="cascade",
                                sp_step=True)
    company_id = fields.Many2one(related="result_id.company_id", store=True, sp_step=True)
    area_id = fields.Many2one("sp.area", string="Area", index=True, sp_step=True)
    cycle_id = fields.Many2one(related="result_id.cycle_id")
    agency_id = fields.Many2one(related="result_id.agency_id")
    row_number = fields.Integer("Row", required=True, sp_step=True)
    reference = fields.Char(sp_step=True)
    id_number = fields.Char("Personal ID", sp_step=True, groups=STAFF_GROUPS)
    province_code = fields.Char(sp_step=True)
    period = fields.Date(sp_step=True)
    reported_amount = fields.Float(digits=(16, 0), sp_step=True)
    status = fields.Selection([("paid", "Paid"), ("unpaid", "Not collected")], sp_step=True)
    paid_date = fields.Date(sp_step=True)
    receipt_ref = fields.Char("Receipt reference", sp_step=True)
    line_id = fields.Many2one("sp.payment.line", index="btree_not_null", ondelete="set null",
                              sp_step=True)
    line_amount = fields.Float(related="line_id.total_amount", string="Amount due")
    match_state = fields.Selection(MATCH_STATES, string="Reconciliation", sp_step=True)
    message = fields.Char(sp_step=True)

    def init(self):
        # the area is a copy of the line's or the cycle's (kept under their own keys): no
        # check per row of a 100,000-row file; the area rule reads it through the company's
        # index and the result's rows
        drop_foreign_keys(self, ["area_id"])
