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
        The same criteria as ``sp.enrolment._sp_category_reasons``."""
        if not categories:
            raise UserError(_("The programme has no category to screen for."))
        if household:
            return self._sp_eligible_households(categories, scope)
        domains = [
            SQL("(c.id <> %s OR p.id IN %s)", category.id,
                self.env["sp.individual"].sudo()._search(category._sp_individual_domain())
                .subselect())
            for category in categories if category._sp_individual_domain()
        ]
        age = self._sp_age_sql(SQL("p.birthdate"), SQL("%s::date", month),
                               SQL("COALESCE(c.age_rule, pr.age_rule)"))
        member_age = self._sp_age_sql(SQL("m.birthdate"), SQL("%s::date", month),
                                      SQL("COALESCE(c.age_rule, pr.age_rule)"))
        return SQL(
            """
            SELECT p.id AS individual_id, NULL::integer AS household_id, c.id AS category_id,
                   g.age, COALESCE(h.poverty_status, 'none') AS poverty_status,
                   b.coefficient,
                   CASE WHEN c.per_dependant AND COALESCE(c.household_member_age_max, 0) > 0
                        THEN GREATEST(1, (SELECT COUNT(*) FROM sp_individual m
                                WHERE m.household_id = p.household_id AND m.id <> p.id
                                  AND m.date_of_death IS NULL AND m.birthdate IS NOT NULL
                                  AND %(member_age)s < c.household_member_age_max))
                        ELSE 1 END AS dependant_count,
                   p.company_id, p.area_id
              FROM sp_individual p
              JOIN sp_area a ON a.id = p.area_id
              LEFT JOIN sp_household h ON h.id = p.household_id
              JOIN sp_benefit_category c ON c.id = ANY(%(categories)s)
              JOIN sp_programme pr ON pr.id = c.programme_id
             CROSS JOIN LATERAL (SELECT %(age)s AS age,
                                        CASE WHEN a.level = 'village' THEN a.parent_id
                                             ELSE a.id END AS commune_id) g
              JOIN sp_benefit_band b
                ON b.category_id = c.id AND b.date_from <= %(month)s
               AND (b.date_to IS NULL OR b.date_to >= %(month)s)
               AND (b.disability_level IS NULL OR b.disability_level = p.disability_level)
               AND (COALESCE(b.age_min, 0) = 0 OR g.age >= b.age_min)
               AND (COALESCE(b.age_max, 0) = 0 OR g.age < b.age_max)
             WHERE p.active AND p.date_of_death IS NULL AND %(scope)s
               AND (c.poverty_requirement = 'any'
                    OR (c.poverty_requirement = 'poor' AND h.poverty_status = 'poor')
                    OR (c.poverty_requirement = 'poor_near_poor'
                        AND h.poverty_status IN ('poor', 'near_poor')))
               AND (c.gender IS NULL OR c.gender = p.gender)
               AND (NOT EXISTS (SELECT 1 FROM sp_benefit_category_area_type_rel t
                                 WHERE t.category_id = c.id)
                    OR EXISTS (SELECT 1 FROM sp_benefit_category_area_type_rel t
                                 JOIN sp_area_sp_area_type_rel at ON at.type_id = t.type_id
                                WHERE t.category_id = c.id AND at.area_id = g.commune_id))
               AND (COALESCE(c.household_member_age_max, 0) = 0 OR EXISTS (
                    SELECT 1 FROM sp_individual m
                     WHERE m.household_id = p.household_id AND m.id <> p.id
                       AND m.date_of_death IS NULL AND m.birthdate IS NOT NULL
                       AND %(member_age)s < c.household_member_age_max))
               AND %(domains)s
               AND NOT EXISTS (
                    SELECT 1 FROM sp_enrolment e
                     WHERE COALESCE(e.individual_id, -e.household_id) = p.id
                       AND e.programme_id = c.programme_id AND e.state IN %(open)s)
            """,
            categories=categories.ids, month=month, age=age, member_age=member_age,
            scope=scope, domains=SQL(" AND ").join(domains) if domains else SQL("TRUE"),
            open=OPEN_STATES,
        )

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
