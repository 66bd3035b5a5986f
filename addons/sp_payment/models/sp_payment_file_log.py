from odoo import fields, models


class SpPaymentFileLog(models.Model):
    """Every payment list sent to and result file received from an agency: who, when, what."""

    _name = "sp.payment.file.log"
    _description = "Payment file log"
    _order = "create_date desc, id desc"

    kind = fields.Selection([("export", "List exported"), ("import", "Result imported")], required=True)
    cycle_id = fields.Many2one("sp.payment.cycle", index=True, ondelete="cascade")
    batch_id = fields.Many2one("sp.payment.batch", index=True, ondelete="cascade")
    result_id = fields.Many2one("sp.payment.result", index=True, ondelete="cascade")
    company_id = fields.Many2one(related="cycle_id.company_id", store=True, index=True)
    agency_id = fields.Many2one(related="batch_id.agency_id", store=True)
    user_id = fields.Many2one("res.users", required=True, default=lambda self: self.env.user)
    file_name = fields.Char()
    checksum = fields.Char("Checksum (SHA-256)")
    row_count = fields.Integer("Rows")
    attachment_id = fields.Many2one("ir.attachment")
