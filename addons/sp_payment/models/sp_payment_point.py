from odoo import fields, models

from .sp_payment_agency import METHODS


class SpPaymentPoint(models.Model):
    _name = "sp.payment.point"
    _description = "Pay point"
    _inherit = ["sp.input.mixin", "sp.access.mixin"]
    _order = "code, name"

    name = fields.Char(required=True)
    code = fields.Char(required=True)
    contract_id = fields.Many2one("sp.payment.contract", required=True, index=True, ondelete="cascade")
    agency_id = fields.Many2one(related="contract_id.agency_id", store=True, index=True)
    area_id = fields.Many2one(
        string="Located in", domain="[('scheme', '=', '2025'), ('level', 'in', ('commune', 'village'))]",
    )
    commune_ids = fields.Many2many(
        "sp.area", "sp_payment_point_commune_rel", "point_id", "area_id", string="Communes served",
        domain="[('scheme', '=', '2025'), ('level', '=', 'commune')]",
    )
    method = fields.Selection(METHODS, required=True, default="cash_point")
    address = fields.Char()
    active = fields.Boolean(default=True)

    _sql_constraints = [("code_uniq", "unique(contract_id, code)", "Pay point codes are unique per contract.")]
