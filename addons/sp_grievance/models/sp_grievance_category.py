from odoo import api, fields, models


class SpGrievanceCategory(models.Model):
    _name = "sp.grievance.category"
    _description = "Grievance category"
    _parent_store = True
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Stable code used by reports, the API and data files.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    parent_id = fields.Many2one("sp.grievance.category", index=True, ondelete="restrict")
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("sp.grievance.category", "parent_id", string="Sub-categories")
    description = fields.Text(translate=True)
    is_confidential = fields.Boolean(
        "Confidential",
        help="Tickets of this category (misconduct, fraud, corruption, abuse) are visible only to "
        "their assignee and to inspectors.",
    )
    is_formal = fields.Boolean(
        "Formal complaint",
        help="Tickets of this category are formal complaints under the Law on Complaints by "
        "default: they follow the legal clocks instead of the service levels.",
    )

    _sql_constraints = [
        ("code_uniq", "unique(code)", "A grievance category code must be unique."),
    ]

    @api.depends("name", "parent_id.name")
    def _compute_display_name(self):
        # Categories are two levels deep (misconduct / fraud): the parent's name is enough.
        for category in self:
            parent = category.parent_id.name
            category.display_name = "%s / %s" % (parent, category.name) if parent else category.name
