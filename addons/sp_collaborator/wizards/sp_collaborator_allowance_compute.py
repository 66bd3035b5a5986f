from odoo import _, api, fields, models
from odoo.exceptions import UserError


class SpCollaboratorAllowanceCompute(models.TransientModel):
    _name = "sp.collaborator.allowance.compute"
    _description = "Compute collaborator allowances"

    period = fields.Date(
        "Month", required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        help="Any day of the month to compute.",
    )
    company_ids = fields.Many2many(
        "res.company", string="Province offices", default=lambda self: self.env.companies,
        help="Collaborators of these offices (among those you may see).",
    )
    collaborator_ids = fields.Many2many(
        "sp.collaborator", string="Collaborators",
        help="Leave empty for every collaborator of the offices.",
    )

    @api.onchange("period")
    def _onchange_period(self):
        if self.period:
            self.period = self.period.replace(day=1)

    def _collaborators(self):
        if self.collaborator_ids:
            return self.collaborator_ids
        return self.env["sp.collaborator"].search([
            ("company_id", "in", self.company_ids.ids or self.env.companies.ids),
            ("state", "!=", "suspended"),
        ])

    def action_compute(self):
        self.ensure_one()
        collaborators = self._collaborators()
        if not collaborators:
            raise UserError(_("No collaborator to compute an allowance for."))
        period = self.period.replace(day=1)
        self.env["sp.collaborator.allowance"]._sp_compute(period, collaborators)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sp_collaborator.sp_collaborator_allowance_action"
        )
        action["domain"] = [("period", "=", period), ("collaborator_id", "in", collaborators.ids)]
        action["context"] = {}
        return action

    def action_export(self):
        self.ensure_one()
        allowances = self.env["sp.collaborator.allowance"].search([
            ("period", "=", self.period.replace(day=1)),
            ("collaborator_id", "in", self._collaborators().ids),
        ])
        if not allowances:
            raise UserError(_("No allowance computed for %s yet.", self.period.strftime("%m/%Y")))
        return allowances.action_export_xlsx()
