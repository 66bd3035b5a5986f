from odoo import fields, models

from odoo.addons.sp_base.tools import drop_foreign_keys

from ..tools.sql import drop_indexes


class SpEntitlementArrear(models.Model):
    """One past month paid again in a later entitlement: due now, given before, difference."""

    _name = "sp.entitlement.arrear"
    _description = "Arrears of a past month"
    _inherit = ["sp.access.mixin"]
    _order = "period"

    # A standard level published late writes a row per person and month owed: read through
    # their entitlement or their enrolment (indexed), never by office, area or month alone.
    company_id = fields.Many2one(index=False)
    area_id = fields.Many2one(index=False)

    entitlement_id = fields.Many2one("sp.entitlement", required=True, index=True,
                                     ondelete="cascade")
    enrolment_id = fields.Many2one("sp.enrolment", required=True, index=True, ondelete="cascade")
    period = fields.Date("Month owed", required=True)
    due = fields.Float(digits=(16, 0))
    settled = fields.Float("Given before", digits=(16, 0))
    amount = fields.Float(digits=(16, 0))

    def init(self):
        # Copies of the entitlement's keys (a late standard level writes a row per person and
        # month owed): the entitlement's foreign key and cascade hold them.
        drop_foreign_keys(self, ["enrolment_id", "company_id", "area_id", "create_uid",
                                 "write_uid"])
        drop_indexes(self.env.cr, ["sp_entitlement_arrear__period_index",
                                   "sp_entitlement_arrear__company_id_index",
                                   "sp_entitlement_arrear__area_id_index"])
