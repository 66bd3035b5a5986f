from odoo import fields, models, tools
from odoo.tools import SQL


class SpCollaboratorCaseloadReport(models.Model):
    """One row per household of a current caseload, with its last visit: the dashboard of
    households not visited for N days and of follow-ups due. ``CURRENT_DATE`` is evaluated at
    each query, so the figures are always today's."""

    _name = "sp.collaborator.caseload.report"
    _description = "Caseload follow-up"
    _auto = False
    _order = "days_since_visit desc, id"

    assignment_id = fields.Many2one("sp.collaborator.assignment", readonly=True)
    collaborator_id = fields.Many2one("sp.collaborator", readonly=True)
    household_id = fields.Many2one("sp.household", readonly=True)
    company_id = fields.Many2one("res.company", "Province office", readonly=True)
    area_id = fields.Many2one("sp.area", "Area", readonly=True)
    date_from = fields.Date("In caseload since", readonly=True)
    last_visit_date = fields.Date("Last visit", readonly=True)
    days_since_visit = fields.Integer(
        "Days without visit", readonly=True, aggregator="max",
        help="Days since the last activity with the household, or since it joined the caseload.",
    )
    visit_overdue = fields.Boolean(
        "Visit overdue", readonly=True,
        help="Not visited for the office's visit interval (Settings).",
    )
    next_follow_up_date = fields.Date("Next follow-up", readonly=True)
    follow_up_overdue = fields.Boolean("Follow-up overdue", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL(
            """
            CREATE VIEW %s AS (
                SELECT a.id, a.id AS assignment_id, a.collaborator_id, a.household_id,
                       a.company_id, a.area_id, a.date_from,
                       v.last_visit_date,
                       CURRENT_DATE - COALESCE(v.last_visit_date, a.date_from) AS days_since_visit,
                       CURRENT_DATE - COALESCE(v.last_visit_date, a.date_from)
                           >= COALESCE(NULLIF(co.sp_collaborator_visit_days, 0), 30)
                           AS visit_overdue,
                       f.next_follow_up_date,
                       COALESCE(f.next_follow_up_date < CURRENT_DATE, FALSE) AS follow_up_overdue
                  FROM sp_collaborator_assignment a
                  JOIN res_company co ON co.id = a.company_id
                  LEFT JOIN LATERAL (
                        SELECT MAX(x.date) AS last_visit_date
                          FROM sp_collaborator_activity x
                         WHERE x.household_id = a.household_id AND x.state = 'done'
                  ) v ON TRUE
                  LEFT JOIN LATERAL (
                        SELECT MIN(x.follow_up_date) AS next_follow_up_date
                          FROM sp_collaborator_activity x
                         WHERE x.household_id = a.household_id AND x.state = 'done'
                           AND x.follow_up_date IS NOT NULL AND x.follow_up_done IS NOT TRUE
                  ) f ON TRUE
                 WHERE a.date_from <= CURRENT_DATE
                   AND (a.date_to IS NULL OR a.date_to >= CURRENT_DATE)
            )
            """, SQL.identifier(self._table),
        ))
