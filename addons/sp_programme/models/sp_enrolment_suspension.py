from odoo import api, fields, models

from .sp_enrolment import SUSPENSION_REASONS


class SpEnrolmentSuspension(models.Model):
    """A period without payment (Circular 02/2021): from ``date_from`` until the day before the
    resumption month. Paid back: the resumption paid the suspended months as arrears."""

    _name = "sp.enrolment.suspension"
    _description = "Suspension of an enrolment"
    _inherit = ["sp.access.mixin"]
    _order = "date_from desc, id desc"

    enrolment_id = fields.Many2one("sp.enrolment", required=True, index=True, ondelete="cascade")
    area_id = fields.Many2one(compute="_compute_area_id", store=True, precompute=True,
                              readonly=False)
    reason = fields.Selection(SUSPENSION_REASONS, required=True)
    date_from = fields.Date("Suspended from", required=True)
    date_to = fields.Date("Suspended until")
    paid_back = fields.Boolean(help="The suspended months were paid as arrears on resumption.")
    decision_id = fields.Many2one("sp.decision", ondelete="set null")
    note = fields.Text()

    @api.depends("enrolment_id")
    def _compute_area_id(self):
        for suspension in self:
            suspension.area_id = suspension.enrolment_id.area_id
