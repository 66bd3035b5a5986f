from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .sp_sensitive_mixin import MAX_AGE, MAX_COEFFICIENT, bounded_check

DISABILITY_LEVELS = [
    ("none", "None"),
    ("mild", "Mild"),
    ("severe", "Severe"),
    ("particularly_severe", "Particularly severe"),
]


class SpBenefitBand(models.Model):
    """The coefficient of a category for an age range (and disability level), effective-dated.

    A person belongs to a category in a month only when one of its bands matches their age in
    that month (under the category's birthday rule) and their disability level.
    """

    _name = "sp.benefit.band"
    _inherit = ["sp.input.mixin"]
    _sp_scope_fields = ()  # configuration of a programme, placed in no area
    _sp_bounds = {"coefficient": (0, MAX_COEFFICIENT), "age_min": (0, MAX_AGE),
                  "age_max": (0, MAX_AGE)}
    _description = "Coefficient band"
    _order = "category_id, date_from desc, disability_level, age_min"

    category_id = fields.Many2one(
        "sp.benefit.category", required=True, index=True, ondelete="cascade")
    programme_id = fields.Many2one(related="category_id.programme_id", store=True, index=True)
    date_from = fields.Date("Valid from", required=True)
    date_to = fields.Date("Valid until")
    age_min = fields.Integer("From age", default=0, help="Age in years, included.")
    age_max = fields.Integer("Under age", default=0, help="Age in years, excluded; 0: no limit.")
    life_stage = fields.Selection(
        [("child", "Child"), ("adult", "Adult"), ("elderly", "Elderly")],
        help="How the law names this band (child under 16, adult, elderly from 60).",
    )
    disability_level = fields.Selection(
        DISABILITY_LEVELS, help="Only people with this disability level; empty: anyone.")
    coefficient = fields.Float(digits=(6, 2), required=True)

    _sql_constraints = [
        ("coefficient_check", "CHECK(coefficient > 0)", "A coefficient must be positive."),
        bounded_check("coefficient_max_check", "coefficient", 0, MAX_COEFFICIENT,
                      "A coefficient must be a finite number up to 1,000."),
        bounded_check("age_max_check", "age_max", 0, MAX_AGE,
                      "A band's ages must be from 0 to 150."),
        ("age_check", "CHECK(age_min >= 0 AND age_max >= 0 AND (age_max = 0 OR age_max > age_min))",
         "A band's ages must be positive and its upper age above its lower age."),
        ("dates_check", "CHECK(date_to IS NULL OR date_to >= date_from)",
         "A band cannot end before it starts."),
    ]

    @api.depends("category_id", "age_min", "age_max", "disability_level", "coefficient")
    def _compute_display_name(self):
        for band in self:
            ages = "%s-%s" % (band.age_min, band.age_max) if band.age_max else "%s+" % band.age_min
            band.display_name = "%s %s: %s" % (band.category_id.code or "", ages, band.coefficient)

    @api.constrains("category_id", "date_from", "date_to", "age_min", "age_max",
                    "disability_level")
    def _check_overlap(self):
        for band in self:
            for other in band.category_id.band_ids - band:
                if band._sp_overlaps(other):
                    raise ValidationError(_(
                        "Two bands of category %(code)s overlap (ages %(a)s and %(b)s): a person "
                        "must fall in one band at most.",
                        code=band.category_id.code, a=band.display_name, b=other.display_name))

    def _sp_overlaps(self, other):
        far = fields.Date.to_date("9999-12-31")
        if (self.date_to or far) < other.date_from or (other.date_to or far) < self.date_from:
            return False
        if self.disability_level and other.disability_level and \
                self.disability_level != other.disability_level:
            return False
        top, other_top = self.age_max or 999, other.age_max or 999
        return self.age_min < other_top and other.age_min < top

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._sp_check_coefficient(vals)
        bands = super().create(vals_list)
        bands._sp_mark_arrears()
        return bands

    def write(self, vals):
        self._sp_check_coefficient(vals)
        res = super().write(vals)
        if {"coefficient", "date_from", "date_to", "age_min", "age_max",
                "disability_level"} & set(vals):
            self._sp_mark_arrears()
        return res

    @api.model
    def _sp_check_coefficient(self, vals):
        """Before the database's CHECK, with a message an administrator understands."""
        if "coefficient" in vals and (vals["coefficient"] or 0) <= 0:
            raise ValidationError(_("A coefficient must be positive, not %s.",
                                    vals["coefficient"]))

    def _sp_mark_arrears(self):
        """A band changed with effect in the past: months already computed are recomputed."""
        for band in self:
            self.env["sp.enrolment"]._sp_mark_arrears(
                band.date_from, programme=band.programme_id, category=band.category_id)
