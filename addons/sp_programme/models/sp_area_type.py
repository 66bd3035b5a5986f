from odoo import fields, models


class SpAreaType(models.Model):
    """A kind of commune the law targets (extremely difficult commune of ethnic-minority and
    mountain areas, coastal or island commune...). Categories may require one."""

    _name = "sp.area.type"
    _description = "Area type"
    _order = "code"

    code = fields.Char(required=True)
    name = fields.Char(required=True, translate=True)
    legal_source = fields.Char()
    active = fields.Boolean(default=True)
    area_ids = fields.Many2many(
        "sp.area", "sp_area_sp_area_type_rel", "type_id", "area_id", string="Communes")

    _sql_constraints = [("code_uniq", "unique(code)", "An area type code must be unique.")]
