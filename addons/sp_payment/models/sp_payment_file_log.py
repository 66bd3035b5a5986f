from odoo import fields, models


class SpPaymentFileLog(models.Model):
    """Every payment list sent to and result file received from an agency: who, when, what.

    Written by the export and import steps only (sp_step fields). Its area is the batch's
    commune for a list, the cycle's province for a result file: the suite's area rule keeps a
    commune's staff to their own lists."""

    _name = "sp.payment.file.log"
    _description = "Payment file log"
    _inherit = ["sp.step.mixin"]
    _order = "create_date desc, id desc"

    kind = fields.Selection([("export", "List exported"), ("import", "Result imported")],
                            required=True, sp_step=True)
    cycle_id = fields.Many2one("sp.payment.cycle", index=True, ondelete="cascade", sp_step=True)
    batch_id = fields.Many2one("sp.payment.batch", index=True, ondelete="cascade", sp_step=True)
    result_id = fields.Many2one("sp.payment.result", index=True, ondelete="cascade", sp_step=True)
    company_id = fields.Many2one(related="cycle_id.company_id", store=True, index=True,
                                 sp_step=True)
    area_id = fields.Many2one("sp.area", string="Area", index=True, sp_step=True)
    agency_id = fields.Many2one(related="batch_id.agency_id", store=True, sp_step=True)
    user_id = fields.Many2one("res.users", required=True, default=lambda self: self.env.user,
                              sp_step=True)
    file_name = fields.Char(sp_step=True)
    checksum = fields.Char("Checksum (SHA-256)", sp_step=True)
    row_count = fields.Integer("Rows", sp_step=True)
    attachment_id = fields.Many2one("ir.attachment", sp_step=True)
