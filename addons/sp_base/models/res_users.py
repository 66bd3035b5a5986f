from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    sp_area_ids = fields.Many2many(
        "sp.area",
        "res_users_sp_area_rel",
        "user_id",
        "area_id",
        string="Work areas",
        help="Communes or villages this user works in: records outside them and their sub-areas "
        "are hidden. Empty means the whole province office (or every office the user may select).",
    )

    def write(self, vals):
        res = super().write(vals)
        if "sp_area_ids" in vals:
            # Record rules read sp_area_ids; their cached domains must be recomputed.
            self.env.registry.clear_cache()
        return res

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + ["sp_area_ids"]
