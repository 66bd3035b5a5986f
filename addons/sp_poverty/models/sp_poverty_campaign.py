import datetime

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.sp_base.tools import SpXlsxWriter

STATES = [
    ("draft", "Draft"),
    ("listing", "Household list"),
    ("surveying", "Survey"),
    ("meeting", "Village meeting"),
    ("posting", "Public posting"),
    ("recognised", "Recognised"),
    ("closed", "Closed"),
]
# what the recognition decision signed: fixed once recognised
DECISION_FIELDS = {"decision_number", "decision_date", "area_id", "year", "kind"}


def _default_start(_model):
    return datetime.date(fields.Date.today().year, 9, 1)


def _default_end(_model):
    return datetime.date(fields.Date.today().year, 12, 14)


class SpPovertyCampaign(models.Model):
    """The poverty and near-poverty review of one commune: annual (1 September - 14 December by
    default) or interim on request. Its steps: the household list (the current poor and
    near-poor households plus requests), the survey (one assessment per household), the village
    meeting, the public posting, the commune chairman's recognition decision (four eyes: the
    recogniser is not who prepared the list), which writes each household's yearly history and
    current status."""

    _name = "sp.poverty.campaign"
    _description = "Poverty review campaign"
    _inherit = ["sp.step.mixin", "sp.access.mixin"]
    _order = "year desc, id desc"

    name = fields.Char(compute="_compute_name", store=True, readonly=False, required=True,
                       precompute=True)
    area_id = fields.Many2one(
        string="Commune", required=True,
        domain="[('level', '=', 'commune'), ('scheme', '=', '2025')]")
    province_id = fields.Many2one(related="area_id.province_id", store=True, index=True,
                                  string="Province")
    year = fields.Integer(required=True, aggregator=False,
                          default=lambda self: fields.Date.context_today(self).year,
                          help="The year of the list the review decides.")
    kind = fields.Selection([("annual", "Annual"), ("interim", "Interim")], default="annual",
                            required=True)
    date_start = fields.Date("Start", required=True, default=_default_start)
    date_end = fields.Date("End", required=True, default=_default_end)
    state = fields.Selection(STATES, default="draft", required=True, readonly=True, sp_step=True,
                             index=True)
    date_listing = fields.Datetime("Listed on", readonly=True, sp_step=True)
    date_surveying = fields.Datetime("Survey started on", readonly=True, sp_step=True)
    date_meeting_step = fields.Datetime("Meeting step on", readonly=True, sp_step=True)
    date_posting = fields.Datetime("Posted on", readonly=True, sp_step=True)
    date_recognised = fields.Datetime("Recognised on", readonly=True, sp_step=True)
    date_closed = fields.Datetime("Closed on", readonly=True, sp_step=True)
    assessment_ids = fields.One2many("sp.poverty.assessment", "campaign_id",
                                     string="Assessments")
    meeting_date = fields.Date("Village meeting date")
    meeting_attendance = fields.Integer("Meeting attendance")
    meeting_minutes = fields.Text("Meeting minutes")
    posting_date_from = fields.Date("Posted from")
    posting_date_to = fields.Date("Posted until")
    objection_notes = fields.Text("Objections")
    preparer_id = fields.Many2one("res.users", string="Prepared by", readonly=True,
                                  sp_step=True)
    recogniser_id = fields.Many2one("res.users", string="Recognised by", readonly=True,
                                    sp_step=True)
    decision_number = fields.Char("Decision number")
    decision_date = fields.Date("Decision date")
    household_count = fields.Integer("Households", compute="_compute_counts")
    assessed_count = fields.Integer("Assessed", compute="_compute_counts")
    approved_count = fields.Integer("Approved", compute="_compute_counts")
    poor_count = fields.Integer("Poor", compute="_compute_counts")
    near_poor_count = fields.Integer("Near-poor", compute="_compute_counts")
    exit_count = fields.Integer(
        "Leaving poverty", compute="_compute_counts",
        help="Households poor or near-poor before the review whose proposed status is neither.")

    _sql_constraints = [
        ("dates_check", "CHECK(date_end >= date_start)", "A campaign ends after it starts."),
        ("four_eyes_check",
         "CHECK(recogniser_id IS NULL OR preparer_id IS NULL OR recogniser_id <> preparer_id)",
         "The recognition is signed by someone other than who prepared the list."),
        ("recognised_check",
         "CHECK(state NOT IN ('recognised', 'closed') OR (recogniser_id IS NOT NULL "
         "AND decision_number IS NOT NULL AND decision_date IS NOT NULL))",
         "A recognised campaign has its decision number, date and recogniser."),
    ]

    def init(self):
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS sp_poverty_campaign_annual_uniq
                ON sp_poverty_campaign (area_id, year) WHERE kind = 'annual'
        """)

    @api.depends("area_id", "year", "kind")
    def _compute_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for rec in self:
            rec.name = "%s %s - %s" % (kinds.get(rec.kind, ""), rec.year or "",
                                       rec.area_id.name or "")

    def _compute_counts(self):
        Assessment = self.env["sp.poverty.assessment"]
        groups = Assessment._read_group(
            [("campaign_id", "in", self.ids)],
            ["campaign_id", "state", "result_status", "previous_status"], ["__count"])
        for rec in self:
            counts = [(state, status, previous, n) for campaign, state, status, previous, n
                      in groups if campaign == rec]
            rec.household_count = sum(n for *_rest, n in counts)
            rec.assessed_count = sum(n for state, _s, _p, n in counts if state != "draft")
            rec.approved_count = sum(n for state, _s, _p, n in counts if state == "approved")
            rec.poor_count = sum(n for _st, status, _p, n in counts if status == "poor")
            rec.near_poor_count = sum(n for _st, status, _p, n in counts
                                      if status == "near_poor")
            rec.exit_count = sum(
                n for _st, status, previous, n in counts
                if previous in ("poor", "near_poor") and status in ("middle", "none"))

    @api.constrains("year")
    def _check_year(self):
        # the recognition writes the yearly history, which holds plausible years only
        this_year = fields.Date.context_today(self).year
        for rec in self:
            if not 2000 <= rec.year <= this_year + 1:
                raise ValidationError(_("%s is not a plausible year of poverty review.",
                                        rec.year))

    @api.constrains("area_id")
    def _check_commune(self):
        for rec in self:
            if rec.area_id.level != "commune":
                raise ValidationError(_("A poverty review is run by a commune, not by %s.",
                                        rec.area_id.display_name))

    def write(self, vals):
        if not self.env.su and DECISION_FIELDS & set(vals):
            for rec in self:
                if rec.state in ("recognised", "closed"):
                    raise UserError(_(
                        "Campaign %s is recognised: its decision, commune and year are what "
                        "was signed.", rec.name))
                if rec.state != "draft" and {"area_id", "year", "kind"} & set(vals):
                    raise UserError(_(
                        "Campaign %s has its household list: its commune, year and kind are "
                        "fixed.", rec.name))
        res = super().write(vals)
        if not self.env.su and {"area_id", "company_id"} & set(vals):
            # record rules filter what one reads, not where one writes: no move out of scope
            self.check_access("write")
        return res

    # ------------------------------------------------------------------ steps
    def _sp_advance(self, from_state, to_state, extra=None):
        for rec in self:
            if rec.state != from_state:
                raise UserError(_("Campaign %(name)s is not at the step %(step)s.",
                                  name=rec.name,
                                  step=dict(self._fields["state"]._description_selection(
                                      self.env))[from_state]))
        vals = {"state": to_state, "date_%s" % ("meeting_step" if to_state == "meeting"
                                                else to_state): fields.Datetime.now()}
        self._sp_step_write(dict(vals, **(extra or {})))

    def _sp_require_officer(self):
        if not self.env.user.has_group("sp_base.group_commune_officer"):
            raise AccessError(_("Only a commune officer runs a poverty review."))

    def action_start_listing(self):
        """The household list: the commune's current poor and near-poor households (annual
        reviews) plus those added on request."""
        self._sp_require_officer()
        self._sp_advance("draft", "listing")
        for rec in self.filtered(lambda c: c.kind == "annual"):
            households = self.env["sp.household"].search([
                ("commune_id", "=", rec.area_id.id), ("poverty_status", "in", ("poor", "near_poor")),
                ("id", "not in", rec.assessment_ids.household_id.ids)])
            self.env["sp.poverty.assessment"].create([{
                "campaign_id": rec.id, "household_id": household.id, "origin": "current_list",
            } for household in households])

    def action_start_survey(self):
        self._sp_require_officer()
        self._sp_advance("listing", "surveying")

    def action_start_meeting(self):
        self._sp_require_officer()
        for rec in self:
            drafts = rec.assessment_ids.filtered(lambda a: a.state == "draft")
            if drafts:
                raise UserError(_(
                    "Campaign %(name)s: %(count)s assessments are still drafts; submit them "
                    "before the village meeting.", name=rec.name, count=len(drafts)))
        self._sp_advance("surveying", "meeting")

    def action_start_posting(self):
        """The list as the meeting agreed goes on public posting; who moves it there prepared
        it (the recognition needs someone else)."""
        self._sp_require_officer()
        for rec in self:
            if not rec.meeting_date:
                raise UserError(_("Campaign %s: enter the village meeting date first.", rec.name))
        self._sp_advance("meeting", "posting", {"preparer_id": self.env.uid})

    def action_recognise(self):
        """The commune chairman's decision: classify, then write each approved household's
        status for the year (history and current status), set-based."""
        if not self.env.user.has_group("sp_base.group_province_manager"):
            raise AccessError(_("Only a province manager records the recognition decision."))
        for rec in self:
            if rec.preparer_id == self.env.user:
                raise UserError(_(
                    "Campaign %s: you prepared this list; the recognition is recorded by "
                    "someone else (four eyes).", rec.name))
            if not (rec.decision_number and rec.decision_date):
                raise UserError(_("Campaign %s: enter the decision number and date first.",
                                  rec.name))
            pending = rec.assessment_ids.filtered(lambda a: a.state != "approved")
            if pending:
                raise UserError(_(
                    "Campaign %(name)s: %(count)s assessments are not approved.",
                    name=rec.name, count=len(pending)))
        self.check_access("write")
        self.env["sp.poverty.assessment"]._sp_classify(SQL("a.campaign_id = ANY(%s)", self.ids))
        self._sp_advance("posting", "recognised", {"recogniser_id": self.env.uid})
        self._sp_write_history()

    def action_close(self):
        self._sp_require_officer()
        self._sp_advance("recognised", "closed")

    def action_classify(self):
        """Recompute the proposed status of every assessment of the campaigns."""
        self.check_access("write")
        self.env["sp.poverty.assessment"]._sp_classify(SQL("a.campaign_id = ANY(%s)", self.ids))

    def _sp_write_history(self):
        """One history row per household and year (inserted or brought up to date), then the
        households' current status. Idempotent: rows already right are not touched."""
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            INSERT INTO sp_household_poverty_history AS p
                   (household_id, area_id, company_id, year, status, decision_ref, decision_date,
                    create_uid, create_date, write_uid, write_date)
            SELECT a.household_id, h.area_id, h.company_id, a.year, a.result_status,
                   c.decision_number, c.decision_date,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM sp_poverty_assessment a
              JOIN sp_poverty_campaign c ON c.id = a.campaign_id
              JOIN sp_household h ON h.id = a.household_id
             WHERE c.id = ANY(%(ids)s) AND a.state = 'approved' AND a.result_status IS NOT NULL
            ON CONFLICT (household_id, year) DO UPDATE
               SET status = EXCLUDED.status, decision_ref = EXCLUDED.decision_ref,
                   decision_date = EXCLUDED.decision_date, write_uid = EXCLUDED.write_uid,
                   write_date = EXCLUDED.write_date
             WHERE (p.status, p.decision_ref, p.decision_date)
                   IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.decision_ref, EXCLUDED.decision_date)
            RETURNING p.household_id
            """, uid=self.env.uid, ids=self.ids))
        households = self.env["sp.household"].browse({row[0] for row in self.env.cr.fetchall()})
        self.env["sp.household.poverty.history"].invalidate_model()
        households.sudo()._sp_sync_poverty_status()
        return households

    # ------------------------------------------------------------------ the public list
    def _sp_recognised_rows(self):
        self.ensure_one()
        labels = dict(self.env["sp.poverty.assessment"]._fields["result_status"]
                      ._description_selection(self.env))
        assessments = self.assessment_ids.filtered(
            lambda a: a.state == "approved" and a.result_status in ("poor", "near_poor"))
        assessments = assessments.sorted(
            lambda a: (a.result_status != "poor", a.area_id.name or "", a.household_id.code or ""))
        return [(index, a.household_id.code, a.household_id.head_id.name or "",
                 a.area_id.name, a.household_id.member_count, labels[a.result_status],
                 a.income_per_capita, a.deprivation_count)
                for index, a in enumerate(assessments, 1)]

    def _sp_recognised_xlsx(self):
        self.ensure_one()
        if self.state not in ("posting", "recognised", "closed"):
            raise UserError(_("Campaign %s: the list exists from the public posting on.",
                              self.name))
        with SpXlsxWriter() as book:
            sheet = book.add_sheet(_("Recognised list"), [
                (_("No."), "int", 6), (_("Household code"), "text", 18),
                (_("Head of household"), "text", 28), (_("Village / area"), "text", 20),
                (_("Members"), "int", 10), (_("Status"), "text", 16),
                (_("Income per person per month"), "money", 18),
                (_("Deprivations"), "int", 12),
            ], title=self.name)
            sheet.write_rows(self._sp_recognised_rows())
        return book.getvalue()

    def action_export_xlsx(self):
        self.ensure_one()
        data = self._sp_recognised_xlsx()
        attachment = self.env["ir.attachment"].create({
            "name": "%s.xlsx" % self.name, "raw": data, "res_model": self._name,
            "res_id": self.id,
            "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        })
        return {"type": "ir.actions.act_url", "target": "self",
                "url": "/web/content/%s?download=true" % attachment.id}
