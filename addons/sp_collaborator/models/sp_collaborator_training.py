from odoo import _, api, fields, models
from odoo.exceptions import UserError


class SpCollaboratorTraining(models.Model):
    _name = "sp.collaborator.training"
    _description = "Training class for collaborators"
    _inherit = ["sp.access.mixin", "sp.step.mixin", "sp.input.mixin"]
    _order = "date_start desc, id desc"

    name = fields.Char("Topic", required=True)
    date_start = fields.Date("Start", required=True, default=fields.Date.context_today)
    date_end = fields.Date("End", required=True, default=fields.Date.context_today)
    place = fields.Char()
    trainer = fields.Char()
    company_id = fields.Many2one(string="Province office")
    area_id = fields.Many2one(
        string="Venue area", domain="[('level', 'in', ('commune', 'village'))]",
        help="The commune or village where the class is held, if it is local.",
    )
    description = fields.Text()
    state = fields.Selection(
        [("planned", "Planned"), ("done", "Held"), ("cancelled", "Cancelled")],
        required=True, default="planned", index=True, sp_step=True,
    )
    attendance_ids = fields.One2many(
        "sp.collaborator.training.attendance", "training_id", "Attendance"
    )
    participant_count = fields.Integer("Participants", compute="_compute_counts")
    completed_count = fields.Integer("Completed", compute="_compute_counts")

    _sql_constraints = [
        ("dates_check", "CHECK(date_end >= date_start)", "A class cannot end before it starts."),
    ]

    @api.depends("attendance_ids.completed")
    def _compute_counts(self):
        for training in self:
            training.participant_count = len(training.attendance_ids)
            training.completed_count = len(training.attendance_ids.filtered("completed"))

    def action_done(self):
        for training in self:
            if training.state != "planned":
                raise UserError(_("Only a planned class can be marked as held (%s).", training.name))
        self._sp_step_write({"state": "done"})

    def action_cancel(self):
        self._sp_step_write({"state": "cancelled"})

    def action_reset(self):
        self._sp_step_write({"state": "planned"})

    def action_complete_attendees(self):
        """Mark every participant who attended as having completed the class."""
        self.attendance_ids.filtered("attended").completed = True
