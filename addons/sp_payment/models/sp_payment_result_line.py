from odoo import fields, models

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
    reconciliation view lists the rows that were not applied)."""

    _name = "sp.payment.result.line"
    _description = "Payment result row"
    _order = "result_id, row_number"
    # written once by the import (a statement per file); the file says who and when
    _log_access = False

    result_id = fields.Many2one("sp.payment.result", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="result_id.company_id", store=True)
    cycle_id = fields.Many2one(related="result_id.cycle_id")
    agency_id = fields.Many2one(related="result_id.agency_id")
    row_number = fields.Integer("Row", required=True)
    reference = fields.Char()
    id_number = fields.Char("Personal ID")
    province_code = fields.Char()
    period = fields.Date()
    reported_amount = fields.Float(digits=(16, 0))
    status = fields.Selection([("paid", "Paid"), ("unpaid", "Not collected")])
    paid_date = fields.Date()
    receipt_ref = fields.Char("Receipt reference")
    line_id = fields.Many2one("sp.payment.line", index="btree_not_null", ondelete="set null")
    line_amount = fields.Float(related="line_id.total_amount", string="Amount due")
    match_state = fields.Selection(MATCH_STATES, string="Reconciliation")
    message = fields.Char()
