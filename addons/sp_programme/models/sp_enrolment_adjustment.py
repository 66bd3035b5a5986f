from odoo import api, fields, models

from .sp_benefit_band import DISABILITY_LEVELS
from .sp_sensitive_mixin import SENSITIVE_GROUPS


class SpEnrolmentAdjustment(models.Model):
    """Written by the adjustment step only (action_adjust). A change of categories, dependants or disability level from a month on. The old values
    stay here, so a recomputation of an earlier month (arrears) uses what was in force then."""

    _name = "sp.enrolment.adjustment"
    _description = "Enrolment adjustment"
    _inherit = ["sp.step.mixin", "sp.input.mixin", "sp.sensitive.mixin", "sp.access.mixin"]
    _order = "date desc, id desc"

    enrolment_id = fields.Many2one("sp.enrolment", required=True, index=True, ondelete="cascade", sp_step=True)
    area_id = fields.Many2one(compute="_compute_area_id", store=True, precompute=True,
                              readonly=False)
    date = fields.Date("Effective from", required=True, help="First month of the new values.", sp_step=True)
    reason = fields.Text()
    decision_id = fields.Many2one("sp.decision", ondelete="set null", sp_step=True)
    old_category_ids = fields.Many2many(
        "sp.benefit.category", "sp_enrolment_adjustment_old_rel", "adjustment_id", "category_id",
        string="Categories before", sp_step=True, groups=SENSITIVE_GROUPS)
    new_category_ids = fields.Many2many(
        "sp.benefit.category", "sp_enrolment_adjustment_new_rel", "adjustment_id", "category_id",
        string="Categories after", sp_step=True, groups=SENSITIVE_GROUPS)
    old_dependant_count = fields.Integer("Dependants before", sp_step=True)
    new_dependant_count = fields.Integer("Dependants after", sp_step=True)
    old_disability_level = fields.Selection(DISABILITY_LEVELS, string="Disability before", sp_step=True, groups=SENSITIVE_GROUPS)
    new_disability_level = fields.Selection(DISABILITY_LEVELS, string="Disability after", sp_step=True, groups=SENSITIVE_GROUPS)

    @api.depends("enrolment_id")
    def _compute_area_id(self):
        for adjustment in self:
            adjustment.area_id = adjustment.enrolment_id.area_id
