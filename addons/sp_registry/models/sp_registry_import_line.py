from odoo import api, fields, models

from .sp_individual import DISABILITY_LEVELS, RELATIONSHIPS


class SpRegistryImportLine(models.Model):
    """A person row of an uploaded list, staged (written with COPY, checked set-based).

    Staged rows belong to their import: who may read them follows from the import (record
    rules on ``import_id``), so they carry no company or area of their own, which keeps COPY
    of 100,000 rows free of two foreign-key checks and two indexes per row."""

    _name = "sp.registry.import.line"
    _description = "Staged row of an import"
    _order = "import_id, row"
    _log_access = False

    import_id = fields.Many2one("sp.registry.import", string="Import", required=True, index=True,
                                ondelete="cascade")
    group_id = fields.Many2one("sp.registry.import.household", string="Household", index=True,
                               ondelete="cascade", readonly=True)
    row = fields.Integer(readonly=True)
    state = fields.Selection(
        [("ok", "Valid"), ("error", "Error"), ("rejected", "Household rejected")],
        default="ok", readonly=True,
    )
    group_state = fields.Selection(related="group_id.state", string="Household status")
    action = fields.Selection([("create", "New"), ("update", "Update")], readonly=True)
    name = fields.Char("Full name", readonly=True)
    name_key = fields.Char("Name without accents", readonly=True)
    gender = fields.Selection([("male", "Male"), ("female", "Female")], string="Sex",
                              readonly=True)
    birthdate = fields.Date("Birth date", readonly=True)
    birthdate_precision = fields.Selection(
        [("day", "Day"), ("month", "Month"), ("year", "Year only")],
        string="Birth date precision", readonly=True)
    birth_year = fields.Integer("Birth year", readonly=True)
    id_number = fields.Char("Personal ID", readonly=True)
    legacy_id_number = fields.Char("Old ID card number", readonly=True)
    relationship = fields.Selection(RELATIONSHIPS, string="Relationship to the head",
                                    readonly=True)
    # the id of the ethnic group, without a foreign key: checked when the person is written
    ethnicity_id = fields.Integer("Ethnic group", readonly=True)
    phone = fields.Char(readonly=True)
    disability_level = fields.Selection(DISABILITY_LEVELS, string="Disability level",
                                        readonly=True)
    individual_id = fields.Many2one("sp.individual", string="Matched person", readonly=True,
                                    ondelete="set null", index="btree_not_null",
                                    help="The registered person this row updates.")
    new_individual_id = fields.Integer(
        "Registry id (new)", readonly=True, help="Id the person gets in the registry when the row creates them.")
    person_id = fields.Many2one("sp.individual", string="Registry person",
                                compute="_compute_person_id")

    @api.depends("individual_id", "new_individual_id", "group_state")
    def _compute_person_id(self):
        for line in self:
            created = line.group_state == "done" and line.action == "create" and \
                line.state == "ok"
            line.person_id = line.individual_id or (
                created and self.env["sp.individual"].browse(line.new_individual_id))
