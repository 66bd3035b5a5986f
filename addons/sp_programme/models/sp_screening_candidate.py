from odoo import _, api, fields, models
from odoo.tools import SQL

from odoo.addons.sp_base.tools import drop_foreign_keys

from ..tools.sql import drop_indexes, no_jit


class SpScreeningCandidate(models.Model):
    """A person (or household) found by a screening, with the categories they meet; written by
    the screening only (its rows are the result, not data entry)."""

    _name = "sp.screening.candidate"
    _description = "Screening candidate"
    _inherit = ["sp.step.mixin", "sp.input.mixin", "sp.access.mixin"]
    _order = "screening_id, area_id, individual_id, household_id, category_id"

    # A national screening writes a row per person found (hundreds of thousands): candidates
    # are always read through their screening, whose index serves the lists and the record
    # rules' filters; office and area are the person's, copied (see init()).
    company_id = fields.Many2one(index=False)
    area_id = fields.Many2one(index=False)
    screening_id = fields.Many2one("sp.screening", required=True, index=True, ondelete="cascade", sp_step=True)
    programme_id = fields.Many2one(related="screening_id.programme_id")
    individual_id = fields.Many2one("sp.individual", string="Person", index=True, sp_step=True)
    household_id = fields.Many2one("sp.household", index="btree_not_null", sp_step=True)
    category_id = fields.Many2one("sp.benefit.category", string="Main category", required=True,
                                  help="The category with the highest coefficient.", sp_step=True)
    category_codes = fields.Char("Categories", help="Every category the person meets.", sp_step=True)
    age = fields.Integer(aggregator=False, sp_step=True)
    poverty_status = fields.Selection(
        [("poor", "Poor"), ("near_poor", "Near-poor"), ("middle", "Middle living standard"),
         ("none", "Not classified")], sp_step=True)
    coefficient = fields.Float(digits=(6, 2), aggregator=False, sp_step=True)
    dependant_count = fields.Integer("Dependants", default=1, aggregator=False, sp_step=True)
    state = fields.Selection(
        [("new", "New"), ("applied", "Application created"), ("dismissed", "Dismissed")],
        default="new", required=True, sp_step=True)
    enrolment_id = fields.Many2one("sp.enrolment", readonly=True, index="btree_not_null", sp_step=True)

    def init(self):
        # Keys kept: the screening (cascade), the person or household, the category, the
        # application created.
        drop_foreign_keys(self, ["company_id", "area_id", "create_uid", "write_uid"])
        drop_indexes(self.env.cr, ["sp_screening_candidate__company_id_index",
                                   "sp_screening_candidate__area_id_index",
                                   "sp_screening_candidate__state_index"])

    @api.depends("individual_id", "household_id", "category_id")
    def _compute_display_name(self):
        for candidate in self:
            candidate.display_name = "%s (%s)" % (
                candidate.individual_id.name or candidate.household_id.display_name or "",
                candidate.category_codes or "")

    def action_dismiss(self):
        self.check_access("write")
        self.filtered(lambda c: c.state == "new")._sp_step_write({"state": "dismissed"})
        return True

    def action_create_applications(self):
        return self.filtered(lambda c: c.state == "new")._sp_create_applications()

    def _sp_create_applications(self):
        """One draft application per candidate with every category they meet (checked again
        now), set-based: INSERT ... SELECT into the enrolments and their categories."""
        if not self:
            return self.env["sp.enrolment"]
        self.check_access("write")
        self.env["sp.enrolment"].check_access("create")
        self.env.flush_all()
        enrolments = self.env["sp.enrolment"]
        for screening, candidates in self.filtered(lambda c: c.state == "new").grouped(
                "screening_id").items():
            with no_jit(self.env.cr):
                created = candidates._sp_apply(screening)
            self.invalidate_model()
            self.env["sp.enrolment"].invalidate_model()
            created._sp_log(_("Application created from screening %s.", screening.name))
            enrolments |= created
        return enrolments

    def _sp_apply(self, screening):
        household = screening.programme_id.beneficiary_type == "household"
        key = "household_id" if household else "individual_id"
        ids = self.mapped(key).ids
        Category = self.env["sp.benefit.category"]
        eligible = Category._sp_eligible_query(
            screening._sp_categories(), fields.Date.to_date(screening.reference_date).replace(day=1),
            SQL("p.id = ANY(%s)", ids), household=household)
        cr = self.env.cr
        cr.execute(SQL("CREATE TEMP TABLE sp_scr_apply ON COMMIT DROP AS %s", eligible))
        Category._sp_drop_eligible()
        cr.execute(SQL(
            """
            WITH chosen AS (
                SELECT c.* FROM sp_screening_candidate c
                 WHERE c.id = ANY(%(ids)s) AND c.state = 'new'
                   AND EXISTS (SELECT 1 FROM sp_scr_apply q WHERE %(same)s)
            ), inserted AS (
                INSERT INTO sp_enrolment
                       (programme_id, individual_id, household_id, area_id, company_id,
                        commune_id, province_id, state, application_date, popdb_status,
                        dependant_count, disability_level, certificate_date, monthly_amount,
                        create_uid, create_date, write_uid, write_date)
                SELECT %(programme)s, h.individual_id, h.household_id, h.area_id, h.company_id,
                       CASE WHEN a.level = 'village' THEN a.parent_id ELSE a.id END,
                       a.province_id, 'draft', %(today)s, 'not_checked', h.dependant_count,
                       COALESCE(i.disability_level, 'none'), i.disability_certificate_date, 0,
                       %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM chosen h
                  JOIN sp_area a ON a.id = h.area_id
                  LEFT JOIN sp_individual i ON i.id = h.individual_id
                RETURNING id, individual_id, household_id
            ), linked AS (
                INSERT INTO sp_benefit_category_sp_enrolment_rel
                       (sp_enrolment_id, sp_benefit_category_id)
                SELECT DISTINCT n.id, q.category_id
                  FROM inserted n JOIN sp_scr_apply q ON %(same_n)s
                RETURNING sp_enrolment_id
            )
            UPDATE sp_screening_candidate c SET state = 'applied', enrolment_id = n.id,
                   write_uid = %(uid)s, write_date = NOW() AT TIME ZONE 'UTC'
              FROM inserted n
             WHERE c.id = ANY(%(ids)s) AND %(same_c)s
            RETURNING n.id
            """,
            ids=self.ids, programme=screening.programme_id.id,
            today=fields.Date.context_today(self), uid=self.env.uid,
            same=SQL("q.%s = c.%s", SQL.identifier(key), SQL.identifier(key)),
            same_n=SQL("q.%s = n.%s", SQL.identifier(key), SQL.identifier(key)),
            same_c=SQL("c.%s = n.%s", SQL.identifier(key), SQL.identifier(key))))
        enrolments = self.env["sp.enrolment"].browse({row[0] for row in cr.fetchall()})
        cr.execute("DROP TABLE IF EXISTS sp_scr_apply")
        return enrolments
