from odoo import fields, models


class SpArea(models.Model):
    _inherit = "sp.area"

    sp_area_type_ids = fields.Many2many(
        "sp.area.type", "sp_area_sp_area_type_rel", "area_id", "type_id", string="Area types",
        help="Types of this commune that benefit categories may require; a village has the "
        "types of its commune.",
    )
