from odoo import fields, models


class SpEntitlementArrear(models.Model):
    """One past month paid again in a later entitlement: due now, given before, difference."""

    _name = "sp.entitlement.arrear"
    _description = "Arrears of a past month"
    _inherit = ["sp.access.mixin"]
    _order = "period"

    entitlement_id = fields.Many2one("sp.entitlement", required=True, index=True,
                                     ondelete="cascade")
    enrolment_id = fields.Many2one("sp.enrolment", required=True, index=True, ondelete="cascade")
    period = fields.Date("Month owed", required=True, index=True)
    due = fields.Float(digits=(16, 0))
    settled = fields.Float("Given before", digits=(16, 0))
    amount = fields.Float(digits=(16, 0))
