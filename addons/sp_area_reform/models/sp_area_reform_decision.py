from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class SpAreaReformDecision(models.Model):
    """Where one record on a split legacy unit goes: the explicit choice of an administrator
    (imported from the dry-run workbook or entered by hand). A decision is used only while the
    record is still on ``from_area_id``."""

    _name = "sp.area.reform.decision"
    _description = "Area reform decision for one record"
    _order = "model, res_id"

    model = fields.Char(required=True, index=True, help="Technical name of the record's model.")
    res_id = fields.Integer("Record ID", required=True, index=True)
    from_area_id = fields.Many2one(
        "sp.area", string="From area", required=True, index=True, ondelete="cascade",
        domain="[('scheme', '=', 'legacy')]")
    to_area_id = fields.Many2one(
        "sp.area", string="To area", required=True, index=True, ondelete="restrict",
        domain="[('scheme', '=', '2025')]")
    note = fields.Char()

    _sql_constraints = [
        ("record_uniq", "unique(model, res_id, from_area_id)",
         "A record has one decision per legacy area."),
    ]

    @api.constrains("model", "from_area_id", "to_area_id")
    def _check_decision(self):
        runs = self.env["sp.area.reform.run"]
        names = runs._sp_target_names()
        all_candidates = runs._sp_candidates(self.from_area_id.ids)
        for rec in self:
            if rec.model not in names:
                raise ValidationError(_(
                    "Model: %s is not a model whose records carry an area.", rec.model))
            if rec.from_area_id.scheme != "legacy":
                raise ValidationError(_(
                    "From area: %s is not a legacy area.", rec.from_area_id.display_name))
            if rec.to_area_id.scheme != "2025":
                raise ValidationError(_(
                    "To area: %s is not an area of the 2025 scheme.", rec.to_area_id.display_name))
            candidates = all_candidates.get(rec.from_area_id.id)
            allowed = candidates and candidates["all"] or []
            # a successor, or a village of a successor commune
            if rec.to_area_id.id not in allowed and rec.to_area_id.parent_id.id not in allowed:
                raise ValidationError(_(
                    "To area: %(new)s is not a successor of %(old)s.",
                    new=rec.to_area_id.display_name, old=rec.from_area_id.display_name))
