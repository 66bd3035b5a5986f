from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class SpCollaboratorTrainingAttendance(models.Model):
    _name = "sp.collaborator.training.attendance"
    _description = "Participation of a collaborator in a training class"
    _inherit = ["sp.access.mixin", "sp.input.mixin"]
    _sp_scope_fields = ("area_id", "company_id", "collaborator_id")
    _order = "training_id desc, collaborator_id"

    training_id = fields.Many2one(
        "sp.collaborator.training", string="Class", required=True, index=True, ondelete="cascade"
    )
    collaborator_id = fields.Many2one(
        "sp.collaborator", required=True, index=True, ondelete="restrict"
    )
    area_id = fields.Many2one(
        compute="_compute_area_id", store=True, precompute=True, readonly=True
    )
    date_start = fields.Date(related="training_id.date_start", store=True)
    attended = fields.Boolean(default=True)
    completed = fields.Boolean()
    score = fields.Float(digits=(5, 1), help="Test score out of 100, when the class has one.")
    note = fields.Char()

    _sql_constraints = [
        ("collaborator_uniq", "unique(training_id, collaborator_id)",
         "A collaborator is listed only once in a class."),
        ("score_check", "CHECK(score >= 0 AND score <= 100)", "A score lies between 0 and 100."),
    ]

    @api.depends("collaborator_id.area_id")
    def _compute_area_id(self):
        for attendance in self:
            attendance.area_id = attendance.collaborator_id.area_id

    @api.depends("training_id", "collaborator_id")
    def _compute_display_name(self):
        for attendance in self:
            attendance.display_name = "%s / %s" % (
                attendance.training_id.name or "", attendance.collaborator_id.name or ""
            )

    @api.constrains("attended", "completed")
    def _check_completed(self):
        for attendance in self:
            if attendance.completed and not attendance.attended:
                raise ValidationError(_(
                    "%(name)s cannot complete %(training)s without attending it.",
                    name=attendance.collaborator_id.name, training=attendance.training_id.name))
