import math
import unicodedata

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

# PostgreSQL integer columns (ids, counts, years)
INT_MAX = 2 ** 31 - 1


def has_letter(text):
    return any(unicodedata.category(char).startswith("L") for char in text or "")


class SpRegistryInputMixin(models.AbstractModel):
    """Values from a client checked before the ORM converts them, so that no input ends in a
    traceback: a date that does not exist (31/02/2020), a value outside a selection, a NUL
    character (PostgreSQL refuses it in text), a number that is not one or is not finite, an id
    that is not an integer. Each error names the field.

    And the scope of areas: an area a user writes (a household's or a person's area, an event's
    target) must lie in their work: one of their province offices and, when they are limited to
    some communes, under one of them. Superuser mode (the steps, after their own checks) is not
    limited.
    """

    _name = "sp.registry.input.mixin"
    _description = "Registry input checks"

    # fields pointing at an area that a user's write must keep in their scope
    _sp_scoped_area_fields = ()

    @api.model
    def _sp_label(self, fname):
        return self._fields[fname]._description_string(self.env)

    @api.model
    def _sp_check_input(self, vals):
        """Refuse values the ORM or PostgreSQL could not store, with the field's name."""
        for fname, value in vals.items():
            field = self._fields.get(fname)
            if field is None or value is None or value is False:
                continue
            label = self._sp_label(fname)
            if field.type in ("char", "text", "html"):
                if not isinstance(value, str):
                    raise ValidationError(_("%(field)s: a text is expected, not %(value)s.",
                                            field=label, value=repr(value)[:50]))
                if "\x00" in value:
                    raise ValidationError(_(
                        "%(field)s contains a NUL character (a byte 0): remove it.",
                        field=label))
            elif field.type in ("date", "datetime"):
                convert = fields.Date.to_date if field.type == "date" \
                    else fields.Datetime.to_datetime
                try:
                    convert(value)
                except (ValueError, TypeError, OverflowError):
                    raise ValidationError(_(
                        "%(field)s: %(value)s is not a valid date (expected YYYY-MM-DD, a day "
                        "that exists in the calendar).", field=label, value=str(value)[:50]))
            elif field.type == "selection" and isinstance(field.selection, list) and value:
                keys = [key for key, _label in field.selection]
                if value not in keys:
                    labels = dict(field._description_selection(self.env))
                    raise ValidationError(_(
                        "%(field)s: %(value)s is not one of the allowed values (%(allowed)s).",
                        field=label, value=str(value)[:50],
                        allowed=", ".join("%s (%s)" % (key, labels.get(key, key))
                                          for key in keys)))
            elif field.type in ("integer", "many2one"):
                if isinstance(value, models.BaseModel) or (
                        isinstance(value, float) and value.is_integer()
                        and abs(value) <= INT_MAX):
                    continue
                if isinstance(value, bool) or not isinstance(value, int) \
                        or not -INT_MAX <= value <= INT_MAX:
                    if isinstance(value, str) and value.strip().lstrip("-").isdigit() \
                            and abs(int(value)) <= INT_MAX:
                        continue
                    raise ValidationError(_("%(field)s: %(value)s is not a valid number.",
                                            field=label, value=str(value)[:50]))
            elif field.type in ("float", "monetary"):
                try:
                    number = float(value)
                except (ValueError, TypeError):
                    number = math.nan
                if not math.isfinite(number):
                    raise ValidationError(_("%(field)s: %(value)s is not a valid number.",
                                            field=label, value=str(value)[:50]))

    @api.model
    def _sp_check_person_name(self, fname, value):
        """A person's name has letters: empty, blank or digit-only names are refused."""
        if not isinstance(value, str) or not has_letter(value):
            raise ValidationError(_(
                "%(field)s: %(value)s is not a name (a name needs letters).",
                field=self._sp_label(fname), value=repr(value)[:50] if value else _("empty")))

    # ------------------------------------------------------------------ scope
    @api.model
    def _sp_area_in_scope(self, area):
        """Whether ``area`` lies in the current user's work (superuser: always)."""
        if self.env.su or not area:
            return True
        user = self.env.user
        area = area.sudo()
        offices = self.env["res.company"].sudo().search(
            [("id", "child_of", (self.env.companies | user.company_ids).ids)])
        if area.company_id and area.company_id not in offices:
            return False
        roots = user.sudo().sp_area_ids.mapped("parent_path")
        return not roots or any(area.parent_path.startswith(root) for root in roots)

    @api.model
    def _sp_check_area_scope(self, vals):
        for fname in self._sp_scoped_area_fields:
            if vals.get(fname):
                area = self.env["sp.area"].browse(vals[fname]).exists()
                if area and not self._sp_area_in_scope(area):
                    raise AccessError(_(
                        "%(field)s: %(area)s is outside your work areas (your province office "
                        "and communes). Choose an area you work in; a household that moves to "
                        "another commune is recorded with a move event.",
                        field=self._sp_label(fname), area=area.sudo().display_name))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._sp_check_input(vals)
            self._sp_check_area_scope(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._sp_check_input(vals)
        self._sp_check_area_scope(vals)
        return super().write(vals)

    # ------------------------------------------------------------------ messages
    @api.model
    def _sp_contact_for(self, company):
        """Whom to contact about a record outside the user's scope: the province office by name
        when the user may read it, else the central office."""
        if company and company.with_env(self.env(su=False)).has_access("read"):
            return company.name
        return _("the province office that registered it (the central office can tell which)")
