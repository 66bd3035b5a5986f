from odoo import fields, models, tools


class SpPovertyReport(models.Model):
    """Poor and near-poor households and people per commune and year, from the recognised
    yearly history, with their rates among the commune's active households."""

    _name = "sp.poverty.report"
    _description = "Poverty review figures per commune"
    _auto = False
    _order = "year desc, area_id"

    year = fields.Integer(readonly=True, aggregator=False)
    area_id = fields.Many2one("sp.area", string="Commune", readonly=True)
    province_id = fields.Many2one("sp.area", string="Province", readonly=True)
    company_id = fields.Many2one("res.company", string="Province office", readonly=True)
    household_count = fields.Integer("Households", readonly=True)
    people_count = fields.Integer("People", readonly=True)
    poor_count = fields.Integer("Poor households", readonly=True)
    near_poor_count = fields.Integer("Near-poor households", readonly=True)
    poor_people = fields.Integer("People in poor households", readonly=True)
    near_poor_people = fields.Integer("People in near-poor households", readonly=True)
    poor_rate = fields.Float("Poor rate (%)", readonly=True, aggregator=False, digits=(5, 2))
    near_poor_rate = fields.Float("Near-poor rate (%)", readonly=True, aggregator=False,
                                  digits=(5, 2))

    def init(self):
        # The id: commune_id * 100 + (year - 2000), a stable int4 (XML-RPC carries 32-bit
        # integers only; a row number would change from one refresh to the next). The recognised
        # history's years lie in 2000..2099 (sp.household.poverty.history checks 2000 to next
        # year), so each commune has its own block of 100 ids; it stays below 2^31 - 1 for every
        # commune id up to 21,474,835 (21,474,835 * 100 + 99 = 2,147,483,599).
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("""
            CREATE VIEW sp_poverty_report AS
            WITH households AS (
                SELECT commune_id, MIN(province_id) AS province_id, MIN(company_id) AS company_id,
                       COUNT(*) AS n, SUM(member_count) AS people
                  FROM sp_household
                 WHERE active AND commune_id IS NOT NULL
                 GROUP BY commune_id
            ), statuses AS (
                SELECT h.commune_id, p.year,
                       COUNT(*) FILTER (WHERE p.status = 'poor') AS poor,
                       COUNT(*) FILTER (WHERE p.status = 'near_poor') AS near_poor,
                       SUM(h.member_count) FILTER (WHERE p.status = 'poor') AS poor_people,
                       SUM(h.member_count) FILTER (WHERE p.status = 'near_poor') AS near_poor_people
                  FROM sp_household_poverty_history p
                  JOIN sp_household h ON h.id = p.household_id
                 WHERE h.active AND h.commune_id IS NOT NULL
                 GROUP BY h.commune_id, p.year
            )
            SELECT (s.commune_id * 100 + (s.year - 2000)) AS id, s.year,
                   s.commune_id AS area_id, h.province_id, h.company_id,
                   h.n AS household_count, h.people AS people_count,
                   s.poor AS poor_count, s.near_poor AS near_poor_count,
                   COALESCE(s.poor_people, 0) AS poor_people,
                   COALESCE(s.near_poor_people, 0) AS near_poor_people,
                   ROUND(100.0 * s.poor / NULLIF(h.n, 0), 2) AS poor_rate,
                   ROUND(100.0 * s.near_poor / NULLIF(h.n, 0), 2) AS near_poor_rate
              FROM statuses s
              JOIN households h ON h.commune_id = s.commune_id
        """)
