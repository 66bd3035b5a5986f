from odoo import fields, models


class SpAreaReformMove(models.Model):
    """One record moved by the area reform: the old and the new area. Households keep their code
    (their identity, which starts with the old commune's code): this table finds them by the old
    commune's code."""

    _name = "sp.area.reform.move"
    _description = "Record moved by the area reform"
    _order = "id desc"
    _rec_name = "res_code"

    run_id = fields.Many2one("sp.area.reform.run", required=True, index=True, ondelete="cascade")
    model = fields.Char(required=True, index=True)
    res_id = fields.Integer("Record ID", required=True, index=True)
    res_code = fields.Char("Record code", index=True,
                           help="The record's own code (a household's code), unchanged.")
    old_area_id = fields.Many2one("sp.area", string="Old area", required=True, index=True,
                                  ondelete="restrict")
    new_area_id = fields.Many2one("sp.area", string="New area", required=True, index=True,
                                  ondelete="restrict")
    old_commune_code = fields.Char(
        "Old commune code", index=True,
        help="Code of the legacy commune of the old area (the area itself, or the commune of a "
        "village).")
    new_commune_code = fields.Char("New commune code", index=True)
