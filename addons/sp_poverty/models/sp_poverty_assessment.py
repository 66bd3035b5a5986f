from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.sp_registry.models.sp_household import POVERTY_STATUSES

STATES = [("draft", "Draft"), ("submitted", "Submitted"), ("approved", "Approved")]
# what the assessment form enters; the result follows from them
INPUT_FIELDS = {"household_id", "campaign_id", "year", "income_per_capita",
                "deprived_indicator_ids"}
# fields that place the record in an office or area
SCOPE_FIELDS = {"household_id", "area_id", "company_id"}
# campaign states in which assessments may still change
OPEN_CAMPAIGN_STATES = ("draft", "listing", "surveying")


class SpPovertyAssessment(models.Model):
    """The review form of one household for one year: the income per person per month and the
    indicators it is deprived in, entered by a surveyor; the result (standard, area type,
    threshold, deprivation count, proposed status) is computed by the set-based engine
    (``_sp_classify``) as soon as the form is saved, and by the campaign for all its households
    at once."""

    _name = "sp.poverty.assessment"
    _description = "Household poverty assessment"
    _inherit = ["sp.step.mixin", "sp.access.mixin", "sp.commune.mixin"]
    _order = "year desc, campaign_id, id"

    household_id = fields.Many2one(
        "sp.household", required=True, index=True, ondelete="cascade",
        domain="[('commune_id', '=', campaign_commune_id)]")
    campaign_id = fields.Many2one("sp.poverty.campaign", index=True, ondelete="cascade")
    campaign_commune_id = fields.Many2one(related="campaign_id.area_id", string="Campaign commune")
    # the household's, never a client's: computed (a related field would write a value sent for
    # it into the household) and step-owned; the office must be the area's (sp.access.mixin)
    area_id = fields.Many2one(
        compute="_compute_area_id", store=True, readonly=True, precompute=True, sp_step=True)
    commune_id = fields.Many2one(index=True)
    province_id = fields.Many2one(index=True)
    year = fields.Integer(
        compute="_compute_year", store=True, readonly=False, precompute=True, required=True,
        aggregator=False, help="The year of the list this assessment decides; the standard in "
        "force in that year applies.")
    origin = fields.Selection(
        [("current_list", "Current list"), ("request", "Request of the household")],
        default="request", required=True)
    request_date = fields.Date(help="Date of the household's request form.")
    request_note = fields.Text()
    surveyor_id = fields.Many2one("res.users", string="Surveyor")
    survey_date = fields.Date()
    income_per_capita = fields.Float(
        "Income per person per month", digits=(16, 0),
        help="Estimated or declared income per person per month, in VND.")
    deprived_indicator_ids = fields.Many2many(
        "sp.poverty.indicator", "sp_poverty_assessment_indicator_rel", "assessment_id",
        "indicator_id", string="Deprived in", domain="[('id', 'in', year_indicator_ids)]")
    year_indicator_ids = fields.Many2many(
        "sp.poverty.indicator", compute="_compute_year_indicator_ids",
        string="Indicators of the year", help="The indicators of the standard in force in the year.")
    previous_status = fields.Selection(
        POVERTY_STATUSES, compute="_compute_previous_status", store=True, precompute=True,
        help="The household's status when the assessment was created.")
    # the result, written by the engine only
    standard_id = fields.Many2one("sp.poverty.standard", readonly=True, sp_step=True,
                                  string="Standard used")
    area_type = fields.Selection([("urban", "Urban"), ("rural", "Rural")], readonly=True,
                                 sp_step=True)
    threshold = fields.Float("Income threshold", digits=(16, 0), readonly=True, sp_step=True)
    deprivation_count = fields.Integer(readonly=True, sp_step=True,
                                       help="Deprivations among the standard's indicators.")
    result_status = fields.Selection(POVERTY_STATUSES, string="Proposed status", readonly=True,
                                     sp_step=True, index=True)
    state = fields.Selection(STATES, default="draft", required=True, readonly=True, sp_step=True,
                             index=True)
    approved_by = fields.Many2one("res.users", readonly=True, sp_step=True)
    approved_date = fields.Datetime(readonly=True, sp_step=True)

    _sql_constraints = [
        ("campaign_household_uniq", "unique(campaign_id, household_id)",
         "A household is assessed once in a campaign."),
        ("income_check", "CHECK(income_per_capita IS NULL OR income_per_capita >= 0)",
         "The income per person cannot be negative."),
    ]

    @api.depends("household_id.area_id")
    def _compute_area_id(self):
        for rec in self:
            rec.area_id = rec.household_id.area_id

    @api.depends("campaign_id")
    def _compute_year(self):
        for rec in self:
            rec.year = rec.campaign_id.year or rec.year or fields.Date.context_today(rec).year

    @api.depends("year")
    def _compute_year_indicator_ids(self):
        Standard = self.env["sp.poverty.standard"]
        for rec in self:
            year = rec.year or fields.Date.context_today(rec).year
            rec.year_indicator_ids = Standard.search([
                ("date_from", "<=", "%s-12-31" % year), "|", ("date_to", "=", False),
                ("date_to", ">=", "%s-01-01" % year)], order="date_from desc", limit=1,
            ).indicator_ids

    @api.depends("household_id")
    def _compute_previous_status(self):
        for rec in self:
            rec.previous_status = rec.previous_status or rec.household_id.poverty_status

    @api.depends("household_id", "year")
    def _compute_display_name(self):
        for rec in self:
            # the household is in the user's scope: the assessment's area is the household's
            rec.display_name = "%s / %s" % (rec.household_id.sudo().display_name or "",
                                            rec.year or "")

    @api.constrains("household_id", "campaign_id")
    def _check_campaign_commune(self):
        # no name in the message: the household may lie outside the user's scope
        for rec in self.sudo().filtered("campaign_id"):
            if rec.household_id.commune_id != rec.campaign_id.area_id:
                raise ValidationError(_(
                    "An assessment of a campaign is for a household of the campaign's commune."))

    # ------------------------------------------------------------------ guards
    def _sp_check_open(self):
        if self.env.su:
            return
        for rec in self:
            if rec.state != "draft":
                raise UserError(_(
                    "Assessment %s is submitted: return it to draft before changing it.",
                    rec.display_name))
            if rec.campaign_id and rec.campaign_id.sudo().state not in OPEN_CAMPAIGN_STATES:
                raise UserError(_(
                    "Assessment %s: the campaign is past its survey, the assessment is closed.",
                    rec.display_name))

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._sp_check_open()
        records._sp_classify_ids()
        return records

    def write(self, vals):
        if INPUT_FIELDS & set(vals):
            self._sp_check_open()
        res = super().write(vals)
        if not self.env.su and SCOPE_FIELDS & set(vals):
            # record rules filter what one reads, not where one writes: no move out of scope
            self.check_access("write")
        if INPUT_FIELDS & set(vals):
            self._sp_classify_ids()
        return res

    # ------------------------------------------------------------------ engine
    def _sp_classify_ids(self):
        if self.ids:
            self._sp_classify(SQL("a.id = ANY(%s)", self.ids))

    @api.model
    def _sp_classify(self, where):
        """Classify every assessment matching ``where`` (SQL on alias ``a``) in one statement.

        The standard is the active one in force in the assessment's year (the latest starting);
        the area type comes from the commune's unit type (``sp.poverty.area.type``, rural when
        not listed); a province's own thresholds replace the national ones. Only indicators of
        the standard count. Assessments of a recognised or closed campaign keep their result.
        Rows whose result does not change are not written (re-running changes nothing).
        Returns the number of assessments changed. Callers check the user's access first."""
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            WITH scope AS (
                SELECT a.id, a.year, a.income_per_capita AS income, a.province_id,
                       COALESCE(t.area_type, 'rural') AS area_type
                  FROM sp_poverty_assessment a
                  LEFT JOIN sp_poverty_campaign c ON c.id = a.campaign_id
                  LEFT JOIN sp_area cm ON cm.id = a.commune_id
                  LEFT JOIN sp_poverty_area_type t ON t.division_type = cm.division_type
                 WHERE %(where)s
                   AND (c.id IS NULL OR c.state NOT IN ('recognised', 'closed'))
            ), standard AS (
                SELECT DISTINCT ON (y.year) y.year, s.id, s.min_deprivations,
                       s.threshold_rural, s.threshold_urban, s.middle_rural, s.middle_urban,
                       ARRAY(SELECT si.indicator_id FROM sp_poverty_standard_indicator_rel si
                              WHERE si.standard_id = s.id) AS indicator_ids
                  FROM (SELECT DISTINCT year FROM scope) y
                  JOIN sp_poverty_standard s
                    ON s.active AND s.date_from <= make_date(y.year, 12, 31)
                   AND (s.date_to IS NULL OR s.date_to >= make_date(y.year, 1, 1))
                 ORDER BY y.year, s.date_from DESC
            ), counted AS (
                -- one pass over the ticked indicators of the scope (hash joins), counting those
                -- of the year's standard
                SELECT r.assessment_id,
                       COUNT(*) FILTER (WHERE r.indicator_id = ANY(s.indicator_ids)) AS n
                  FROM sp_poverty_assessment_indicator_rel r
                  JOIN scope ON scope.id = r.assessment_id
                  JOIN standard s ON s.year = scope.year
                 GROUP BY r.assessment_id
            ), result AS (
                SELECT scope.id, s.id AS standard_id, scope.area_type,
                       COALESCE(counted.n, 0) AS n, scope.income, s.min_deprivations,
                       CASE WHEN scope.area_type = 'urban'
                            THEN COALESCE(o.threshold_urban, s.threshold_urban)
                            ELSE COALESCE(o.threshold_rural, s.threshold_rural) END AS threshold,
                       CASE WHEN scope.area_type = 'urban'
                            THEN COALESCE(o.middle_urban, s.middle_urban)
                            ELSE COALESCE(o.middle_rural, s.middle_rural) END AS middle
                  FROM scope
                  LEFT JOIN standard s ON s.year = scope.year
                  LEFT JOIN sp_poverty_standard_province o
                    ON o.standard_id = s.id AND o.area_id = scope.province_id
                  LEFT JOIN counted ON counted.assessment_id = scope.id
            ), final AS (
                SELECT id, standard_id, CASE WHEN standard_id IS NULL THEN NULL ELSE area_type END
                       AS area_type, threshold, CASE WHEN standard_id IS NULL THEN 0 ELSE n END AS n,
                       CASE WHEN standard_id IS NULL OR income IS NULL THEN NULL
                            WHEN income <= threshold AND n >= min_deprivations THEN 'poor'
                            WHEN income <= threshold THEN 'near_poor'
                            WHEN middle IS NOT NULL AND income <= middle THEN 'middle'
                            ELSE 'none' END AS status
                  FROM result
            )
            UPDATE sp_poverty_assessment a
               SET standard_id = f.standard_id, area_type = f.area_type,
                   threshold = f.threshold, deprivation_count = f.n, result_status = f.status
              FROM final f
             WHERE a.id = f.id
               AND (a.standard_id, a.area_type, a.threshold, a.deprivation_count, a.result_status)
                   IS DISTINCT FROM (f.standard_id, f.area_type, f.threshold, f.n, f.status)
            """, where=where))
        changed = self.env.cr.rowcount
        self.invalidate_model(["standard_id", "area_type", "threshold", "deprivation_count",
                               "result_status"])
        return changed

    # ------------------------------------------------------------------ steps
    def action_submit(self):
        for rec in self:
            if rec.state != "draft":
                raise UserError(_("Assessment %s is not a draft.", rec.display_name))
            if not rec.result_status:
                raise UserError(_(
                    "Assessment %s has no result yet: enter the income per person (and check "
                    "that a poverty standard is in force for its year).", rec.display_name))
        self._sp_check_open()
        self._sp_step_write({"state": "submitted"})

    def action_approve(self):
        if not self.env.user.has_group("sp_base.group_commune_officer"):
            raise AccessError(_("Only a commune officer approves assessments."))
        for rec in self:
            if rec.state != "submitted":
                raise UserError(_("Assessment %s is not submitted.", rec.display_name))
            if rec.campaign_id.sudo().state not in ("listing", "surveying", "meeting", "posting"):
                raise UserError(_("Assessment %s: its campaign is not under review.",
                                  rec.display_name))
        self._sp_step_write({"state": "approved", "approved_by": self.env.uid,
                             "approved_date": fields.Datetime.now()})

    def action_reset_draft(self):
        if not self.env.user.has_group("sp_base.group_commune_officer"):
            raise AccessError(_("Only a commune officer returns assessments to draft."))
        for rec in self:
            if rec.campaign_id and rec.campaign_id.sudo().state not in OPEN_CAMPAIGN_STATES:
                raise UserError(_(
                    "Assessment %s: the campaign is past its survey, the assessment is closed.",
                    rec.display_name))
        self._sp_step_write({"state": "draft", "approved_by": False, "approved_date": False})
