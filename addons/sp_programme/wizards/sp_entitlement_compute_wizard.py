from odoo import _, fields, models

from ..tools.rules import vnd


class SpEntitlementComputeWizard(models.TransientModel):
    """Compute (or recompute) one month's entitlements of the user's offices."""

    _name = "sp.entitlement.compute.wizard"
    _description = "Compute monthly entitlements"

    period = fields.Date("Month", required=True, default=fields.Date.context_today)
    programme_ids = fields.Many2many("sp.programme", string="Programmes",
                                     help="Empty: every programme.")

    def action_compute(self):
        self.ensure_one()
        result = self.env["sp.entitlement"]._sp_compute_period(
            self.period, programmes=self.programme_ids or None)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sp_programme.sp_entitlement_action")
        action["domain"] = [("period", "=", result["period"])]
        action["context"] = {}
        action["name"] = _("Entitlements %(month)s: %(rows)s rows, %(total)s VND",
                           month=result["period"].strftime("%m/%Y"), rows=result["rows"],
                           total=vnd(result["amount"] + result["arrears"]
                                                  + result["oneoff"]))
        return action
