from odoo import fields, models

METHODS = [
    ("cash_point", "Cash at a pay point"),
    ("cash_home", "Cash at home"),
    ("bank", "Bank account"),
    ("ewallet", "E-wallet"),
]


class SpPaymentAgency(models.Model):
    _name = "sp.payment.agency"
    _description = "Payment agency"
    _inherit = ["mail.thread"]
    _order = "name"

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(required=True, help="Short code printed on lists and files, e.g. VNPOST.")
    partner_id = fields.Many2one("res.partner", string="Contact")
    active = fields.Boolean(default=True)
    contract_ids = fields.One2many("sp.payment.contract", "agency_id", string="Contracts")
    user_ids = fields.One2many("res.users", "sp_payment_agency_id", string="Agency users")

    _sql_constraints = [("code_uniq", "unique(code)", "The agency code must be unique.")]
