from odoo import fields, models


class SpEthnicity(models.Model):
    _name = "sp.ethnicity"
    _description = "Ethnic group"
    _order = "sequence, code"
    _rec_names_search = ["name", "code"]

    code = fields.Char(required=True, help="Code of the General Statistics Office list (01 = Kinh).")
    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _sql_constraints = [("code_uniq", "unique(code)", "An ethnic group code must be unique.")]
