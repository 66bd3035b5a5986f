"""The suite's one check of what a client sends, and of where a record is placed.

Add ``"sp.input.mixin"`` to a model's ``_inherit``; then every ``create`` and ``write``:

- refuses, naming the field, a value the field cannot hold, with a ValidationError instead of a
  Python or psycopg2 traceback: a key that is not a field, a value of the wrong type, a NUL
  character (PostgreSQL refuses it in text), a date that does not exist (31/02) or whose year is
  outside 1900-2100 (``_sp_date_years``), a value outside a selection, an integer or id outside
  PostgreSQL's integer, a number that is not finite or is outside ``_sp_bounds``
  ({field: (low, high)}; else +-``MAX_NUMBER``);
- refuses, with an AccessError, a record created or moved (a field of ``_sp_scope_fields``
  written) outside the user's scope: its office among the user's offices (and their children)
  and, for a user limited to some areas (``sp_area_ids``), its area under one of them. Record
  rules filter what one reads, not where one writes. Superuser mode (a step, after its own
  checks) is not limited. The area is named only to a user who may read it.

Helpers for messages and names: ``_sp_contact_for(company)``, ``has_letter(text)``,
``_sp_check_person_name(fname, value)``, ``_sp_area_in_scope(area)``.
"""
import datetime
import math
import unicodedata

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

# Beyond these an amount, a count or an id is a typing or forging error, not data.
MAX_NUMBER = 1e12
MAX_INTEGER = 2**31 - 1  # PostgreSQL integer columns (ids, counts, years)
YEAR_MIN, YEAR_MAX = 1900, 2100


def has_letter(text):
    """Whether ``text`` has at least one letter (of any script)."""
    return any(unicodedata.category(char).startswith("L") for char in text or "")


def _shown(value):
    return str(value)[:50]


