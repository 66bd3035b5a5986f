from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

FIELDS = ("threshold_rural", "threshold_urban", "middle_rural", "middle_urban")


class SpPovertyStandardProvince(models.Model):
    """Higher thresholds a province sets for itself under a national standard. An empty field
    keeps the national value."""

    _name = "sp.poverty.standard.province"
    _description = "Province thresholds of a poverty standard"
    _inherit = ["sp.access.mixin"]
    _order = "standard_id, area_id"

    standard_id = fields.Many2one("sp.poverty.standard", required=True, ondelete="cascade",
                                  index=True)
    area_id = fields.Many2one(
        string="Province", required=True, domain="[('level', '=', 'province')]")
    threshold_rural = fields.Float("Rural income threshold", digits=(16, 0))
    threshold_urban = fields.Float("Urban income threshold", digits=(16, 0))
    middle_rural = fields.Float("Rural middle living standard", digits=(16, 0))
    middle_urban = fields.Float("Urban middle living standard", digits=(16, 0))

    _sql_constraints = [
        ("standard_area_uniq", "unique(standard_id, area_id)",
         "A province has one set of thresholds per standard."),
    ]

    def write(self, vals):
        res = super().write(vals)
        if not self.env.su and {"area_id", "company_id"} & set(vals):
            # record rules filter what one reads, not where one writes: no move out of scope
            self.check_access("write")
        return res

    @api.constrains("area_id", *FIELDS)
    def _check_higher(self):
        for rec in self:
            if rec.area_id.level != "province":
                raise ValidationError(_("Province thresholds: %s is not a province.",
                                        rec.area_id.display_name))
            for fname in FIELDS:
                national = rec.standard_id[fname]
                if rec[fname] and national and rec[fname] < national:
                    # formatted outside _(): the term extractor evaluates the call's arguments
                    # and fails on an f-string naming a variable
                    national_text = format(national, ",.0f")
                    raise ValidationError(_(
                        "%(field)s of %(province)s: a province may raise the national value "
                        "(%(national)s), not lower it.",
                        field=rec._fields[fname]._description_string(self.env),
                        province=rec.area_id.display_name, national=national_text))
