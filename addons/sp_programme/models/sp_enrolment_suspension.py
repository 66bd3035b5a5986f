from odoo import api, fields, models

from .sp_enrolment import SUSPENSION_REASONS


class SpEnrolmentSuspension(models.Model):
    """Written by the suspension, resumption and termination steps only. A period without payment (Circular 02/2021): from ``date_from`` until the day before the
    resumption month. Paid back: the resumption paid the suspended months as arrears."""

    _name = "sp.enrolment.suspension"
    _description = "Suspension of an enrolment"
    _inherit = ["sp.step.mixin", "sp.input.mixin", "sp.access.mixin"]
    _order = "date_from desc, id desc"

    enrolment_id = fields.Many2one("sp.enrolment", required=True, index=True, ondelete="cascade", sp_step=True)
    area_id = fields.Many2one(compute="_compute_area_id", store=True, precompute=True,
                              readonly=False)
    reason = fields.Selection(SUSPENSION_REASONS, required=True, sp_step=True)
    date_from = fields.Date("Suspended from", required=True, sp_step=True)
    date_to = fields.Date("Suspended until", sp_step=True)
    paid_back = fields.Boolean(help="The suspended months were paid as arrears on resumption.", sp_step=True)
    decision_id = fields.Many2one("sp.decision", ondelete="set null", sp_step=True)
    note = fields.Text()

    @api.depends("enrolment_id")
    def _compute_area_id(self):
        for suspension in self:
            suspension.area_id = suspension.enrolment_id.area_id
