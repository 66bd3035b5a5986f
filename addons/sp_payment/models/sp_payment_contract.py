from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .sp_payment_agency import METHODS
from .sp_payment_line import MAX_AMOUNT


class SpPaymentContract(models.Model):
    """The contract a province or commune signs with a payment agency (Decree 20, Art. 34)."""

    _name = "sp.payment.contract"
    _description = "Payment agency contract"
    _inherit = ["sp.access.mixin", "sp.input.mixin", "mail.thread"]
    # NaN or infinity would fail with a traceback, a negative or 1e308 fee would be stored
    _sp_bounds = {"fee_rate": (0, 100), "fee_amount": (0, MAX_AMOUNT)}
    _order = "date_start desc, id desc"

    name = fields.Char("Contract number", required=True, tracking=True)
    agency_id = fields.Many2one("sp.payment.agency", required=True, index=True, tracking=True)
    area_id = fields.Many2one(
        help="The province, or the commune, that signed the contract.",
        domain="[('scheme', '=', '2025'), ('level', 'in', ('province', 'commune'))]",
    )
    date_start = fields.Date(required=True, tracking=True)
    date_end = fields.Date(tracking=True)
    method = fields.Selection(METHODS, string="Default method", required=True, default="cash_point")
    fee_type = fields.Selection(
        [("percent", "Percentage of the amount paid"), ("per_person", "Fixed amount per person paid")],
        required=True, default="percent", tracking=True,
    )
    fee_rate = fields.Float("Fee (%)", digits=(5, 3), tracking=True)
    fee_amount = fields.Float("Fee per person (VND)", digits=(16, 0), tracking=True)
    list_due_day = fields.Integer(
        "List due before day", default=25,
        help="The payment list and the funds go to the agency before this day of the month paid.",
    )
    report_due_day = fields.Integer(
        "Report due before day", default=20,
        help="The agency reports paid and unpaid before this day of the following month.",
    )
    point_ids = fields.One2many("sp.payment.point", "contract_id", string="Pay points")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("fee_check", "CHECK((fee_rate IS NULL OR (fee_rate >= 0 AND fee_rate <= 100)) AND "
         "(fee_amount IS NULL OR (fee_amount >= 0 AND fee_amount <= 1e15)))",
         "A contract's fee is from 0 to 100 % or from 0 to 1,000,000,000,000,000 VND per person."),
    ]

    @api.constrains("fee_rate", "fee_amount", "list_due_day", "report_due_day", "date_start", "date_end")
    def _check_terms(self):
        for contract in self:
            if contract.fee_rate < 0 or contract.fee_amount < 0:
                raise ValidationError(_("Contract %s: a fee cannot be negative.", contract.name))
            if not (1 <= contract.list_due_day <= 28 and 1 <= contract.report_due_day <= 28):
                raise ValidationError(
                    _("Contract %s: due days must be between 1 and 28.", contract.name)
                )
            if contract.date_end and contract.date_end < contract.date_start:
                raise ValidationError(_("Contract %s ends before it starts.", contract.name))
