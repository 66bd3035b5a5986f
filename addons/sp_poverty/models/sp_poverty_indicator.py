from odoo import fields, models

DIMENSIONS = [
    ("employment", "Employment"),
    ("health", "Health"),
    ("education", "Education"),
    ("housing", "Housing"),
    ("water_sanitation", "Water and sanitation"),
    ("information", "Information"),
]


class SpPovertyIndicator(models.Model):
    """A deprivation indicator of a multidimensional poverty standard (one row per indicator;
    a standard lists the ones it counts)."""

    _name = "sp.poverty.indicator"
    _description = "Poverty deprivation indicator"
    _order = "sequence, code"

    code = fields.Char(required=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    dimension = fields.Selection(DIMENSIONS, required=True)
    description = fields.Text(translate=True, help="When a household is deprived in it.")
    active = fields.Boolean(default=True)

    _sql_constraints = [("code_uniq", "unique(code)", "An indicator code must be unique.")]
