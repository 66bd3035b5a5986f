from odoo import fields, models, tools
from odoo.tools import SQL

from .sp_grievance import CHANNELS, OPEN_STATES, STATES
from .sp_grievance_sla import LEVELS

AGE_BUCKETS = [
    ("0_5", "0-5 days"),
    ("6_10", "6-10 days"),
    ("11_30", "11-30 days"),
    ("31_60", "31-60 days"),
    ("61", "Over 60 days"),
]


class SpGrievanceReport(models.Model):
    """One row per ticket with the measures the reports group by: volume by category, channel
    and province, share resolved within the service level, ageing of open tickets.

    A view, not a table: it is always current. It carries the ticket's company, area, assignee
    and confidentiality so that the same record rules as the tickets apply to it."""

    _name = "sp.grievance.report"
    _description = "Grievance analysis"
    _auto = False
    _order = "date_received desc"
    _rec_name = "name"

    name = fields.Char("Reference", readonly=True)
    ticket_id = fields.Many2one("sp.grievance", string="Ticket", readonly=True)
    date_received = fields.Datetime("Received", readonly=True)
    category_id = fields.Many2one("sp.grievance.category", string="Category", readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    state = fields.Selection(STATES, string="Stage", readonly=True)
    level = fields.Selection(LEVELS, readonly=True)
    company_id = fields.Many2one("res.company", string="Province office", readonly=True)
    province_id = fields.Many2one("sp.area", string="Province", readonly=True)
    commune_id = fields.Many2one("sp.area", string="Commune", readonly=True)
    area_id = fields.Many2one("sp.area", string="Area", readonly=True)
    user_id = fields.Many2one("res.users", string="Assignee", readonly=True)
    is_confidential = fields.Boolean("Confidential", readonly=True)
    is_formal = fields.Boolean("Formal complaint", readonly=True)
    is_open = fields.Boolean("Open", readonly=True)
    is_resolved = fields.Boolean("Resolved", readonly=True)
    resolved_in_sla = fields.Boolean("Resolved within the service level", readonly=True)
    is_overdue = fields.Boolean("Overdue", readonly=True)
    is_repeat = fields.Boolean("Repeat complainant", readonly=True)
    ticket_count = fields.Integer("Tickets", readonly=True, aggregator="sum")
    open_count = fields.Integer("Open tickets", readonly=True, aggregator="sum")
    overdue_count = fields.Integer("Overdue tickets", readonly=True, aggregator="sum")
    resolved_count = fields.Integer("Resolved tickets", readonly=True, aggregator="sum")
    in_sla_count = fields.Integer("Resolved in time", readonly=True, aggregator="sum")
    in_sla_rate = fields.Float(
        "Resolved in time (%)", readonly=True, aggregator="avg",
        help="Share of the resolved tickets that were resolved within the service level.",
    )
    age_days = fields.Integer("Age (days)", readonly=True, aggregator="avg")
    age_bucket = fields.Selection(AGE_BUCKETS, string="Age", readonly=True)
    resolution_days = fields.Float("Days to resolve", readonly=True, aggregator="avg")

    def _sp_query(self):
        return SQL(
            """
            SELECT g.id, g.id AS ticket_id, g.name, g.date_received, g.category_id, g.channel,
                   g.state, g.level, g.company_id, g.province_id, g.commune_id, g.area_id,
                   g.user_id, g.is_confidential, g.is_formal,
                   -- A repeat as the ticket's own commune knows it: an earlier ticket, not
                   -- confidential, of the same office and commune (a statistic over rows the
                   -- reader may read, never a hint of a hidden ticket).
                   EXISTS (
                       SELECT 1 FROM sp_grievance_earlier_rel r
                         JOIN sp_grievance e ON e.id = r.earlier_id
                        WHERE r.ticket_id = g.id AND NOT COALESCE(e.is_confidential, FALSE)
                          AND e.company_id = g.company_id
                          AND e.commune_id IS NOT DISTINCT FROM g.commune_id
                   ) AS is_repeat,
                   g.state IN %(open)s AS is_open,
                   g.date_resolved IS NOT NULL AS is_resolved,
                   COALESCE(g.resolved_in_sla, FALSE) AS resolved_in_sla,
                   COALESCE(g.state IN %(open)s
                            AND g.date_deadline < (now() AT TIME ZONE 'UTC'), FALSE) AS is_overdue,
                   1 AS ticket_count,
                   (g.state IN %(open)s)::int AS open_count,
                   COALESCE(g.state IN %(open)s
                            AND g.date_deadline < (now() AT TIME ZONE 'UTC'), FALSE)::int
                       AS overdue_count,
                   (g.date_resolved IS NOT NULL)::int AS resolved_count,
                   COALESCE(g.resolved_in_sla, FALSE)::int AS in_sla_count,
                   CASE WHEN g.date_resolved IS NULL THEN NULL
                        WHEN g.resolved_in_sla THEN 100.0 ELSE 0.0 END AS in_sla_rate,
                   age.days AS age_days,
                   CASE WHEN age.days <= 5 THEN '0_5' WHEN age.days <= 10 THEN '6_10'
                        WHEN age.days <= 30 THEN '11_30' WHEN age.days <= 60 THEN '31_60'
                        ELSE '61' END AS age_bucket,
                   EXTRACT(EPOCH FROM g.date_resolved - g.date_received) / 86400.0
                       AS resolution_days
              FROM sp_grievance g
              CROSS JOIN LATERAL (
                  SELECT EXTRACT(DAY FROM COALESCE(g.date_resolved, g.date_closed,
                                                   now() AT TIME ZONE 'UTC')
                                          - g.date_received)::int AS days
              ) age
            """,
            open=tuple(OPEN_STATES),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)",
                                SQL.identifier(self._table), self._sp_query()))
