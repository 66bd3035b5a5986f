from odoo import _, api, models
from odoo.exceptions import AccessError


class SpStepMixin(models.AbstractModel):
    """Fields owned by a workflow step: written only by the step's own methods.

    Declare such a field with ``sp_step=True`` (states, approvers and their dates, decision links,
    amounts, household codes, confidentiality, escalation level, import author, event payloads).
    A plain ``create``/``write`` of it is refused for every user but the system administrator,
    whatever the context says: an RPC client controls its own context and may call any public
    method, so a context key would be no guard. The step writes through ``_sp_step_write`` (or
    ``_sp_step_create``): the explicit access check of the current user on the records, then the
    ORM's superuser mode, which no client can reach. ``env.uid`` stays the user, so the
    ``write_uid``, the chatter and the audit name them.

    On ``create``, a step field given with its default value (or empty) is accepted: a form sends
    the defaults of the fields it shows.
    """

    _name = "sp.step.mixin"
    _description = "Workflow fields written by their steps only"

    def _valid_field_parameter(self, field, name):
        return name == "sp_step" or super()._valid_field_parameter(field, name)

    @api.model
    def _sp_step_fields(self):
        return {name for name, field in self._fields.items() if getattr(field, "sp_step", False)}

    def _sp_may_write_steps(self):
        return self.env.su or self.env.user._is_system()

    @api.model
    def _sp_refuse_step_fields(self, names):
        if names:
            labels = sorted(self._fields[name]._description_string(self.env) for name in names)
            raise AccessError(_(
                "%(fields)s of %(model)s is set by the workflow's steps (its buttons), not "
                "written directly.", fields=", ".join(labels), model=self._description))

    @api.model_create_multi
    def create(self, vals_list):
        if not self._sp_may_write_steps():
            owned = self._sp_step_fields()
            given = {key for vals in vals_list for key in vals if key in owned}
            if given:
                defaults = self.default_get(list(given))
                self._sp_refuse_step_fields({
                    key for vals in vals_list for key in given & set(vals)
                    if vals[key] and vals[key] != defaults.get(key)})
        return super().create(vals_list)

    def write(self, vals):
        if not self._sp_may_write_steps():
            owned = self._sp_step_fields() & set(vals)
            if owned:
                # a role that may not write these records at all hears that first
                self.check_access("write")
                self._sp_refuse_step_fields(owned)
        return super().write(vals)

    def _sp_step_write(self, vals):
        """Write step-owned fields on behalf of the current user: their right to write these
        records is checked first (access rights and record rules), then the write runs in
        superuser mode. For the step methods only (private: not callable over RPC)."""
        self.check_access("write")
        return self.sudo().write(vals)

    @api.model
    def _sp_step_create(self, vals_list):
        """Create records with step-owned fields set, after checking that the current user may
        create them and that they fall in the user's scope (record rules on the new records)."""
        self.check_access("create")
        records = self.sudo().create(vals_list)
        records.sudo(False).check_access("create")
        return records.sudo(False)
