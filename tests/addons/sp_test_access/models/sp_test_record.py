from odoo import fields, models


class SpTestRecord(models.Model):
    _name = "sp.test.record"
    _inherit = ["sp.access.mixin"]
    _description = "Operational record used to test company/area access"

    name = fields.Char(required=True)
