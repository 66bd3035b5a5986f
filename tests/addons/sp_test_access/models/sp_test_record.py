from odoo import fields, models


class SpTestRecord(models.Model):
    _name = "sp.test.record"
    _inherit = ["sp.access.mixin", "sp.step.mixin", "sp.input.mixin"]
    _description = "Operational record used to test company/area access"

    name = fields.Char(required=True)
    state = fields.Selection(
        [("draft", "Draft"), ("approved", "Approved")], default="draft", sp_step=True)
    approved_by = fields.Many2one("res.users", sp_step=True)

    def action_approve(self):
        """A step: writes the fields it owns through the guard's step write."""
        self._sp_step_write({"state": "approved", "approved_by": self.env.uid})
        return True
