from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class SpPovertyStandard(models.Model):
    """One version of the poverty standard, in force from ``date_from`` to ``date_to``.

    Poor: income per person per month at or below the threshold of the household's area type
    and deprived in at least ``min_deprivations`` of the standard's indicators; near-poor: at or
    below the threshold with fewer deprivations; middle living standard: above the threshold up
    to the middle threshold. A review of a year uses the standard in force in that year."""

    _name = "sp.poverty.standard"
    _description = "Poverty standard"
    _order = "date_from desc"

    name = fields.Char(required=True, translate=True)
    legal_source = fields.Char(help="The decree that sets this standard.")
    date_from = fields.Date("Valid from", required=True)
    date_to = fields.Date("Valid until")
    active = fields.Boolean(default=True)
    threshold_rural = fields.Float(
        "Rural income threshold", digits=(16, 0), required=True,
        help="Income per person per month (VND) at or below which a rural household is poor or "
        "near-poor.")
    threshold_urban = fields.Float(
        "Urban income threshold", digits=(16, 0), required=True,
        help="Income per person per month (VND) at or below which an urban household is poor or "
        "near-poor.")
    middle_rural = fields.Float(
        "Rural middle living standard", digits=(16, 0),
        help="Income per person per month up to which a rural household above the threshold "
        "has a middle living standard. Empty: not set by this standard.")
    middle_urban = fields.Float(
        "Urban middle living standard", digits=(16, 0),
        help="Income per person per month up to which an urban household above the threshold "
        "has a middle living standard. Empty: not set by this standard.")
    min_deprivations = fields.Integer(
        "Deprivations for poor", required=True, default=3,
        help="A household at or below the threshold is poor with at least this many "
        "deprivations, near-poor with fewer.")
    indicator_ids = fields.Many2many(
        "sp.poverty.indicator", "sp_poverty_standard_indicator_rel", "standard_id",
        "indicator_id", string="Indicators")
    indicator_count = fields.Integer(compute="_compute_indicator_count")
    province_ids = fields.One2many(
        "sp.poverty.standard.province", "standard_id", string="Province thresholds")

    _sql_constraints = [
        ("dates_check", "CHECK(date_to IS NULL OR date_to >= date_from)",
         "A standard ends after it starts."),
        ("thresholds_check",
         "CHECK(threshold_rural > 0 AND threshold_urban > 0 AND min_deprivations >= 1)",
         "Income thresholds are positive and a poor household has at least one deprivation."),
    ]

    @api.depends("indicator_ids")
    def _compute_indicator_count(self):
        for standard in self:
            standard.indicator_count = len(standard.indicator_ids)

    @api.constrains("threshold_rural", "threshold_urban", "middle_rural", "middle_urban")
    def _check_middle(self):
        for standard in self:
            for middle, threshold in ((standard.middle_rural, standard.threshold_rural),
                                      (standard.middle_urban, standard.threshold_urban)):
                if middle and middle <= threshold:
                    raise ValidationError(_(
                        "%(standard)s: a middle living standard threshold is above the poverty "
                        "threshold.", standard=standard.name))

    @api.constrains("date_from", "date_to", "active")
    def _check_overlap(self):
        for standard in self.filtered("active"):
            domain = [("id", "!=", standard.id), ("active", "=", True),
                      "|", ("date_to", "=", False), ("date_to", ">=", standard.date_from)]
            if standard.date_to:
                domain.append(("date_from", "<=", standard.date_to))
            other = self.search(domain, limit=1)
            if other:
                raise ValidationError(_(
                    "%(standard)s overlaps %(other)s: one standard is in force at a time.",
                    standard=standard.name, other=other.name))
