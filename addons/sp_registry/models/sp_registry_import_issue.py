from odoo import fields, models


class SpRegistryImportIssue(models.Model):
    """An error or a warning on a row (row 0: the file) of an uploaded list."""

    _name = "sp.registry.import.issue"
    _description = "Import error or warning"
    _order = "import_id, row, id"
    _log_access = False

    import_id = fields.Many2one("sp.registry.import", string="Import", required=True, index=True,
                                ondelete="cascade")
    group_id = fields.Many2one("sp.registry.import.household", string="Household",
                               ondelete="cascade", index="btree_not_null")
    row = fields.Integer(readonly=True, help="Row of the file (as numbered in Excel).")
    column_name = fields.Char("Column", readonly=True)
    value = fields.Char(readonly=True)
    message = fields.Char(readonly=True)
    severity = fields.Selection(
        [("error", "Error"), ("warning", "Warning")], readonly=True, index=True)
