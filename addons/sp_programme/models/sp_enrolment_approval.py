from odoo import fields, models


class SpEnrolmentApproval(models.Model):
    """Who approved (or rejected) an application at which stage, and when; written by the
    approval step only. The approver is never the one who prepared (submitted) the application:
    four eyes, checked by the step and by the database."""

    _name = "sp.enrolment.approval"
    _description = "Approval of an application"
    _inherit = ["sp.step.mixin", "sp.access.mixin"]
    _order = "date, id"

    enrolment_id = fields.Many2one("sp.enrolment", required=True, index=True, ondelete="cascade",
                                   sp_step=True)
    stage_id = fields.Many2one("sp.programme.stage", ondelete="set null", sp_step=True)
    user_id = fields.Many2one("res.users", string="Approver", required=True, index=True,
                              sp_step=True)
    prepared_by_id = fields.Many2one(
        "res.users", string="Prepared by", readonly=True, sp_step=True,
        help="Who submitted the application: never its approver.")
    date = fields.Datetime(required=True, default=fields.Datetime.now, sp_step=True)
    result = fields.Selection([("approved", "Approved"), ("rejected", "Rejected")], required=True,
                              sp_step=True)
    note = fields.Text(sp_step=True)

    _sql_constraints = [
        ("four_eyes_check", "CHECK(prepared_by_id IS NULL OR user_id <> prepared_by_id)",
         "The approver of an application must not be the person who prepared (submitted) it "
         "(four eyes)."),
    ]
