from odoo import api, fields, models

from .sp_benefit_band import DISABILITY_LEVELS


class SpEnrolmentAdjustment(models.Model):
    """A change of categories, dependants or disability level from a month on. The old values
    stay here, so a recomputation of an earlier month (arrears) uses what was in force then."""

    _name = "sp.enrolment.adjustment"
    _description = "Enrolment adjustment"
    _inherit = ["sp.access.mixin"]
    _order = "date desc, id desc"

    enrolment_id = fields.Many2one("sp.enrolment", required=True, index=True, ondelete="cascade")
    area_id = fields.Many2one(compute="_compute_area_id", store=True, precompute=True,
                              readonly=False)
    date = fields.Date("Effective from", required=True, help="First month of the new values.")
    reason = fields.Text()
    decision_id = fields.Many2one("sp.decision", ondelete="set null")
    old_category_ids = fields.Many2many(
        "sp.benefit.category", "sp_enrolment_adjustment_old_rel", "adjustment_id", "category_id",
        string="Categories before")
    new_category_ids = fields.Many2many(
        "sp.benefit.category", "sp_enrolment_adjustment_new_rel", "adjustment_id", "category_id",
        string="Categories after")
    old_dependant_count = fields.Integer("Dependants before")
    new_dependant_count = fields.Integer("Dependants after")
    old_disability_level = fields.Selection(DISABILITY_LEVELS, string="Disability before")
    new_disability_level = fields.Selection(DISABILITY_LEVELS, string="Disability after")

    @api.depends("enrolment_id")
    def _compute_area_id(self):
        for adjustment in self:
            adjustment.area_id = adjustment.enrolment_id.area_id
