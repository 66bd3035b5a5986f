from odoo import fields, models


class SpEnrolmentApproval(models.Model):
    """Who approved (or rejected) an application at which stage, and when."""

    _name = "sp.enrolment.approval"
    _description = "Approval of an application"
    _inherit = ["sp.access.mixin"]
    _order = "date, id"

    enrolment_id = fields.Many2one("sp.enrolment", required=True, index=True, ondelete="cascade")
    stage_id = fields.Many2one("sp.programme.stage", ondelete="set null")
    user_id = fields.Many2one("res.users", string="Approver", required=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    result = fields.Selection([("approved", "Approved"), ("rejected", "Rejected")], required=True)
    note = fields.Text()
