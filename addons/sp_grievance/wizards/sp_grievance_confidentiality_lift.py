from odoo import fields, models


class SpGrievanceConfidentialityLift(models.TransientModel):
    """The inspector's dialog to lift the confidentiality of tickets, with the reason kept in
    each ticket's history."""

    _name = "sp.grievance.confidentiality.lift"
    _description = "Lift the confidentiality of tickets"

    ticket_ids = fields.Many2many("sp.grievance", string="Tickets", required=True)
    reason = fields.Text(
        required=True,
        help="Why the tickets no longer need to be hidden (e.g. misfiled as fraud). Kept in "
        "each ticket's history.",
    )

    def action_confirm(self):
        self.ensure_one()
        self.ticket_ids._sp_lift_confidential(self.reason)
        return {"type": "ir.actions.act_window_close"}
