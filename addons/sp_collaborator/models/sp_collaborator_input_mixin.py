from odoo import api, models

from ..tools import check_scope, check_values


class SpCollaboratorInputMixin(models.AbstractModel):
    """What every model of the collaborator module checks on create and write: values of the
    right type and within bounds (a clear message instead of a traceback), and that a record
    created or moved stays in the user's offices and work areas (record rules filter what one
    reads, not where one writes)."""

    _name = "sp.collaborator.input.mixin"
    _description = "Input and scope checks of the collaborator records"

    # Fields that place a record in an office or area (directly or through a relation).
    _sp_scope_fields = ("area_id", "company_id")
    # Bounds of numeric fields, as the database's checks say: {field: (lowest, highest)}.
    _sp_bounds = {}

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_values(self, vals, self._sp_bounds)
        if not self.env.su:
            # Before the record rules answer, without saying why, on the created records.
            for vals in vals_list:
                self.new(vals)._sp_check_scope()
        records = super().create(vals_list)
        records._sp_check_scope()
        return records

    def write(self, vals):
        check_values(self, vals, self._sp_bounds)
        res = super().write(vals)
        if set(self._sp_scope_fields) & set(vals):
            self._sp_check_scope()
        return res

    def _sp_check_scope(self):
        check_scope(self, self._description + " %s")
