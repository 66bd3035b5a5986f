from odoo import _, api, fields, models
from odoo.tools import SQL

from .sp_enrolment import OPEN_STATES


class SpScreeningCandidate(models.Model):
    """A person (or household) found by a screening for one category."""

    _name = "sp.screening.candidate"
    _description = "Screening candidate"
    _inherit = ["sp.access.mixin"]
    _order = "screening_id, area_id, individual_id, household_id, category_id"

    screening_id = fields.Many2one("sp.screening", required=True, index=True, ondelete="cascade")
    programme_id = fields.Many2one(related="screening_id.programme_id", store=True, index=True)
    individual_id = fields.Many2one("sp.individual", string="Person", index=True)
    household_id = fields.Many2one("sp.household", index="btree_not_null")
    category_id = fields.Many2one("sp.benefit.category", required=True, index=True)
    age = fields.Integer(aggregator=False)
    poverty_status = fields.Selection(
        [("poor", "Poor"), ("near_poor", "Near-poor"), ("middle", "Middle living standard"),
         ("none", "Not classified")])
    coefficient = fields.Float(digits=(6, 2), aggregator=False)
    dependant_count = fields.Integer("Dependants", default=1, aggregator=False)
    state = fields.Selection(
        [("new", "New"), ("applied", "Application created"), ("dismissed", "Dismissed")],
        default="new", required=True, index=True)
    enrolment_id = fields.Many2one("sp.enrolment", readonly=True, index="btree_not_null")

    @api.depends("individual_id", "household_id", "category_id")
    def _compute_display_name(self):
        for candidate in self:
            candidate.display_name = "%s (%s)" % (
                candidate.individual_id.name or candidate.household_id.display_name or "",
                candidate.category_id.code or "")

    def action_dismiss(self):
        self.check_access("write")
        self.filtered(lambda c: c.state == "new").write({"state": "dismissed"})
        return True

    def action_create_applications(self):
        return self.filtered(lambda c: c.state == "new")._sp_create_applications()

    def _sp_create_applications(self):
        """One draft application per person and programme with all their categories found,
        set-based: INSERT ... SELECT into the enrolments and their categories."""
        if not self:
            return self.env["sp.enrolment"]
        self.check_access("write")
        self.env["sp.enrolment"].check_access("create")
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(SQL(
            """
            WITH chosen AS (
                SELECT c.*, COALESCE(c.individual_id, -c.household_id) AS person
                  FROM sp_screening_candidate c
                 WHERE c.id = ANY(%(ids)s) AND c.state = 'new'
                   AND NOT EXISTS (
                        SELECT 1 FROM sp_enrolment e
                         WHERE COALESCE(e.individual_id, -e.household_id)
                               = COALESCE(c.individual_id, -c.household_id)
                           AND e.programme_id = c.programme_id AND e.state IN %(open)s)
            ), persons AS (
                SELECT DISTINCT ON (person, programme_id) person, programme_id, individual_id,
                       household_id, area_id, company_id,
                       MAX(dependant_count) OVER (PARTITION BY person, programme_id) AS dependants
                  FROM chosen ORDER BY person, programme_id, id
            ), inserted AS (
                INSERT INTO sp_enrolment
                       (programme_id, individual_id, household_id, area_id, company_id,
                        commune_id, province_id, state, application_date, popdb_status,
                        dependant_count, disability_level, certificate_date, monthly_amount,
                        create_uid, create_date, write_uid, write_date)
                SELECT p.programme_id, p.individual_id, p.household_id, p.area_id, p.company_id,
                       CASE WHEN a.level = 'village' THEN a.parent_id ELSE a.id END,
                       a.province_id, 'draft', %(today)s, 'not_checked', p.dependants,
                       COALESCE(i.disability_level, 'none'), i.disability_certificate_date, 0,
                       %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM persons p
                  JOIN sp_area a ON a.id = p.area_id
                  LEFT JOIN sp_individual i ON i.id = p.individual_id
                RETURNING id, COALESCE(individual_id, -household_id) AS person, programme_id
            ), linked AS (
                INSERT INTO sp_benefit_category_sp_enrolment_rel
                       (sp_enrolment_id, sp_benefit_category_id)
                SELECT DISTINCT n.id, c.category_id
                  FROM inserted n
                  JOIN chosen c ON c.person = n.person AND c.programme_id = n.programme_id
                RETURNING sp_enrolment_id
            )
            UPDATE sp_screening_candidate c SET state = 'applied', enrolment_id = n.id,
                   write_uid = %(uid)s, write_date = NOW() AT TIME ZONE 'UTC'
              FROM inserted n, chosen h
             WHERE h.id = c.id AND h.person = n.person AND h.programme_id = n.programme_id
            RETURNING n.id
            """,
            ids=self.ids, open=OPEN_STATES, today=fields.Date.context_today(self),
            uid=self.env.uid))
        enrolments = self.env["sp.enrolment"].browse({row[0] for row in cr.fetchall()})
        self.invalidate_model()
        self.env["sp.enrolment"].invalidate_model()
        enrolments._sp_log(_("Application created from screening %s.", self.screening_id[:1].name))
        return enrolments

