import time

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..tools.rules import month_start
from ..tools.sql import no_jit


class SpScreening(models.Model):
    """A search of the registry for the people (or households) who meet a programme's criteria
    in an area, set-based; its candidates become applications in one step."""

    _name = "sp.screening"
    _description = "Screening"
    _inherit = ["sp.step.mixin", "sp.input.mixin", "sp.access.mixin", "mail.thread"]
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True, readonly=False)
    programme_id = fields.Many2one("sp.programme", required=True, tracking=True)
    category_ids = fields.Many2many(
        "sp.benefit.category", string="Categories",
        domain="[('programme_id', '=', programme_id)]",
        help="Empty: every category of the programme.")
    area_id = fields.Many2one(
        tracking=True, string="Area screened",
        default=lambda self: self.env.user.sp_area_ids[:1],
        help="Commune or province screened (with its villages); empty: the whole office.")
    reference_date = fields.Date(
        "Eligible in", required=True, default=fields.Date.context_today,
        help="Criteria (ages, bands) are checked for the month of this date.")
    state = fields.Selection([("draft", "Draft"), ("done", "Screened")], default="draft",
                             required=True, readonly=True, tracking=True, sp_step=True)
    candidate_ids = fields.One2many("sp.screening.candidate", "screening_id", readonly=True)
    candidate_count = fields.Integer(compute="_compute_counts")
    person_count = fields.Integer("Candidates found", readonly=True, sp_step=True)
    duration = fields.Float("Duration (s)", readonly=True, digits=(8, 2), sp_step=True)

    @api.depends("programme_id", "area_id", "reference_date")
    def _compute_name(self):
        for screening in self:
            screening.name = "%s - %s - %s" % (
                screening.programme_id.code or "", screening.area_id.name or
                screening.company_id.name or "", screening.reference_date or "")

    def _compute_counts(self):
        data = self.env["sp.screening.candidate"]._read_group(
            [("screening_id", "in", self.ids)], ["screening_id"], ["__count"])
        counts = {screening.id: count for screening, count in data}
        for screening in self:
            screening.candidate_count = counts.get(screening.id, 0)

    def action_run(self):
        """(Re)run the screening: candidates are replaced by the people who qualify now."""
        for screening in self:
            screening.check_access("write")
            started = time.perf_counter()
            with no_jit(self.env.cr):
                screening._sp_screen()
            screening._sp_step_write({"duration": time.perf_counter() - started,
                                      "state": "done"})
            screening.message_post(body=_(
                "%(count)s candidates (%(people)s people) found in %(seconds).1f s.",
                count=screening.candidate_count, people=screening.person_count,
                seconds=screening.duration))
        return True

    def _sp_categories(self):
        return self.category_ids or self.programme_id.category_ids

    def _sp_screen(self):
        self.ensure_one()
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(SQL("DELETE FROM sp_screening_candidate WHERE screening_id = %s AND state = "
                       "'new'", self.id))
        # The office and the offices under it: the central office screens the country.
        offices = self.env["res.company"].sudo().search([("id", "child_of", self.company_id.id)])
        scope = [SQL("p.company_id = ANY(%s)", offices.ids)]
        if self.area_id:
            scope.append(SQL("a.parent_path LIKE %s", self.area_id.parent_path + "%"))
        household = self.programme_id.beneficiary_type == "household"
        eligible = self.env["sp.benefit.category"]._sp_eligible_query(
            self._sp_categories(), month_start(self.reference_date), SQL(" AND ").join(scope),
            household=household)
        # One candidate per person (or household): the categories found, the highest first.
        cr.execute(SQL(
            """
            INSERT INTO sp_screening_candidate
                   (screening_id, individual_id, household_id, category_id, category_codes, age,
                    poverty_status, coefficient, dependant_count, company_id, area_id, state,
                    create_uid, create_date, write_uid, write_date)
            SELECT %(screening)s, q.individual_id, q.household_id,
                   (ARRAY_AGG(q.category_id ORDER BY q.coefficient DESC, c.sequence, c.id))[1],
                   STRING_AGG(c.code, ', ' ORDER BY c.sequence, c.id), MAX(q.age),
                   MAX(q.poverty_status), MAX(q.coefficient), MAX(q.dependant_count),
                   MAX(q.company_id), MAX(q.area_id), 'new',
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM (%(eligible)s) q
              JOIN sp_benefit_category c ON c.id = q.category_id
             WHERE NOT EXISTS (
                    SELECT 1 FROM sp_screening_candidate d
                     WHERE d.screening_id = %(screening)s AND d.state = 'dismissed'
                       AND %(same)s)
             GROUP BY q.individual_id, q.household_id
            """, screening=self.id, uid=self.env.uid, eligible=eligible,
            same=SQL("d.household_id = q.household_id") if household
            else SQL("d.individual_id = q.individual_id")))
        self.env["sp.benefit.category"]._sp_drop_eligible()
        cr.execute(SQL("SELECT COUNT(*) FROM sp_screening_candidate WHERE screening_id = %s",
                       self.id))
        self._sp_step_write({"person_count": cr.fetchone()[0]})
        self.env["sp.screening.candidate"].invalidate_model()
        self.invalidate_recordset(["candidate_ids", "candidate_count"])

    def action_view_candidates(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sp_programme.sp_screening_candidate_action")
        action["domain"] = [("screening_id", "=", self.id)]
        return action

    def action_create_applications(self):
        for screening in self:
            screening.candidate_ids.filtered(lambda c: c.state == "new")._sp_create_applications()
        return True

