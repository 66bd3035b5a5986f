from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sp_collaborator_one_per_household = fields.Boolean(
        related="company_id.sp_collaborator_one_per_household", readonly=False
    )
    sp_collaborator_visit_days = fields.Integer(
        related="company_id.sp_collaborator_visit_days", readonly=False
    )
