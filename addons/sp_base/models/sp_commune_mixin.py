from odoo import api, fields, models


class SpCommuneMixin(models.AbstractModel):
    """Commune and province of a record's area (the area itself or the commune of a village),
    stored for the searches, groupings and set-based statements by commune and province.
    Models that need an index on them redeclare the field with ``index=True``."""

    _name = "sp.commune.mixin"
    _description = "Commune and province of the area"

    commune_id = fields.Many2one(
        "sp.area", string="Commune", compute="_compute_commune_id", store=True, precompute=True,
        help="The commune of the area (the area itself or the parent of a village).",
    )
    province_id = fields.Many2one(
        "sp.area", string="Province", compute="_compute_commune_id", store=True,
        precompute=True,
    )

    @api.depends("area_id", "area_id.parent_id", "area_id.province_id")
    def _compute_commune_id(self):
        for rec in self:
            area = rec.area_id
            rec.commune_id = area.parent_id if area.level == "village" else area
            rec.province_id = area.province_id
