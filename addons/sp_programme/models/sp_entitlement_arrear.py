from odoo import fields, models

from odoo.addons.sp_base.tools import drop_foreign_keys

from ..tools.sql import drop_indexes
from .sp_sensitive_mixin import MAX_AMOUNT, bounded_check


class SpEntitlementArrear(models.Model):
    """One past month paid again in a later entitlement: due now, given before, difference."""

    _name = "sp.entitlement.arrear"
    _description = "Arrears of a past month"
    _inherit = ["sp.step.mixin", "sp.input.mixin", "sp.access.mixin"]
    _order = "period"

    # A standard level published late writes a row per person and month owed: read through
    # their entitlement or their enrolment (indexed), never by office, area or month alone.
    company_id = fields.Many2one(index=False)
    area_id = fields.Many2one(index=False)

    entitlement_id = fields.Many2one("sp.entitlement", required=True, index=True,
                                     ondelete="cascade", sp_step=True)
    enrolment_id = fields.Many2one("sp.enrolment", required=True, index=True, ondelete="cascade", sp_step=True)
    period = fields.Date("Month owed", required=True, sp_step=True)
    due = fields.Float(digits=(16, 0), sp_step=True)
    settled = fields.Float("Given before", digits=(16, 0), sp_step=True)
    amount = fields.Float(digits=(16, 0), sp_step=True)

    _sp_bounds = {"due": (0, MAX_AMOUNT), "settled": (0, MAX_AMOUNT), "amount": (0, MAX_AMOUNT)}
    _sql_constraints = [
        bounded_check("due_check", "due", 0, MAX_AMOUNT,
                      "The amount due of a month owed must be from 0 to 100,000,000,000 VND."),
        bounded_check("settled_check", "settled", 0, MAX_AMOUNT,
                      "The amount given before must be from 0 to 100,000,000,000 VND."),
        bounded_check("amount_check", "amount", 0, MAX_AMOUNT,
                      "The arrears of a month must be from 0 to 100,000,000,000 VND."),
    ]

    def init(self):
        # Copies of the entitlement's keys (a late standard level writes a row per person and
        # month owed): the entitlement's foreign key and cascade hold them.
        drop_foreign_keys(self, ["enrolment_id", "company_id", "area_id", "create_uid",
                                 "write_uid"])
        drop_indexes(self.env.cr, ["sp_entitlement_arrear__period_index",
                                   "sp_entitlement_arrear__company_id_index",
                                   "sp_entitlement_arrear__area_id_index"])