class SpInputMixin(models.AbstractModel):
    _name = "sp.input.mixin"
    _description = "Input and scope checks"

    # Fields that place a record in an office or area (directly, or through a relation whose
    # area the record takes): writing one of them checks the records' scope afterwards.
    _sp_scope_fields = ("area_id", "company_id")
    # Whether a user limited to some areas must give the record an area (False: a record
    # without an area, e.g. an import not limited to one area, is theirs to create).
    _sp_scope_needs_area = True
    # Lowest and highest value of numeric fields: {field: (low, high)}.
    _sp_bounds = {}
    # Years a date may have (None: any year Python reads, for a model whose own constraint
    # says what is plausible, e.g. a birth date, with its own message).
    _sp_date_years = (YEAR_MIN, YEAR_MAX)

    # ------------------------------------------------------------------ create / write
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._sp_check_input(vals)
        if not self.env.su:
            # Before the record rules answer, without saying why, on the created records.
            for vals in vals_list:
                self.new(vals)._sp_check_scope()
        records = super().create(vals_list)
        records._sp_check_scope()
        return records

    def write(self, vals):
        self._sp_check_input(vals)
        if not self.env.su and set(self._sp_scope_fields) & set(vals):
            # Before the record rules answer, without saying why: the area and office written.
            self._sp_check_scope_vals(vals)
        res = super().write(vals)
        if set(self._sp_scope_fields) & set(vals):
            self._sp_check_scope()
        return res

    # ------------------------------------------------------------------ values
    @api.model
    def _sp_label(self, fname):
        return self._fields[fname]._description_string(self.env)

    @api.model
    def _sp_refuse(self, fname, message, **args):
        raise ValidationError(message % dict(args, field=self._sp_label(fname)))

    @api.model
    def _sp_check_input(self, vals):
        """Refuse, field by field, a value the field cannot hold (see the module's docstring)."""
        if not isinstance(vals, dict):
            raise ValidationError(_("The values to write must be given as a dictionary."))
        for fname, value in vals.items():
            field = self._fields.get(fname) if isinstance(fname, str) else None
            if field is None:
                raise ValidationError(_("%(name)s is not a field of %(model)s.",
                                        name=_shown(fname), model=self._description))
            if value is False or value is None:
                continue
            kind = field.type
            if kind in ("char", "text", "html"):
                if not isinstance(value, str):
                    self._sp_refuse(fname, _("%(field)s: a text is expected, not %(value)s."),
                                    value=repr(value)[:50])
                if "\x00" in value:
                    self._sp_refuse(fname, _(
                        "%(field)s contains a NUL character (a byte 0): remove it."))
            elif kind in ("float", "monetary"):
                self._sp_check_number(fname, value)
            elif kind == "many2one" and isinstance(value, models.BaseModel):
                continue  # a record given by server code
            elif kind in ("integer", "many2one"):
                if isinstance(value, bool) or not isinstance(value, int) \
                        or not -MAX_INTEGER <= value <= MAX_INTEGER:
                    self._sp_refuse(fname, _(
                        "%(field)s: %(value)s is not a valid number (a whole number is "
                        "expected)."), value=_shown(value))
                if fname in self._sp_bounds:
                    self._sp_check_number(fname, value)
            elif kind in ("date", "datetime"):
                self._sp_check_date(fname, value)
            elif kind == "selection":
                self._sp_check_selection(fname, value)
            elif kind == "boolean":
                if not isinstance(value, (bool, int)):
                    self._sp_refuse(fname, _("%(field)s: true or false is expected, not "
                                             "%(value)s."), value=_shown(value))
            elif kind in ("one2many", "many2many"):
                if not isinstance(value, (list, tuple)):
                    self._sp_refuse(fname, _("%(field)s: a list of commands is expected, not "
                                             "%(value)s."), value=_shown(value))

    @api.model
    def _sp_check_number(self, fname, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value):
            self._sp_refuse(fname, _("%(field)s: %(value)s is not a valid number."),
                            value=_shown(value))
        low, high = self._sp_bounds.get(fname, (-MAX_NUMBER, MAX_NUMBER))
        if not low <= value <= high:
            self._sp_refuse(fname, _("%(field)s: %(value)s is outside %(low)s-%(high)s."),
                            value=_shown(value), low=low, high=high)

    @api.model
    def _sp_check_date(self, fname, value):
        field = self._fields[fname]
        convert = fields.Datetime.to_datetime if field.type == "datetime" else fields.Date.to_date
        day = None
        if isinstance(value, (str, datetime.date)):
            try:
                day = convert(value)
            except (ValueError, TypeError, OverflowError):
                day = None
        if day is None:
            self._sp_refuse(fname, _(
                "%(field)s: %(value)s is not a valid date (expected YYYY-MM-DD, a day that "
                "exists in the calendar)."), value=_shown(value))
        years = self._sp_date_years
        if years and not years[0] <= day.year <= years[1]:
            self._sp_refuse(fname, _("%(field)s: the year %(year)s is outside %(min)s-%(max)s."),
                            year=day.year, min=years[0], max=years[1])

    @api.model
    def _sp_check_selection(self, fname, value):
        choices = self._fields[fname]._description_selection(self.env)
        if value not in [key for key, _label in choices]:
            self._sp_refuse(fname, _(
                "%(field)s: %(value)s is not one of the allowed values (%(allowed)s)."),
                value=_shown(value),
                allowed=", ".join("%s (%s)" % (key, label) for key, label in choices))

    @api.model
    def _sp_check_person_name(self, fname, value):
        """A person's name has letters: empty, blank or digit-only names are refused."""
        if not isinstance(value, str) or not has_letter(value):
            self._sp_refuse(fname, _("%(field)s: %(value)s is not a name (a name needs "
                                     "letters)."),
                            value=repr(value)[:50] if value else _("empty"))

    # ------------------------------------------------------------------ scope
    @api.model
    def _sp_offices(self):
        """The offices the user works for now, and their children."""
        return self.env["res.company"].sudo().search([("id", "child_of", self.env.companies.ids)])

    @api.model
    def _sp_area_in_scope(self, area):
        """Whether ``area`` lies in the current user's work (superuser: always)."""
        if self.env.su or not area:
            return True
        area = area.sudo()
        if area.company_id and area.company_id not in self._sp_offices():
            return False
        roots = self.env.user.sudo().sp_area_ids.mapped("parent_path")
        return not roots or any(area.parent_path.startswith(root) for root in roots)

    def _sp_scope_name(self):
        """The record as a message names it: its kind and, when readable, its name."""
        kind = self.env["ir.model"].sudo()._get(self._name).name or self._description
        try:
            name = self.display_name or ""
        except AccessError:
            # The name may be made of related records the user may not read.
            name = ""
        return f"{kind} {name}".strip()

    def _sp_area_name(self, area, default):
        if area and area.with_env(self.env(su=False)).has_access("read"):
            return area.sudo().display_name
        return default

    def _sp_check_scope(self):
        """Each record's office and area must be within the user's: the offices they work for
        (and their children) and, for a user limited to some areas, those areas and below."""
        if self.env.su or not self:
            return
        scope = self._sp_scope()
        for record in self:
            current = record.sudo()
            record._sp_check_place(scope, current.area_id if "area_id" in self._fields else None,
                                   current.company_id if "company_id" in self._fields else None)

    def _sp_check_scope_vals(self, vals):
        """The area and office that ``vals`` give the records, checked before the write (the
        record rules would refuse a write out of scope without saying why)."""
        new_area = "area_id" in vals and "area_id" in self._fields
        new_company = "company_id" in vals and "company_id" in self._fields
        if not (new_area or new_company):
            return
        def browse(model, value):  # an id, or a record given by server code
            value = value.ids if isinstance(value, models.BaseModel) else value or ()
            return self.env[model].sudo().browse(value).exists()

        area = browse("sp.area", vals["area_id"]) if new_area else None
        company = browse("res.company", vals["company_id"]).sudo(False) if new_company else None
        scope = self._sp_scope()
        for record in self:
            current = record.sudo()
            place_area = area if new_area else (
                current.area_id if "area_id" in self._fields else None)
            place_company = company
            if not new_company and "company_id" in self._fields:
                # an area placed in an office takes the record there (sp.access.mixin)
                place_company = (area and area.company_id) or current.company_id
            record._sp_check_place(scope, place_area, place_company)

    @api.model
    def _sp_scope(self):
        """The user's offices (with their children) and the areas they are limited to."""
        return self._sp_offices(), self.env.user.sp_area_ids.sudo()

    def _sp_check_place(self, scope, area, company):
        """Refuse placing the record ``self`` in ``area`` and ``company`` (None: the model has no
        such field) outside the user's ``scope`` (see ``_sp_scope``)."""
        offices, roots = scope
        if company and company not in offices:
            raise AccessError(_(
                "%(record)s cannot be placed in %(area)s: that area is outside your work areas, "
                "outside the province offices you work for. Ask the office that covers it to "
                "record it.", record=self._sp_scope_name(),
                area=self._sp_area_name(area, _("another province office"))))
        if not roots or area is None or (not area and not self._sp_scope_needs_area):
            return
        area = area.sudo()
        if not (area and any(area.parent_path.startswith(root.parent_path) for root in roots)):
            raise AccessError(_(
                "%(record)s cannot be placed in %(area)s: that area is outside your work areas "
                "(%(yours)s). Choose an area you work in.", record=self._sp_scope_name(),
                area=self._sp_area_name(area, _("no area") if not area
                                        else _("an area you do not work in")),
                yours=", ".join(roots.mapped("display_name"))))

    # ------------------------------------------------------------------ messages
    @api.model
    def _sp_contact_for(self, company):
        """Whom to contact about a record outside the user's scope: the province office by name
        when the user may read it, else the central office."""
        if company and company.with_env(self.env(su=False)).has_access("read"):
            return company.name
        return _("the province office that registered it (the central office can tell which)")
