from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from ..tools.rules import BIRTHDAY_MONTH, Band, add_months
from .sp_enrolment import OPEN_STATES
from .sp_programme import AGE_RULES

POVERTY_REQUIREMENTS = [
    ("any", "Any"),
    ("poor", "Poor household"),
    ("poor_near_poor", "Poor or near-poor household"),
]
POVERTY_ALLOWED = {"poor": ("poor",), "poor_near_poor": ("poor", "near_poor")}


class SpBenefitCategory(models.Model):
    """A group of beneficiaries of a programme (Decree 20: K1 ... K8) and who belongs to it.

    The criteria the registry can answer (age through the bands, poverty status, sex,
    disability through the bands, area type, household composition, any other condition on the
    person as a domain) are checked by the application and by screening; the others (no source
    of nurture, HIV, no pension...) are listed for the officer, who verifies them.
    """

    _name = "sp.benefit.category"
    _description = "Benefit category"
    _order = "programme_id, sequence, code"
    _rec_names_search = ["code", "name"]

    programme_id = fields.Many2one("sp.programme", required=True, index=True, ondelete="cascade")
    code = fields.Char(required=True, help="Code in the law, e.g. K1, K5a.")
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help="Order of the law; breaks ties between equal "
                              "amounts in the highest-of rule.")
    active = fields.Boolean(default=True)
    legal_source = fields.Char()
    conditions = fields.Text(
        "Conditions the officer verifies", translate=True,
        help="Conditions of the law the registry does not hold, checked by the commune officer.",
    )
    exclusivity_group = fields.Char(
        help="Categories sharing a group, in any programme, are not paid together to one "
        "person: only the highest amount is paid (except cumulative categories below). Empty: "
        "paid with any other benefit.",
    )
    cumulative_with_ids = fields.Many2many(
        "sp.benefit.category", "sp_benefit_category_cumulative_rel", "category_id", "other_id",
        string="Also paid with",
        help="Categories of the same group this one is paid together with (Decree 20: the K4 "
        "single parent also receives their own K5, K6 or K8 benefit). Read both ways.",
    )
    per_dependant = fields.Boolean(
        "Per dependant",
        help="The coefficient is paid per dependant recorded on the enrolment (K4: per child "
        "raised).",
    )
    age_rule = fields.Selection(
        AGE_RULES, string="Age bands change",
        help="Empty: the programme's rule. K5b and K5c start in the month of the 75th and 80th "
        "birthday.",
    )
    start_rule = fields.Selection(
        [("decision", "Decision month"),
         ("age", "Month the minimum age is reached"),
         ("certificate", "Month of the disability certificate")],
        string="Entitled from", required=True, default="decision",
        help="Default start of a new enrolment when this event falls between the application "
        "and the decision month; the decision month otherwise. 'Disability certificate' also "
        "stops the category from being paid for months before the certificate.",
    )
    poverty_requirement = fields.Selection(POVERTY_REQUIREMENTS, required=True, default="any")
    gender = fields.Selection([("male", "Male"), ("female", "Female")])
    area_type_ids = fields.Many2many(
        "sp.area.type", "sp_benefit_category_area_type_rel", "category_id", "type_id",
        string="Area types",
        help="The person's commune must have one of these types (e.g. extremely difficult "
        "commune). Empty: anywhere.",
    )
    household_member_age_max = fields.Integer(
        "Household has a member under", default=0,
        help="Another member of the household must be younger than this age (K4: a child under "
        "16). 0: no condition.",
    )
    individual_domain = fields.Char(
        "Other conditions on the person", default="[]",
        help="A domain on people, e.g. [('is_pregnant', '=', True)].",
    )
    band_ids = fields.One2many("sp.benefit.band", "category_id", string="Coefficient bands")

    _sql_constraints = [
        ("code_uniq", "unique(programme_id, code)", "A category code must be unique in its programme."),
        ("household_age_check", "CHECK(household_member_age_max >= 0)",
         "The household member age cannot be negative."),
    ]

    @api.depends("code", "name")
    def _compute_display_name(self):
        for category in self:
            category.display_name = "%s - %s" % (category.code, category.name) if category.code \
                else category.name

    @api.constrains("individual_domain")
    def _check_individual_domain(self):
        for category in self:
            try:
                self.env["sp.individual"]._search(category._sp_individual_domain())
            except Exception as exc:
                raise ValidationError(_(
                    "The conditions on the person of category %(code)s are not a valid domain: "
                    "%(error)s", code=category.code, error=exc)) from exc

    @api.constrains("cumulative_with_ids", "exclusivity_group")
    def _check_cumulative(self):
        for category in self:
            if category in category.cumulative_with_ids:
                raise ValidationError(_("Category %s cannot be cumulative with itself.",
                                        category.code))

    def _sp_individual_domain(self):
        self.ensure_one()
        return safe_eval(self.individual_domain or "[]")

    def _sp_age_rule(self):
        self.ensure_one()
        return self.age_rule or self.programme_id.age_rule

    def _sp_bands(self):
        """The bands as plain values for the rule functions."""
        self.ensure_one()
        return [
            Band(self.id, band.coefficient, band.date_from, band.date_to or None, band.age_min,
                 band.age_max, band.disability_level or None)
            for band in self.band_ids
        ]

    def _sp_event_month(self, person):
        """The month the ``start_rule`` event happens for ``person`` (or None)."""
        self.ensure_one()
        if self.start_rule == "certificate":
            cert = person.disability_certificate_date
            return cert.replace(day=1) if cert else None
        if self.start_rule == "age" and person.birthdate and self.band_ids:
            age = min(self.band_ids.mapped("age_min"))
            month = person.birthdate.replace(day=1, year=person.birthdate.year + age)
            return month if self._sp_age_rule() == BIRTHDAY_MONTH else add_months(month, 1)
        return None

    @api.model
    def _sp_cumulative_pairs(self):
        self.env.cr.execute(
            "SELECT category_id, other_id FROM sp_benefit_category_cumulative_rel")
        return {frozenset(row) for row in self.env.cr.fetchall()}

    def _sp_poverty_allowed(self):
        self.ensure_one()
        return POVERTY_ALLOWED.get(self.poverty_requirement)

    # ------------------------------------------------------------------ set-based eligibility
    @api.model
    def _sp_eligible_query(self, categories, month, scope, household=False):
        """SQL selecting (individual_id, household_id, category_id, age, poverty_status,
        coefficient, dependant_count, company_id, area_id) for the people (or households) of
        ``scope`` (a condition on ``p`` the person or household, ``a`` its area) who meet
        each category in ``month`` and are not already in an open enrolment of its programme.
        The same criteria as ``sp.enrolment._sp_category_reasons``.

        People are first copied (with their ages, household status and commune) into analysed
        temporary tables, so the planner joins them by hash; call ``_sp_drop_eligible()`` once
        the query has run."""
        if not categories:
            raise UserError(_("The programme has no category to screen for."))
        if household:
            return self._sp_eligible_households(categories, scope)
        cr = self.env.cr
        self._sp_drop_eligible()
        after = self._sp_age_sql(SQL("p.birthdate"), SQL("%s::date", month), SQL("'month_after'"))
        bday = self._sp_age_sql(SQL("p.birthdate"), SQL("%s::date", month),
                                SQL("'birthday_month'"))
        cr.execute(SQL(
            """
            CREATE TEMP TABLE sp_elig_people ON COMMIT DROP AS
            SELECT p.id, p.household_id, p.gender, p.company_id, p.area_id,
                   COALESCE(p.disability_level, 'none') AS disability_level,
                   COALESCE(h.poverty_status, 'none') AS poverty_status,
                   CASE WHEN a.level = 'village' THEN a.parent_id ELSE a.id END AS commune_id,
                   %(after)s AS age_after, %(bday)s AS age_bday
              FROM sp_individual p
              JOIN sp_area a ON a.id = p.area_id
              LEFT JOIN sp_household h ON h.id = p.household_id
             WHERE p.active AND p.date_of_death IS NULL AND %(scope)s
            """, after=after, bday=bday, scope=scope))
        # Ages are looked up, not compared: every (category, rule, age, disability) a band
        # covers is one row, joined to the people on their age by hash.
        cr.execute(SQL(
            """
            CREATE TEMP TABLE sp_elig_cat ON COMMIT DROP AS
            SELECT c.id AS category_id, c.programme_id, c.poverty_requirement, c.gender,
                   COALESCE(c.age_rule, pr.age_rule) = 'birthday_month' AS bday,
                   COALESCE(c.household_member_age_max, 0) AS member_age,
                   EXISTS (SELECT 1 FROM sp_benefit_category_area_type_rel t
                            WHERE t.category_id = c.id) AS typed,
                   g.age, COALESCE(b.age_min, 0) = 0 AND COALESCE(b.age_max, 0) = 0 AS unbounded,
                   b.disability_level, b.coefficient
              FROM sp_benefit_category c
              JOIN sp_programme pr ON pr.id = c.programme_id
              JOIN sp_benefit_band b ON b.category_id = c.id AND b.date_from <= %(month)s
               AND (b.date_to IS NULL OR b.date_to >= %(month)s)
              JOIN generate_series(0, 150) g(age)
                ON g.age >= COALESCE(b.age_min, 0)
               AND (COALESCE(b.age_max, 0) = 0 OR g.age < b.age_max)
             WHERE c.id = ANY(%(categories)s)
            """, month=month, categories=categories.ids))
        cr.execute(
            """
            CREATE TEMP TABLE sp_elig_members ON COMMIT DROP AS
            SELECT p.household_id, n.member_age,
                   COUNT(*) FILTER (WHERE p.age_after < n.member_age) AS under_after,
                   COUNT(*) FILTER (WHERE p.age_bday < n.member_age) AS under_bday
              FROM sp_elig_people p
              JOIN (SELECT DISTINCT member_age FROM sp_elig_cat WHERE member_age > 0) n ON TRUE
             WHERE p.household_id IS NOT NULL
             GROUP BY p.household_id, n.member_age
            """)
        for table in ("sp_elig_people", "sp_elig_cat", "sp_elig_members"):
            cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
        domains = [
            SQL("(m.category_id <> %s OR m.id IN %s)", category.id,
                self.env["sp.individual"].sudo()._search(category._sp_individual_domain())
                .subselect())
            for category in categories if category._sp_individual_domain()
        ]
        return SQL(
            """
            WITH matched AS (
                SELECT p.*, c.category_id, c.programme_id, c.poverty_requirement,
                       c.gender AS category_gender, c.bday, c.member_age, c.typed,
                       c.disability_level AS band_disability, c.coefficient,
                       p.age_after AS age
                  FROM sp_elig_people p JOIN sp_elig_cat c ON NOT c.bday AND c.age = p.age_after
                 UNION ALL
                SELECT p.*, c.category_id, c.programme_id, c.poverty_requirement, c.gender,
                       c.bday, c.member_age, c.typed, c.disability_level, c.coefficient,
                       p.age_bday
                  FROM sp_elig_people p JOIN sp_elig_cat c ON c.bday AND c.age = p.age_bday
                 UNION ALL
                SELECT DISTINCT p.*, c.category_id, c.programme_id, c.poverty_requirement,
                       c.gender, c.bday, c.member_age, c.typed, c.disability_level,
                       c.coefficient, NULL::integer
                  FROM sp_elig_people p JOIN sp_elig_cat c ON c.unbounded
                 WHERE p.age_after IS NULL
            ), checked AS (
                SELECT m.*,
                       CASE WHEN m.member_age = 0 THEN 0
                            WHEN m.bday THEN hm.under_bday - (m.age_bday < m.member_age)::int
                            ELSE hm.under_after - (m.age_after < m.member_age)::int END AS others
                  FROM matched m
                  LEFT JOIN sp_elig_members hm
                    ON hm.household_id = m.household_id AND hm.member_age = m.member_age
                 WHERE (m.band_disability IS NULL OR m.band_disability = m.disability_level)
                   AND (m.poverty_requirement = 'any'
                        OR (m.poverty_requirement = 'poor' AND m.poverty_status = 'poor')
                        OR (m.poverty_requirement = 'poor_near_poor'
                            AND m.poverty_status IN ('poor', 'near_poor')))
                   AND (m.category_gender IS NULL OR m.category_gender = m.gender)
            )
            SELECT m.id AS individual_id, NULL::integer AS household_id, m.category_id, m.age,
                   m.poverty_status, m.coefficient, GREATEST(1, m.others) AS dependant_count,
                   m.company_id, m.area_id
              FROM checked m
             WHERE (m.member_age = 0 OR m.others > 0)
               AND NOT EXISTS (
                    SELECT 1 FROM sp_enrolment e
                     WHERE e.individual_id = m.id AND e.programme_id = m.programme_id
                       AND e.state IN %(open)s)
               AND (NOT m.typed OR EXISTS (
                    SELECT 1 FROM sp_benefit_category_area_type_rel t
                      JOIN sp_area_sp_area_type_rel at ON at.type_id = t.type_id
                     WHERE t.category_id = m.category_id AND at.area_id = m.commune_id))
               AND %(domains)s
            """,
            domains=SQL(" AND ").join(domains) if domains else SQL("TRUE"), open=OPEN_STATES,
        )

    @api.model
    def _sp_drop_eligible(self):
        self.env.cr.execute(
            "DROP TABLE IF EXISTS sp_elig_people, sp_elig_cat, sp_elig_members")

    @api.model
    def _sp_eligible_households(self, categories, scope):
        return SQL(
            """
            SELECT NULL::integer AS individual_id, p.id AS household_id, c.id AS category_id,
                   NULL::integer AS age, p.poverty_status, b.coefficient, 1 AS dependant_count,
                   p.company_id, p.area_id
              FROM sp_household p
              JOIN sp_area a ON a.id = p.area_id
              JOIN sp_benefit_category c ON c.id = ANY(%(categories)s)
             CROSS JOIN LATERAL (SELECT CASE WHEN a.level = 'village' THEN a.parent_id
                                             ELSE a.id END AS commune_id) g
              JOIN LATERAL (SELECT b.coefficient FROM sp_benefit_band b
                             WHERE b.category_id = c.id AND COALESCE(b.age_min, 0) = 0
                               AND COALESCE(b.age_max, 0) = 0
                             ORDER BY b.date_from DESC LIMIT 1) b ON TRUE
             WHERE p.active AND %(scope)s
               AND (c.poverty_requirement = 'any'
                    OR (c.poverty_requirement = 'poor' AND p.poverty_status = 'poor')
                    OR (c.poverty_requirement = 'poor_near_poor'
                        AND p.poverty_status IN ('poor', 'near_poor')))
               AND (NOT EXISTS (SELECT 1 FROM sp_benefit_category_area_type_rel t
                                 WHERE t.category_id = c.id)
                    OR EXISTS (SELECT 1 FROM sp_benefit_category_area_type_rel t
                                 JOIN sp_area_sp_area_type_rel at ON at.type_id = t.type_id
                                WHERE t.category_id = c.id AND at.area_id = g.commune_id))
               AND NOT EXISTS (
                    SELECT 1 FROM sp_enrolment e
                     WHERE e.household_id = p.id AND e.individual_id IS NULL
                       AND e.programme_id = c.programme_id AND e.state IN %(open)s)
            """,
            categories=categories.ids, scope=scope, open=OPEN_STATES,
        )

    @api.model
    def _sp_age_sql(self, birthdate, month, rule):
        """SQL twin of tools.rules.age_in_month."""
        return SQL(
            """(EXTRACT(YEAR FROM %(m)s)::int - EXTRACT(YEAR FROM %(b)s)::int
                - CASE WHEN %(rule)s = 'birthday_month'
                       THEN (EXTRACT(MONTH FROM %(m)s) < EXTRACT(MONTH FROM %(b)s))::int
                       ELSE (EXTRACT(MONTH FROM %(m)s) <= EXTRACT(MONTH FROM %(b)s))::int END)""",
            m=month, b=birthdate, rule=rule)
