from odoo import fields, models


class SpPovertyAreaType(models.Model):
    """Which administrative unit types count as urban or rural for the income thresholds
    (e.g. phường urban; xã, đặc khu rural). A commune whose type is not listed is rural."""

    _name = "sp.poverty.area.type"
    _description = "Urban or rural unit type"
    _order = "division_type"

    division_type = fields.Char(
        "Unit type", required=True,
        help="The unit type exactly as the areas hold it (Division type of the commune).")
    area_type = fields.Selection([("urban", "Urban"), ("rural", "Rural")], required=True)

    _sql_constraints = [
        ("division_type_uniq", "unique(division_type)", "A unit type is mapped once."),
    ]
