from odoo import api, fields, models

from ..tools.import_reader import FIELDS, translate


class SpRegistryImportColumn(models.Model):
    """One column of an uploaded list and the registry field it fills (editable mapping)."""

    _name = "sp.registry.import.column"
    _description = "Column of an imported list"
    _order = "import_id, sequence"

    import_id = fields.Many2one("sp.registry.import", string="Import", required=True, index=True,
                                ondelete="cascade")
    sequence = fields.Integer("Column", help="Position of the column in the file, from 0.")
    letter = fields.Char(compute="_compute_letter", string="Col.")
    header = fields.Char("Header in the file", readonly=True)
    sample = fields.Char("First values", readonly=True)
    target = fields.Selection("_selection_target", string="Imported as",
                              help="Leave empty to ignore the column.")

    @api.model
    def _selection_target(self):
        return [(key, translate(spec[1], self.env.lang)) for key, spec in FIELDS.items()]

    @api.depends("sequence")
    def _compute_letter(self):
        for column in self:
            index, letters = column.sequence + 1, ""
            while index:
                index, rest = divmod(index - 1, 26)
                letters = chr(65 + rest) + letters
            column.letter = letters
