from odoo import fields, models

from .sp_individual import DISABILITY_LEVELS, RELATIONSHIPS


class SpRegistryImportLine(models.Model):
    """A person row of an uploaded list, staged (written with COPY, checked set-based)."""

    _name = "sp.registry.import.line"
    _description = "Staged row of an import"
    _inherit = ["sp.access.mixin"]
    _order = "import_id, row"
    _log_access = False

    import_id = fields.Many2one("sp.registry.import", required=True, index=True,
                                ondelete="cascade")
    group_id = fields.Many2one("sp.registry.import.household", string="Household", index=True,
                               ondelete="cascade", readonly=True)
    row = fields.Integer(readonly=True)
    state = fields.Selection(
        [("ok", "Valid"), ("error", "Error"), ("rejected", "Household rejected"),
         ("done", "Imported")],
        default="ok", readonly=True, index=True,
    )
    action = fields.Selection([("create", "New"), ("update", "Update")], readonly=True)
    name = fields.Char("Full name", readonly=True)
    name_key = fields.Char(readonly=True)
    gender = fields.Selection([("male", "Male"), ("female", "Female")], readonly=True)
    birthdate = fields.Date("Birth date", readonly=True)
    birthdate_precision = fields.Selection(
        [("day", "Day"), ("month", "Month"), ("year", "Year only")], readonly=True)
    birth_year = fields.Integer(readonly=True)
    id_number = fields.Char("Personal ID", readonly=True, index="btree_not_null")
    legacy_id_number = fields.Char("Old ID card number", readonly=True)
    relationship = fields.Selection(RELATIONSHIPS, readonly=True)
    ethnicity_id = fields.Many2one("sp.ethnicity", readonly=True)
    phone = fields.Char(readonly=True)
    disability_level = fields.Selection(DISABILITY_LEVELS, readonly=True)
    individual_id = fields.Many2one("sp.individual", string="Registry person", readonly=True,
                                    ondelete="set null", index="btree_not_null")
