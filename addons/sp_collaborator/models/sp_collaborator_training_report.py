from odoo import fields, models, tools
from odoo.tools import SQL


class SpCollaboratorTrainingReport(models.Model):
    """One row per class held: the pivot counts classes (rows) and sums participants per
    province office."""

    _name = "sp.collaborator.training.report"
    _description = "Training statistics"
    _auto = False
    _order = "date_start desc, id desc"

    training_id = fields.Many2one("sp.collaborator.training", "Class", readonly=True)
    name = fields.Char("Topic", readonly=True)
    company_id = fields.Many2one("res.company", "Province office", readonly=True)
    area_id = fields.Many2one("sp.area", "Venue area", readonly=True)
    date_start = fields.Date("Date", readonly=True)
    participant_count = fields.Integer("Participants", readonly=True)
    attended_count = fields.Integer("Attended", readonly=True)
    completed_count = fields.Integer("People trained", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL(
            """
            CREATE VIEW %s AS (
                SELECT t.id, t.id AS training_id, t.name, t.company_id, t.area_id, t.date_start,
                       COUNT(a.id) AS participant_count,
                       COUNT(a.id) FILTER (WHERE a.attended) AS attended_count,
                       COUNT(a.id) FILTER (WHERE a.completed) AS completed_count
                  FROM sp_collaborator_training t
                  LEFT JOIN sp_collaborator_training_attendance a ON a.training_id = t.id
                 WHERE t.state = 'done'
                 GROUP BY t.id
            )
            """, SQL.identifier(self._table),
        ))
