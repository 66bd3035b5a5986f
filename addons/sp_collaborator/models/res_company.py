from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    sp_collaborator_one_per_household = fields.Boolean(
        "One collaborator per household",
        default=True,
        help="Refuse assignments that give a household to two collaborators over the same dates. "
        "Applies to assignments made while it is on.",
    )
    sp_collaborator_visit_days = fields.Integer(
        "Visit interval (days)",
        default=30,
        help="A household of a caseload not visited for this many days shows as overdue.",
    )
