from odoo import api, fields, models

from .sp_household import POVERTY_STATUSES


class SpRegistryImportHousehold(models.Model):
    """A household of an uploaded list, staged: filled and checked set-based, then written to
    the registry by the import (one row per household of the file)."""

    _name = "sp.registry.import.household"
    _description = "Staged household of an import"
    _order = "import_id, sequence"
    _log_access = False

    import_id = fields.Many2one("sp.registry.import", string="Import", required=True, index=True,
                                ondelete="cascade")
    sequence = fields.Integer(readonly=True)
    first_row = fields.Integer("Row", readonly=True)
    code = fields.Char("Household code", readonly=True)
    external_ref = fields.Char("Reference in the list", readonly=True)
    commune_id = fields.Many2one("sp.area", string="Commune", readonly=True)
    target_area_id = fields.Many2one("sp.area", string="Commune / village", readonly=True)
    street = fields.Char("Hamlet / street", readonly=True)
    poverty_status = fields.Selection(POVERTY_STATUSES, string="Poverty status", readonly=True)
    household_id = fields.Many2one("sp.household", string="Matched household", readonly=True,
                                   ondelete="set null", index="btree_not_null")
    action = fields.Selection([("create", "New"), ("update", "Update")], readonly=True)
    state = fields.Selection(
        [("ok", "Valid"), ("error", "Rejected"), ("done", "Imported")],
        default="ok", readonly=True,
    )
    new_household_id = fields.Integer(
        "Registry id (new)", readonly=True, help="Id the household gets in the registry when it is new.")
    registry_household_id = fields.Many2one("sp.household", string="Registry household",
                                            compute="_compute_registry_household_id")
    line_ids = fields.One2many("sp.registry.import.line", "group_id", string="People")

    @api.depends("household_id", "new_household_id", "state")
    def _compute_registry_household_id(self):
        for group in self:
            created = group.state == "done" and group.action == "create"
            group.registry_household_id = group.household_id or (
                created and self.env["sp.household"].browse(group.new_household_id))
