from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class SpAreaSuccession(models.Model):
    _name = "sp.area.succession"
    _description = "Succession of administrative areas"
    _order = "date desc, old_area_id"

    old_area_id = fields.Many2one(
        "sp.area", string="Former area", required=True, index=True, ondelete="cascade"
    )
    new_area_id = fields.Many2one(
        "sp.area", string="Successor area", required=True, index=True, ondelete="cascade"
    )
    date = fields.Date("Effective date", required=True)
    legal_source = fields.Char(help="Resolution or decision that made the change.")
    is_default = fields.Boolean(
        "Default successor",
        help="When a former unit was split among several successors, the one records without a "
        "more precise address go to.",
    )
    level = fields.Selection(related="old_area_id.level", store=True)

    _sql_constraints = [
        ("pair_uniq", "unique(old_area_id, new_area_id)", "This succession is already recorded."),
    ]

    @api.constrains("old_area_id", "new_area_id")
    def _check_areas(self):
        for rec in self:
            if rec.old_area_id == rec.new_area_id:
                raise ValidationError(_("An area cannot succeed itself (%s).", rec.old_area_id.name))
            old, new = rec.old_area_id, rec.new_area_id
            # an island district without communes became a special-zone commune (đặc khu)
            island = old.level == "district" and new.level == "commune" and not old.child_ids
            if old.level != new.level and not island:
                raise ValidationError(
                    _("%(old)s and %(new)s are not at the same level.",
                      old=rec.old_area_id.display_name, new=rec.new_area_id.display_name)
                )
